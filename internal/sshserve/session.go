package sshserve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// endReason says why the server ended a session; endNone while the operator is in charge.
type endReason int

const (
	endNone endReason = iota
	endShutdown
	endIdle
	endPanic
	endRevoked
)

// String names the reason for the log.
func (r endReason) String() string {
	switch r {
	case endShutdown:
		return "server shutdown"
	case endIdle:
		return "idle timeout"
	case endPanic:
		return "internal error"
	case endRevoked:
		return "key revoked"
	}
	return "client"
}

// session is one running console session.
type session struct {
	id    uint64
	sess  ssh.Session
	op    record.Operator
	key   gossh.PublicKey // the key the session logged in with, watched for removal; nil for a demo visitor
	pty   ptyInfo         // the terminal, as requested
	log   *slog.Logger
	clk   clock.Clock
	idle  time.Duration
	start time.Time

	lastInput  atomic.Int64 // clock time of the last input, unix nanoseconds
	keyMissing atomic.Bool  // the key was missing from authorized_keys at the last check

	mu       sync.Mutex
	reason   endReason
	program  *tea.Program
	closers  []func() // run when the session ends: the model's subscription, the input pump
	idleWait clock.Timer
	finished bool
}

// touch records input now.
func (st *session) touch() { st.lastInput.Store(st.clk.Now().UnixNano()) }

// end asks the session to end for reason; the first reason wins. The program is told to quit from its own
// goroutine, since Quit waits for the program to take the message.
func (st *session) end(reason endReason) {
	st.mu.Lock()
	if st.reason != endNone || st.finished {
		st.mu.Unlock()
		return
	}
	st.reason = reason
	p := st.program
	st.mu.Unlock()
	if p != nil {
		go p.Quit()
	}
}

// attach records the session's program, unless the session is already ending; it reports whether it did.
func (st *session) attach(p *tea.Program, closers ...func()) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closers = append(st.closers, closers...)
	if st.reason != endNone {
		return false
	}
	st.program = p
	return true
}

// armIdle starts the idle timer. It fires once per idle period and re-arms itself for whatever is left of
// the period since the last input, so typing costs no timer work.
func (st *session) armIdle() {
	if st.idle <= 0 {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.finished {
		return
	}
	st.idleWait = st.clk.AfterFunc(st.idle, st.checkIdle)
}

func (st *session) checkIdle() {
	quiet := st.clk.Now().Sub(time.Unix(0, st.lastInput.Load()))
	if quiet >= st.idle {
		st.end(endIdle)
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.finished || st.reason != endNone {
		return
	}
	st.idleWait = st.clk.AfterFunc(st.idle-quiet, st.checkIdle)
}

// finish stops the idle timer and releases what the session held; it returns why the session ended.
func (st *session) finish() endReason {
	st.mu.Lock()
	st.finished = true
	if st.idleWait != nil {
		st.idleWait.Stop()
	}
	closers := st.closers
	st.closers = nil
	reason := st.reason
	st.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
	return reason
}

// handler is the session pipeline: admission (identity, command, terminal, seats), panic containment, then
// the session's program with its window sizes bounded and coalesced.
func (s *Server) handler() ssh.Handler {
	return func(sess ssh.Session) {
		markOpened(sess)
		st, ok := s.admit(sess)
		if !ok {
			return
		}
		defer s.release(st)
		defer func() {
			if r := recover(); r != nil {
				st.log.Error("session panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				st.mu.Lock()
				if st.reason == endNone {
					st.reason = endPanic
				}
				st.mu.Unlock()
			}
		}()
		s.run(st)
	}
}

// run runs the session's program until it quits, the server ends it, or the client goes.
func (s *Server) run(st *session) {
	p := s.program(st.sess)
	if p == nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	go forwardWindows(st.pty.winch, done, p.Send)
	// The session's context ends when the client's connection closes.
	stop := context.AfterFunc(st.sess.Context(), p.Quit)
	defer stop()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		st.log.Warn("session program ended with an error", "error", err)
	}
	// Kill restores the terminal if the program did not get to (it ended by a panic or was cut off).
	p.Kill()
}

// admit checks that a session can run and registers it; on refusal it has told the client why and ended
// the session.
func (s *Server) admit(sess ssh.Session) (*session, bool) {
	pty := s.takePty(sess)
	id, known := s.operatorOf(sess)
	op := id.op
	log := s.log.With("operator", op.Name, "remote", op.Remote, "fingerprint", op.Fingerprint)
	if id.claimed != op.Name {
		// The client asked for another user name: it is only logged, never used.
		log = log.With("ssh_user", id.claimed)
	}
	if !known {
		log.Warn("ssh session refused: the key is no longer in authorized_keys")
		refuse(sess, "your key is no longer listed in the server's authorized keys")
		return nil, false
	}
	if len(sess.Command()) > 0 || sess.Subsystem() != "" {
		log.Info("ssh session refused: command given", "command_words", len(sess.Command()))
		refuse(sess, "flashcall serves only its console: connect without a command, e.g. ssh -p PORT HOST")
		return nil, false
	}
	if !pty.ok {
		log.Info("ssh session refused: no terminal")
		refuse(sess, "flashcall's console needs a terminal: connect from an interactive terminal, "+
			"without -T (add -t if your client does not ask for one)")
		return nil, false
	}
	s.mu.Lock()
	switch {
	case s.closing:
		s.mu.Unlock()
		refuse(sess, "the flashcall server is shutting down: try again in a minute")
		return nil, false
	case len(s.sessions) >= s.opts.MaxSessions:
		s.mu.Unlock()
		log.Warn("ssh session refused: all seats taken", "max_sessions", s.opts.MaxSessions)
		refuse(sess, fmt.Sprintf("all %d flashcall console sessions are in use: please try again in a few "+
			"minutes, or ask whoever runs the server to raise ssh.max_sessions", s.opts.MaxSessions))
		return nil, false
	}
	s.nextID++
	st := &session{id: s.nextID, sess: sess, op: op, key: id.key, pty: pty, clk: s.clk, idle: s.opts.IdleTimeout,
		start: s.clk.Now()}
	st.log = log.With("session", st.id)
	st.touch()
	s.sessions[sess] = st
	s.active.Add(1)
	n := len(s.sessions)
	s.mu.Unlock()
	st.log.Info("ssh session started", "role", op.Role.String(), "term", sanitize(pty.pty.Term, 40),
		"width", pty.pty.Window.Width, "height", pty.pty.Window.Height, "sessions", n)
	detail := fmt.Sprintf("ssh session %d from %s as %s", st.id, op.Remote, op.Role)
	if op.Fingerprint != "" {
		detail += ", key " + op.Fingerprint
	}
	if id.claimed != op.Name {
		detail += fmt.Sprintf("; the client asked for user %q", id.claimed)
	}
	s.auditSession(st, record.AuditLogin, detail)
	st.armIdle()
	return st, true
}

// sessionAuditor is the part of the verification service that records console sessions in the audit log
// (*verify.Service has it).
type sessionAuditor interface {
	AuditSession(ctx context.Context, op record.Operator, action record.Action, detail string) error
}

// auditTimeout bounds a session's audit write.
const auditTimeout = 5 * time.Second

// auditSession records a session's login, logout or revocation; a failure is logged, and does not stop the
// session (the server log has it too).
func (s *Server) auditSession(st *session, action record.Action, detail string) {
	if s.auditor == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	if err := s.auditor.AuditSession(ctx, st.op, action, detail); err != nil {
		st.log.Error("session not recorded in the audit log", "action", action, "error", err)
	}
}

// release unregisters a finished session and tells the client why the server ended it, if it did.
func (s *Server) release(st *session) {
	reason := st.finish()
	if msg := goodbye(reason, s.opts.IdleTimeout, st.id); msg != "" {
		fmt.Fprintf(st.sess, "\r\nflashcall: %s\r\n", msg)
	}
	code := 0
	if reason == endPanic || reason == endRevoked {
		code = 1
	}
	_ = st.sess.Exit(code)
	s.mu.Lock()
	delete(s.sessions, st.sess)
	n := len(s.sessions)
	s.mu.Unlock()
	took := s.clk.Now().Sub(st.start).Round(time.Millisecond)
	st.log.Info("ssh session ended", "reason", reason.String(), "duration", took, "sessions", n)
	if reason == endRevoked {
		s.auditSession(st, record.AuditKeyRevoked, fmt.Sprintf("ssh session %d ended after %s: key %s was removed "+
			"from or changed in authorized_keys", st.id, took, st.op.Fingerprint))
	} else {
		s.auditSession(st, record.AuditLogout, fmt.Sprintf("ssh session %d ended after %s: %s", st.id, took, reason))
	}
	s.active.Done()
}

// goodbye is what the client reads when the server ended its session.
func goodbye(r endReason, idle time.Duration, id uint64) string {
	switch r {
	case endShutdown:
		return "the server is shutting down, so this session has ended. Calls in progress stay recorded and " +
			"are picked up again when the server is back."
	case endIdle:
		return fmt.Sprintf("this session was closed after %s without input. Reconnect to carry on.", idle)
	case endPanic:
		return fmt.Sprintf("this session hit an internal error and was closed; it has been logged (session %d). "+
			"The server is still running: reconnect to carry on.", id)
	case endRevoked:
		return "your key was removed from the server's authorized keys (or its line changed), so this session " +
			"has ended and the audit log records it. Ask whoever runs the server if you think this is a mistake."
	}
	return ""
}

// refuse tells the client why its session cannot run and ends it.
func refuse(sess ssh.Session, msg string) {
	fmt.Fprintf(sess.Stderr(), "flashcall: %s\r\n", msg)
	_ = sess.Exit(1)
}

// lookup returns the registered session for sess.
func (s *Server) lookup(sess ssh.Session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[sess]
}
