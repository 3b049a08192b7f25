package sshserve

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// reasonOf returns why the server is ending the only running session (endNone while it runs).
func reasonOf(t *testing.T, ts *testServer) endReason {
	t.Helper()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.sessions) != 1 {
		t.Fatalf("%d sessions running, want 1", len(ts.sessions))
	}
	for _, st := range ts.sessions {
		st.mu.Lock()
		defer st.mu.Unlock()
		return st.reason
	}
	return endNone
}

// TestIdleTimeoutCountsInput: a session is closed after idle_timeout without input, counted from the last
// key press, and is told why.
func TestIdleTimeoutCountsInput(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	ts := startServer(t, b, func(o *Options) { o.Clock, o.IdleTimeout = clk, 5*time.Minute }, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 100, 30)
	tm.WaitFor("operator alice", 10*time.Second)

	clk.Advance(4 * time.Minute)
	tm.Type("+4479")
	tm.WaitFor("+4479", 5*time.Second) // the dialer echoes it: the input has been read
	clk.Advance(2 * time.Minute)       // 6m since start, 2m since the key press
	if r := reasonOf(t, ts); r != endNone {
		t.Fatalf("the session is ending (%v) 2m after a key press", r)
	}
	clk.Advance(3 * time.Minute) // 5m since the key press
	tm.WaitFor("closed after 5m0s without input", 10*time.Second)
	tm.WaitExit(10 * time.Second)
	waitUntil(t, 5*time.Second, "the session to be released", func() bool { return ts.Sessions() == 0 })
}

// panicky is a model that panics on demand: in Update (p), in a command (c) or in View (v). Other keys are
// echoed, to show the session is alive.
type panicky struct {
	typed     string
	viewPanic bool
}

func (m *panicky) Init() tea.Cmd { return nil }

func (m *panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "p":
			panic("boom in update")
		case "c":
			return m, tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("boom in a command") })
		case "v":
			m.viewPanic = true
		default:
			m.typed += k.String()
		}
	}
	return m, nil
}

func (m *panicky) View() string {
	if m.viewPanic {
		panic("boom in view")
	}
	return "panicky ready, typed [" + m.typed + "]"
}

// TestPanicEndsOnlyThatSession: a panic in Update, in a command or in View ends that session with a message
// and a log entry; the other sessions and the server carry on.
func TestPanicEndsOnlyThatSession(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	ts.newSession = func(record.Operator, *lipgloss.Renderer) (tea.Model, func()) { return &panicky{}, func() {} }

	open := func() *terminal {
		c, err := ts.dial("alice", gossh.PublicKeys(alice))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		tm := openTerminal(t, c, 80, 24)
		tm.WaitFor("panicky ready", 10*time.Second)
		return tm
	}
	bystander := open()
	for _, key := range []string{"p", "c", "v"} {
		victim := open()
		victim.Type(key)
		victim.WaitFor("this session hit an internal error and was closed", 10*time.Second)
		var exit *gossh.ExitError
		if err := victim.WaitExit(10 * time.Second); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Errorf("key %s: the failed session exited with %v, want status 1", key, err)
		}
	}
	bystander.Type("x")
	bystander.WaitFor("typed [x]", 10*time.Second)
	for _, want := range []string{"boom in update", "boom in a command", "boom in view"} {
		if !strings.Contains(ts.log.String(), want) {
			t.Errorf("the log does not record the panic %q", want)
		}
	}
	waitUntil(t, 10*time.Second, "the failed sessions to be released", func() bool { return ts.Sessions() == 1 })
}

// TestShutdownTellsSessions: Shutdown tells every session, ends them within the deadline, and stops the
// server accepting connections.
func TestShutdownTellsSessions(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	var terms []*terminal
	for range 3 {
		c, err := ts.dial("alice", gossh.PublicKeys(alice))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tm := openTerminal(t, c, 100, 30)
		tm.WaitFor("operator alice", 10*time.Second)
		terms = append(terms, tm)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for i, tm := range terms {
		tm.WaitFor("the server is shutting down", 5*time.Second)
		tm.WaitExit(5 * time.Second)
		if out := tm.Output(); !strings.Contains(out, "\x1b[?1049l") {
			t.Errorf("session %d: the alternate screen was not left before the message", i)
		}
	}
	<-ts.served
	if !errors.Is(ts.err, ErrServerClosed) {
		t.Fatalf("Serve returned %v, want ErrServerClosed", ts.err)
	}
	if c, err := ts.dial("alice", gossh.PublicKeys(alice)); err == nil {
		c.Close()
		t.Fatal("the server accepted a connection after Shutdown")
	}
}

// TestCallIsLiveInEverySession: one verification service is shared, so a call placed in one session
// appears live in another operator's session.
func TestCallIsLiveInEverySession(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	ts := startServer(t, b, nil, alice, bob)
	ca, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	cb, err := ts.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	ta, tb := openTerminal(t, ca, 120, 40), openTerminal(t, cb, 120, 40)
	ta.WaitFor("operator alice", 10*time.Second)
	tb.WaitFor("operator bob", 10*time.Second)
	ta.Type("+447400123450")
	ta.WaitFor("United Kingdom", 5*time.Second)
	ta.Type("\r")
	ta.WaitFor("ringing", 10*time.Second)
	tb.WaitFor(record.MaskNumber("+447400123450"), 10*time.Second) // bob sees it masked, like every number
	tb.WaitFor("ringing", 10*time.Second)
	live := b.app.Service.Live()
	if len(live) != 1 || !strings.HasPrefix(live[0].Operator, "alice (SHA256:") {
		t.Fatalf("live attempts %+v: want one, by alice with her key fingerprint", live)
	}
}
