package sshserve

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"

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
	}
	return "client"
}

// session is one running console session.
type session struct {
	id    uint64
	sess  ssh.Session
	op    record.Operator
	log   *slog.Logger
	clk   clock.Clock
	idle  time.Duration
	start time.Time

	lastInput atomic.Int64 // clock time of the last input, unix nanoseconds

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

// handler is the session pipeline: admission (command, terminal, seats), panic containment, then the Bubble
// Tea middleware running the session's program.
func (s *Server) handler() ssh.Handler {
	run := bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii)(func(ssh.Session) {})
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
		run(sess)
	}
}

// admit checks that a session can run and registers it; on refusal it has told the client why and ended
// the session.
func (s *Server) admit(sess ssh.Session) (*session, bool) {
	op := operatorOf(sess)
	log := s.log.With("user", op.Name, "remote", op.Remote, "fingerprint", op.Fingerprint)
	if len(sess.Command()) > 0 || sess.Subsystem() != "" {
		log.Info("ssh session refused: command given", "command_words", len(sess.Command()))
		refuse(sess, "flashcall serves only its console: connect without a command, e.g. ssh -p PORT HOST")
		return nil, false
	}
	if _, _, ok := sess.Pty(); !ok {
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
	st := &session{id: s.nextID, sess: sess, op: op, clk: s.clk, idle: s.opts.IdleTimeout, start: s.clk.Now()}
	st.log = log.With("session", st.id)
	st.touch()
	s.sessions[sess] = st
	s.active.Add(1)
	n := len(s.sessions)
	s.mu.Unlock()
	pty, _, _ := sess.Pty()
	st.log.Info("ssh session started", "term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height,
		"sessions", n)
	st.armIdle()
	return st, true
}

// release unregisters a finished session and tells the client why the server ended it, if it did.
func (s *Server) release(st *session) {
	reason := st.finish()
	if msg := goodbye(reason, s.opts.IdleTimeout, st.id); msg != "" {
		fmt.Fprintf(st.sess, "\r\nflashcall: %s\r\n", msg)
	}
	code := 0
	if reason == endPanic {
		code = 1
	}
	_ = st.sess.Exit(code)
	s.mu.Lock()
	delete(s.sessions, st.sess)
	n := len(s.sessions)
	s.mu.Unlock()
	st.log.Info("ssh session ended", "reason", reason.String(), "duration", s.clk.Now().Sub(st.start).Round(time.Millisecond),
		"sessions", n)
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
