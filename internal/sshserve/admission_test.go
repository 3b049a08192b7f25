package sshserve

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/tui"
)

// rawConn opens a TCP connection from src that reads the server's version line and then says nothing.
func rawConn(t *testing.T, ts *testServer, src string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SSH-2.0-flashcall") {
		t.Fatalf("server version line %q, %v", line, err)
	}
	return c
}

// droppedByServer reports whether the server closes c within timeout.
func droppedByServer(c net.Conn, timeout time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

// stillOpen reports whether c is open: the server has not closed it (a short read times out).
func stillOpen(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestHandshakeDeadline: a connection that never authenticates is dropped HandshakeTimeout after it was
// accepted, and no earlier; an authorized session that opened in time stays.
func TestHandshakeDeadline(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	ts := startServer(t, b, func(o *Options) { o.Clock = clk }, alice)
	ca, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	tm := openTerminal(t, ca, 100, 30)
	tm.WaitFor("operator alice", 10*time.Second)

	waitUntil(t, 10*time.Second, "no connection waiting", func() bool { return ts.Unauthenticated() == 0 })
	timers := clk.Pending()
	silent := rawConn(t, ts, "127.0.0.1")
	waitUntil(t, 10*time.Second, "the silent connection's deadline", func() bool { return clk.Pending() > timers })
	if ts.Unauthenticated() != 1 {
		t.Fatalf("%d connections waiting, want 1", ts.Unauthenticated())
	}
	clk.Advance(HandshakeTimeout - time.Second)
	if !stillOpen(silent) {
		t.Fatal("the silent connection was dropped before the deadline")
	}
	clk.Advance(time.Second)
	if !droppedByServer(silent, 10*time.Second) {
		t.Fatal("the silent connection is still open after the handshake deadline")
	}
	waitUntil(t, 10*time.Second, "the dropped connection to be forgotten", func() bool { return ts.Unauthenticated() == 0 })
	tm.Type("+4479")
	tm.WaitFor("+4479", 10*time.Second)
}

// TestUnauthenticatedBoundsMakeRoom: beyond the bound per address, the oldest waiting connection from that
// address goes; beyond the total, the oldest of the busiest address; and an operator still gets in.
func TestUnauthenticatedBoundsMakeRoom(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, func(o *Options) { o.MaxUnauthenticated, o.MaxUnauthenticatedPerAddr = 4, 2 }, alice)
	open := func(src string, want int) net.Conn {
		c := rawConn(t, ts, src)
		waitUntil(t, 10*time.Second, "the connection to be admitted", func() bool { return ts.Unauthenticated() == want })
		return c
	}
	a1 := open("127.0.0.2", 1)
	a2 := open("127.0.0.2", 2)
	a3 := open("127.0.0.2", 2) // .2's third: a1, its oldest, goes
	if !droppedByServer(a1, 10*time.Second) || !stillOpen(a2) || !stillOpen(a3) {
		t.Fatal("the per-address bound did not drop the oldest connection of that address")
	}
	b1 := open("127.0.0.3", 3)
	open("127.0.0.3", 4)
	c1 := open("127.0.0.4", 4) // the total is full: .2 and .3 hold 2 each, and a2 is the oldest of them
	if !droppedByServer(a2, 10*time.Second) || !stillOpen(a3) || !stillOpen(b1) || !stillOpen(c1) {
		t.Fatal("the total bound did not drop the oldest connection of the busiest address")
	}
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatalf("with the bounds reached, an operator could not log in: %v", err)
	}
	c.Close()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.pending) > 4 {
		t.Fatalf("%d connections waiting, more than the bound of 4", len(ts.pending))
	}
}

func TestWindowSize(t *testing.T) {
	for _, c := range []struct {
		in   ssh.Window
		want tea.WindowSizeMsg
		ok   bool
	}{
		{ssh.Window{Width: 80, Height: 24}, tea.WindowSizeMsg{Width: 80, Height: 24}, true},
		{ssh.Window{Width: 65535, Height: 65535}, tea.WindowSizeMsg{Width: tui.MaxWidth, Height: tui.MaxHeight}, true},
		{ssh.Window{Width: 1 << 31, Height: 3}, tea.WindowSizeMsg{Width: tui.MaxWidth, Height: 3}, true},
		{ssh.Window{Width: 0, Height: 0}, tea.WindowSizeMsg{}, false},
		{ssh.Window{Width: 100, Height: 0}, tea.WindowSizeMsg{}, false},
		{ssh.Window{Width: -1, Height: 30}, tea.WindowSizeMsg{}, false},
	} {
		if got, ok := windowSize(c.in); got != c.want || ok != c.ok {
			t.Errorf("windowSize(%dx%d) = %v %v, want %v %v", c.in.Width, c.in.Height, got, ok, c.want, c.ok)
		}
	}
}

// TestWindowChangesAreCoalesced: while the program is busy, 10,000 window changes leave one size waiting,
// the newest; the SSH request loop is never held up; every size handed on is within the bound.
func TestWindowChangesAreCoalesced(t *testing.T) {
	winch := make(chan ssh.Window)
	done := make(chan struct{})
	release := make(chan struct{})
	got := make(chan tea.Msg, 16)
	first := true
	send := func(m tea.Msg) {
		got <- m
		if first { // the program is busy with the first size until the test releases it
			first = false
			<-release
		}
	}
	finished := make(chan struct{})
	go func() {
		forwardWindows(winch, done, send)
		close(finished)
	}()
	winch <- ssh.Window{Width: 65535, Height: 65535}
	if m := <-got; m != (tea.WindowSizeMsg{Width: tui.MaxWidth, Height: tui.MaxHeight}) {
		t.Fatalf("first size %v", m)
	}
	for i := range 10000 {
		winch <- ssh.Window{Width: 1000 + i, Height: 1 + i%500} // taken at once, however busy the program
	}
	winch <- ssh.Window{} // not a size: ignored
	winch <- ssh.Window{Width: 120, Height: 40}
	close(release)
	var sizes []tea.Msg
	for {
		m := <-got
		sizes = append(sizes, m)
		if m == (tea.WindowSizeMsg{Width: 120, Height: 40}) {
			break
		}
		if w := m.(tea.WindowSizeMsg); w.Width > tui.MaxWidth || w.Height > tui.MaxHeight {
			t.Fatalf("a size beyond the bound was handed on: %v", w)
		}
	}
	if len(sizes) > 2 {
		t.Fatalf("%d sizes handed on after the program was free again, want the newest (and at most one before it): %v",
			len(sizes), sizes)
	}
	close(winch)
	<-finished
	close(done)
}

// TestWeakKeyIsRefusedAtLogin: even where any key would do (an anonymous demo), an RSA key under 2048 bits
// is refused, and the log says why; a 2048-bit one gets in.
func TestWeakKeyIsRefusedAtLogin(t *testing.T) {
	b := newBackend(t, 5)
	ts := startServer(t, b, func(o *Options) { o.AllowAnonymous = true })
	signer := func(bits int) gossh.Signer {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		s, err := gossh.NewSignerFromKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	weak := signer(1024)
	if c, err := ts.dial("visitor", gossh.PublicKeys(weak)); err == nil {
		c.Close()
		t.Fatal("a 1024-bit RSA key logged in")
	}
	waitUntil(t, 5*time.Second, "the refusal in the log", func() bool {
		l := ts.log.String()
		return strings.Contains(l, "RSA key of 1024 bits is too short") && strings.Contains(l, Fingerprint(weak.PublicKey()))
	})
	c, err := ts.dial("visitor", gossh.PublicKeys(signer(2048)))
	if err != nil {
		t.Fatalf("a 2048-bit RSA key was refused: %v", err)
	}
	c.Close()
}

// TestRolesOverSSH: ssh.supervisors names who is a supervisor, by the key's name; the others are told on
// their status bar that the audit log is for supervisors.
func TestRolesOverSSH(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	ts := startServer(t, b, func(o *Options) { o.Supervisors = []string{"alice"} }, alice, bob)
	open := func(user string, key gossh.Signer) *terminal {
		c, err := ts.dial(user, gossh.PublicKeys(key))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return openTerminal(t, c, 120, 40)
	}
	ta := open("alice", alice)
	ta.WaitFor("operator alice", 10*time.Second)
	tb := open("alice", bob) // bob asking to be alice is still bob, and an operator
	tb.WaitFor("operator bob", 10*time.Second)
	for _, tm := range []*terminal{ta, tb} {
		tm.Type("\t") // to the history, where single-letter keys work
		tm.Type("A")
	}
	ta.WaitFor("Audit log", 10*time.Second)
	tb.WaitFor("the audit log is for supervisors only", 10*time.Second)
	logins, err := b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditLogin})
	if err != nil || len(logins) != 2 {
		t.Fatalf("login entries %+v, %v", logins, err)
	}
	for _, e := range logins {
		sup := strings.HasPrefix(e.Operator, "alice ")
		if sup != strings.Contains(e.Detail, "as supervisor") {
			t.Errorf("login entry %+v: wrong role", e)
		}
	}
}

// TestLoginAndLogoutAreAudited: a session's start and end are in the audit log, with why it ended.
func TestLoginAndLogoutAreAudited(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	tm := openTerminal(t, c, 100, 30)
	tm.WaitFor("operator alice", 10*time.Second)
	c.Close()
	waitUntil(t, 10*time.Second, "the session to end", func() bool { return ts.Sessions() == 0 })
	ctx := context.Background()
	var out []record.AuditEntry
	waitUntil(t, 10*time.Second, "the logout entry", func() bool {
		out, err = b.app.Service.Audit(ctx, record.AuditQuery{Action: record.AuditLogout})
		return err == nil && len(out) == 1
	})
	in, err := b.app.Service.Audit(ctx, record.AuditQuery{Action: record.AuditLogin})
	if err != nil || len(in) != 1 {
		t.Fatalf("login entries %+v, %v", in, err)
	}
	fp := Fingerprint(alice.PublicKey())
	if !strings.HasPrefix(in[0].Operator, "alice (SHA256:") || !strings.Contains(in[0].Detail, "key "+fp) ||
		strings.Contains(in[0].Detail, "asked for user") || in[0].Remote == "" {
		t.Errorf("login entry %+v", in[0])
	}
	if out[0].Operator != in[0].Operator || !strings.Contains(out[0].Detail, ": client") {
		t.Errorf("logout entry %+v", out[0])
	}
}
