package sshserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/tui"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("sshserve: server closed")

// Options configure a Server.
type Options struct {
	// Service is the verification flow every session shares. Required.
	Service tui.Service
	// HostKeyPath is the ed25519 host key file, created with mode 0600 when it does not exist. Required.
	HostKeyPath string
	// AuthorizedKeysPath is the OpenSSH authorized_keys file of the operators allowed in.
	AuthorizedKeysPath string
	// AllowAnonymous lets anyone in without a listed key. New refuses it unless the service is simulated.
	AllowAnonymous bool
	// MaxSessions is how many console sessions may run at once; 0 means config.DefaultSSHMaxSessions.
	MaxSessions int
	// IdleTimeout closes a session that has had no input for this long; 0 never does.
	IdleTimeout time.Duration
	// Logger receives the server's log: sessions with user, address and key fingerprint. Nil discards it.
	Logger *slog.Logger
	// Clock drives idle timeouts, the handshake deadline and the authorized_keys watch; nil means the wall
	// clock.
	Clock clock.Clock
	// Location is the time zone sessions show times in; nil means the server's local zone.
	Location *time.Location
	// HistoryLimit is how many history rows each session loads at start (see tui.Options.HistoryLimit).
	HistoryLimit int
	// Bell rings each session's terminal bell when a call its operator placed is delivered (console.bell;
	// see tui.Options.Bell).
	Bell bool
	// Supervisors names the operators (by their key's name in authorized_keys) who are supervisors.
	Supervisors []string
	// MaxUnauthenticated bounds the connections waiting to authenticate; 0 means DefaultMaxUnauthenticated.
	MaxUnauthenticated int
	// MaxUnauthenticatedPerAddr bounds them per IP address; 0 means DefaultMaxUnauthenticatedPerAddr.
	MaxUnauthenticatedPerAddr int
	// KeyPollInterval is how often the authorized_keys file is checked for removed keys; 0 means
	// DefaultKeyPollInterval.
	KeyPollInterval time.Duration
	// Presence is the hub every session joins, so each sees who is connected, whose read-back is open and
	// the read-backs the others check; nil means an in-process hub of this server's sessions.
	Presence presence.Hub
}

// OptionsFromConfig fills Options from the [ssh] table; the caller adds the service (and logger, clock).
func OptionsFromConfig(cfg *config.Config, getenv func(string) string) Options {
	return Options{
		HostKeyPath:        cfg.HostKeyPath(getenv),
		AuthorizedKeysPath: cfg.AuthorizedKeysPath(getenv),
		AllowAnonymous:     cfg.SSH.AllowAnonymous,
		MaxSessions:        cfg.SSH.MaxSessions,
		IdleTimeout:        cfg.SSH.IdleTimeout.Duration,
		Supervisors:        slices.Clone(cfg.SSH.Supervisors),
		Bell:               cfg.Console.Bell,
	}
}

// Server is the console's SSH server. Create it with New, run it with Serve, stop it with Shutdown.
type Server struct {
	svc        tui.Service
	opts       Options
	log        *slog.Logger
	clk        clock.Clock
	srv        *ssh.Server
	signer     gossh.Signer
	created    bool
	keys       *keyFile
	anonymous  bool
	simulated  bool
	newSession sessionFactory // builds each session's model; replaced by tests
	auditor    sessionAuditor // the service's session audit, nil when it has none
	supervisor map[string]bool
	presence   presence.Hub // every session's seat; see Options.Presence

	maxPending, maxPendingPerAddr, maxAuthed int
	pollEvery                                time.Duration
	drops                                    dropLog
	refusals                                 refusedLog
	closedConns                              atomic.Int64 // connections closed and done with, refusals audited

	mu          sync.Mutex
	closing     bool
	listeners   map[net.Listener]bool
	sessions    map[ssh.Session]*session
	ptys        map[ssh.Session]ptyInfo // terminals noted by sessionRequest, until the handler takes them
	pending     []*connState            // unauthenticated connections, oldest first
	pendingPer  map[string]int          // unauthenticated connections per IP address
	authedConns int
	nextID      uint64
	watching    bool           // the key watch runs
	watch       clock.Timer    // the key watch's next poll
	active      sync.WaitGroup // one per admitted session
}

// New loads (or creates) the host key and reads the authorized keys. It refuses to build a server nobody could
// log in to, and one that would let anyone in on a real Restcomm account; the error says why and what to do.
func New(o Options) (*Server, error) {
	if o.Service == nil {
		return nil, errors.New("sshserve: no verification service")
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = config.DefaultSSHMaxSessions
	}
	s := &Server{
		svc: o.Service, opts: o, log: o.Logger, clk: o.Clock,
		listeners: map[net.Listener]bool{}, sessions: map[ssh.Session]*session{}, pendingPer: map[string]int{},
		ptys:       map[ssh.Session]ptyInfo{},
		maxPending: o.MaxUnauthenticated, maxPendingPerAddr: o.MaxUnauthenticatedPerAddr,
		maxAuthed: o.MaxSessions + authenticatedMargin, pollEvery: o.KeyPollInterval,
		supervisor: map[string]bool{},
	}
	if s.maxPending <= 0 {
		s.maxPending = DefaultMaxUnauthenticated
	}
	if s.maxPendingPerAddr <= 0 {
		s.maxPendingPerAddr = DefaultMaxUnauthenticatedPerAddr
	}
	if s.pollEvery <= 0 {
		s.pollEvery = DefaultKeyPollInterval
	}
	for _, name := range o.Supervisors {
		if err := record.CheckOperatorName(name); err != nil {
			return nil, fmt.Errorf("sshserve: supervisor %q: %v", sanitize(name, record.MaxOperatorName), err)
		}
		s.supervisor[name] = true
	}
	s.auditor, _ = o.Service.(sessionAuditor)
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.presence = o.Presence; s.presence == nil {
		s.presence = presence.NewLocal(s.clk)
	}
	s.simulated = o.Service.Info().Simulated
	if o.AllowAnonymous && !s.simulated {
		return nil, errors.New("refusing to start: ssh.allow_anonymous is only for demos on the simulator, and " +
			"this server uses a real Restcomm account: set it to false and list the operators' keys in " +
			"ssh.authorized_keys")
	}
	s.anonymous = o.AllowAnonymous
	var err error
	s.signer, s.created, err = LoadHostKey(o.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s.keys = newKeyFile(o.AuthorizedKeysPath, s.log)
	if set, kerr := s.keys.Current(); set.Len() == 0 && !s.anonymous {
		return nil, noKeysError(o.AuthorizedKeysPath, kerr, len(set.Problems()), s.simulated)
	}
	s.newSession = s.consoleSession
	s.srv = &ssh.Server{
		Version:                "flashcall",
		HostSigners:            []ssh.Signer{s.signer},
		Handler:                s.handler(),
		PublicKeyHandler:       s.authorize,
		ConnCallback:           s.admitConn,
		ServerConfigCallback:   s.serverConfig,
		SessionRequestCallback: s.sessionRequest,
		// No PtyCallback: the default emulates the PTY over the channel, which needs no kernel terminal
		// per session. Its sizes reach the program only through forwardWindows, which bounds them.
	}
	if s.anonymous {
		// A client with no key at all gets in through keyboard-interactive with no questions; a client that
		// offers a key still gets in by publickey, so its fingerprint is recorded.
		s.srv.KeyboardInteractiveHandler = func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }
	}
	return s, nil
}

// noKeysError explains why nobody could log in.
func noKeysError(path string, readErr error, skipped int, simulated bool) error {
	var why string
	switch {
	case path == "":
		why = "no authorized_keys file is configured (set ssh.authorized_keys)"
	case missing(readErr):
		why = fmt.Sprintf("%s does not exist", path)
	case readErr != nil:
		why = fmt.Sprintf("%s cannot be read: %v", path, readErr)
	case skipped > 0:
		why = fmt.Sprintf("%s has no usable key (%d lines skipped, see the log)", path, skipped)
	default:
		why = fmt.Sprintf("%s lists no keys", path)
	}
	fix := "add each operator's public key (one OpenSSH line, e.g. the contents of ~/.ssh/id_ed25519.pub) to it"
	if simulated {
		fix += ", or, for a demo on the simulator, set ssh.allow_anonymous = true"
	}
	return fmt.Errorf("refusing to start the SSH server: nobody could log in: %s: %s", why, fix)
}

// Fingerprint returns the host key's SHA256 fingerprint, as ssh shows it on first connection.
func (s *Server) Fingerprint() string { return Fingerprint(s.signer.PublicKey()) }

// HostKeyCreated reports whether New generated the host key (first start).
func (s *Server) HostKeyCreated() bool { return s.created }

// Anonymous reports whether anyone may log in without a key (a demo on the simulator).
func (s *Server) Anonymous() bool { return s.anonymous }

// ReloadKeys rereads the authorized_keys file now (SIGHUP) and returns it, with the reason it could not be
// read if it could not. Skipped lines are logged, and every session whose key is no longer listed under the
// same name ends at once.
func (s *Server) ReloadKeys() (*AuthorizedKeys, error) {
	set, err := s.keys.Reload()
	s.checkSessionKeys(set, true)
	return set, err
}

// KeyProblems returns the lines of the authorized_keys file skipped at its last read, as FILE:LINE: reason.
func (s *Server) KeyProblems() []KeyProblem {
	set, _ := s.keys.Current()
	return set.Problems()
}

// Sessions returns how many console sessions are running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Serve accepts connections on ln until Shutdown or Close, and returns ErrServerClosed then.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = true
	s.startKeyWatchLocked()
	s.mu.Unlock()
	s.log.Info("ssh server listening", "addr", ln.Addr().String(), "host_key", s.Fingerprint(),
		"anonymous", s.anonymous, "max_sessions", s.opts.MaxSessions, "supervisors", len(s.supervisor),
		"max_unauthenticated", s.maxPending, "max_unauthenticated_per_addr", s.maxPendingPerAddr,
		"handshake_timeout", HandshakeTimeout, "max_window", fmt.Sprintf("%dx%d", tui.MaxWidth, tui.MaxHeight))
	err := s.srv.Serve(ln)
	s.mu.Lock()
	closing := s.closing
	delete(s.listeners, ln)
	s.mu.Unlock()
	if closing {
		return ErrServerClosed
	}
	return err
}

// Shutdown stops accepting connections, tells every session that the server is shutting down and ends it,
// and waits for the sessions to finish until ctx is done; then it drops every connection left. It returns
// ctx's error when some sessions had to be cut off.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.stopKeyWatchLocked()
	for ln := range s.listeners {
		ln.Close()
	}
	live := make([]*session, 0, len(s.sessions))
	for _, st := range s.sessions {
		live = append(live, st)
	}
	s.mu.Unlock()
	s.log.Info("ssh server shutting down", "sessions", len(live))
	for _, st := range live {
		st.end(endShutdown)
	}
	done := make(chan struct{})
	go func() {
		s.active.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		s.log.Warn("ssh server: sessions still open at the shutdown deadline are cut off", "sessions", s.Sessions())
	}
	_ = s.srv.Close()
	return err
}

// Close drops every connection at once, without telling the sessions.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	s.stopKeyWatchLocked()
	s.mu.Unlock()
	return s.srv.Close()
}
