package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// testToken is an auth token put in the test configuration: it must never reach a session or the log.
const testToken = "0badc0ffee0badc0ffee0badc0ffee42"

// newKey returns a fresh ed25519 client key.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// namedKey is a client key with the operator name its authorized_keys line gives it.
type namedKey struct {
	gossh.Signer
	name string
	priv ed25519.PrivateKey
}

// newNamedKey returns a fresh ed25519 client key for the operator name.
func newNamedKey(t testing.TB, name string) *namedKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return &namedKey{Signer: s, name: name, priv: priv}
}

// keyName is the operator name startServer lists key i under.
func keyName(key gossh.Signer, i int) string {
	if k, ok := key.(*namedKey); ok {
		return k.name
	}
	return "operator" + string(rune('a'+i))
}

// authorizedLine is key's authorized_keys line.
func authorizedLine(key gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey()))) + " " + comment + "\n"
}

// backend is a running flashcall backend on the embedded simulator, with its log.
type backend struct {
	app *app.App
	log *syncbuf.Buffer
	dir string
}

// newBackend opens the app on the simulator in a temporary directory; speed is the simulator's speed.
func newBackend(t testing.TB, speed float64) *backend {
	t.Helper()
	b, err := openBackend(t.TempDir(), speed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.app.Close)
	return b
}

// openBackend opens the app on the simulator in dir, logging into a buffer.
func openBackend(dir string, speed float64) (*backend, error) {
	return openBackendWith(dir, speed, nil, false)
}

// openBackendWith is openBackend with the configuration adjusted by edit (when not nil) before the app opens;
// quiet keeps only errors in the log (a benchmark's server must not grow a log buffer while it is measured).
func openBackendWith(dir string, speed float64, edit func(*config.Config), quiet bool) (*backend, error) {
	cfg := config.Default()
	cfg.History.Path = filepath.Join(dir, "history.db")
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Sim.Speed = speed
	cfg.Call.Timeout = 60
	cfg.Call.PollInterval = config.Duration{Duration: 200 * time.Millisecond}
	cfg.Restcomm.AuthToken = testToken
	if edit != nil {
		edit(cfg)
	}
	logs := &syncbuf.Buffer{}
	level := slog.LevelDebug
	if quiet {
		level = slog.LevelError
	}
	a, err := app.Open(context.Background(), cfg, app.Options{
		Getenv: func(string) string { return "" },
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return nil, err
	}
	return &backend{app: a, log: logs, dir: dir}, nil
}

// testServer is a running Server on loopback.
type testServer struct {
	*Server
	addr    string
	hostKey gossh.PublicKey
	keys    string // the authorized_keys path
	log     *syncbuf.Buffer
	served  chan struct{} // closed when Serve has returned
	err     error         // what Serve returned
}

// startServer starts a server on the backend; edit may adjust the options. The authorized_keys file holds
// the given keys.
func startServer(t testing.TB, b *backend, edit func(*Options), keys ...gossh.Signer) *testServer {
	t.Helper()
	keysPath := filepath.Join(b.dir, "authorized_keys")
	var lines strings.Builder
	for i, k := range keys {
		lines.WriteString(authorizedLine(k, keyName(k, i)))
	}
	if err := os.WriteFile(keysPath, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := b.log
	o := Options{
		Service:            b.app.Service,
		HostKeyPath:        filepath.Join(b.dir, "hostkey"),
		AuthorizedKeysPath: keysPath,
		MaxSessions:        200,
		Logger:             slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		HistoryLimit:       100,
	}
	if edit != nil {
		edit(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: srv, addr: ln.Addr().String(), hostKey: srv.signer.PublicKey(), keys: keysPath,
		log: logs, served: make(chan struct{})}
	go func() {
		ts.err = srv.Serve(ln)
		close(ts.served)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-ts.served
		if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), sim.DefaultAuthToken) {
			t.Error("the auth token appears in the log")
		}
	})
	return ts
}

// dial connects as user with the given auth methods, checking the host key.
func (ts *testServer) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey),
		Timeout:         10 * time.Second,
	})
}

// terminal is a client session with a PTY whose output the test reads. It answers the terminal queries a
// real terminal answers (background colour, primary device attributes).
type terminal struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu       sync.Mutex
	out      bytes.Buffer
	arrived  []arrival // when each read ended, in order
	answered int
	silent   bool          // never answers terminal queries
	changed  chan struct{} // closed and replaced on every read
	done     chan struct{} // closed when the output ends
	exit     error         // the session's exit, once done
}

// openTerminal opens a session with a PTY of the given size and starts the console.
func openTerminal(t testing.TB, c *gossh.Client, width, height int) *terminal {
	t.Helper()
	tm, err := tryTerminal(t, c, width, height)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func tryTerminal(t testing.TB, c *gossh.Client, width, height int) (*terminal, error) {
	return startTerminal(t, c, width, height, true)
}

// startTerminal opens the session; answer says whether it answers terminal queries as a real terminal does.
func startTerminal(t testing.TB, c *gossh.Client, width, height int, answer bool) (*terminal, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", height, width, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		return nil, err
	}
	tm := &terminal{t: t, client: c, sess: sess, silent: !answer, changed: make(chan struct{}), done: make(chan struct{})}
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	sess.Stderr = &outWriter{tm}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go tm.read(stdout)
	return tm, nil
}

// outWriter appends stderr to the terminal's output.
type outWriter struct{ tm *terminal }

func (w *outWriter) Write(p []byte) (int, error) {
	w.tm.add(p)
	return len(p), nil
}

func (tm *terminal) read(r io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			tm.add(buf[:n])
		}
		if err != nil {
			werr := tm.sess.Wait()
			tm.mu.Lock()
			tm.exit = werr
			close(tm.done)
			tm.mu.Unlock()
			return
		}
	}
}

// arrival is when the output up to end had been read.
type arrival struct {
	end int
	at  time.Time
}

// add appends output, answers any new terminal query, and wakes waiters. Only the new bytes (and the two
// before them, for a query split between reads) are searched for queries, so a long session costs no more
// per read than a short one.
func (tm *terminal) add(p []byte) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	from := max(tm.out.Len()-2, 0)
	tm.out.Write(p)
	tm.arrived = append(tm.arrived, arrival{end: tm.out.Len(), at: time.Now()})
	if q := bytes.Count(tm.out.Bytes()[from:], []byte("\x1b[c")); q > 0 && !tm.silent {
		tm.answered += q
		go tm.stdin.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\\x1b[?62;22c"))
	}
	close(tm.changed)
	tm.changed = make(chan struct{})
}

// Output returns everything the session printed so far.
func (tm *terminal) Output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// WaitFor waits until the output contains want, failing the test after timeout.
func (tm *terminal) WaitFor(want string, timeout time.Duration) {
	tm.t.Helper()
	if err := tm.waitFor(want, timeout); err != nil {
		tm.t.Fatal(err)
	}
}

func (tm *terminal) waitFor(want string, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		found := bytes.Contains(tm.out.Bytes(), []byte(want))
		changed, done := tm.changed, tm.done
		tm.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-done:
			if strings.Contains(tm.Output(), want) {
				return nil
			}
			return errors.New("the session ended without showing " + want + "; it printed:\n" + tail(tm.Output()))
		case <-deadline.C:
			return errors.New("the session did not show " + want + " within " + timeout.String() +
				"; it printed:\n" + tail(tm.Output()))
		}
	}
}

// WaitExit waits for the session to end and returns its exit error (nil for status 0).
func (tm *terminal) WaitExit(timeout time.Duration) error {
	tm.t.Helper()
	select {
	case <-tm.done:
		tm.mu.Lock()
		defer tm.mu.Unlock()
		return tm.exit
	case <-time.After(timeout):
		tm.t.Fatalf("the session did not end within %s; it printed:\n%s", timeout, tail(tm.Output()))
		return nil
	}
}

// Type sends keys.
func (tm *terminal) Type(s string) {
	tm.t.Helper()
	if _, err := tm.stdin.Write([]byte(s)); err != nil {
		tm.t.Fatalf("typing %q: %v", s, err)
	}
}

// tail is the end of long output, for failure messages.
func tail(s string) string {
	if len(s) > 3000 {
		s = s[len(s)-3000:]
	}
	return strings.ToValidUTF8(s, "?")
}

// waitUntil polls cond until it holds or timeout passes: a condition wait, not a sleep.
func waitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}
