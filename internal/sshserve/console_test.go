package sshserve

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestAuthorizedKeyGetsTheConsole: a listed key gets the console, drawn for its terminal, with the operator
// shown as the SSH user and key fingerprint; the auth token never reaches the session.
func TestAuthorizedKeyGetsTheConsole(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatalf("dial with an authorized key: %v", err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 120, 40)
	fp := Fingerprint(alice.PublicKey())
	tm.WaitFor("operator alice ("+fp[:16]+")", 10*time.Second)
	tm.WaitFor("SIMULATED CALLS", 5*time.Second)
	if out := tm.Output(); strings.Contains(out, testToken) || strings.Contains(out, sim.DefaultAuthToken) {
		t.Fatal("the auth token was sent to the session")
	}
	if ts.Sessions() != 1 {
		t.Fatalf("Sessions() = %d, want 1", ts.Sessions())
	}
	waitUntil(t, 5*time.Second, "the session log line", func() bool {
		return strings.Contains(ts.log.String(), "ssh session started") &&
			strings.Contains(ts.log.String(), "fingerprint="+fp)
	})
}

// TestUnknownKeyAndNoKeyAreRefused: a key that is not listed, and a client with no key at all, cannot log in,
// and the refusal is logged with the offered key's fingerprint.
func TestUnknownKeyAndNoKeyAreRefused(t *testing.T) {
	b := newBackend(t, 5)
	ts := startServer(t, b, nil, newKey(t))
	mallory := newKey(t)
	if c, err := ts.dial("mallory", gossh.PublicKeys(mallory)); err == nil {
		c.Close()
		t.Fatal("an unknown key logged in")
	}
	if c, err := ts.dial("mallory"); err == nil {
		c.Close()
		t.Fatal("a client without a key logged in")
	}
	if c, err := ts.dial("mallory", gossh.Password("hunter2")); err == nil {
		c.Close()
		t.Fatal("a password logged in")
	}
	waitUntil(t, 5*time.Second, "the refusal in the log", func() bool {
		return strings.Contains(ts.log.String(), "fingerprint="+Fingerprint(mallory.PublicKey()))
	})
}

// TestAuthorizedKeysRereadOnChange: a key added to the file gets in without a restart, and one removed is
// shut out; a malformed line is skipped without locking out the keys after it.
func TestAuthorizedKeysRereadOnChange(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	ts := startServer(t, b, nil, alice)
	if c, err := ts.dial("bob", gossh.PublicKeys(bob)); err == nil {
		c.Close()
		t.Fatal("bob got in before his key was added")
	}
	body := "# operators\nssh-ed25519 not-base64!! broken\n" + authorizedLine(bob, "bob@laptop")
	if err := os.WriteFile(ts.keys, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := ts.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatalf("bob's key was added after start but refused: %v", err)
	}
	c.Close()
	if c, err := ts.dial("alice", gossh.PublicKeys(alice)); err == nil {
		c.Close()
		t.Fatal("alice's key was removed but still works")
	}
	if !strings.Contains(ts.log.String(), "line=2") {
		t.Errorf("the malformed line 2 is not reported in the log:\n%s", ts.log.String())
	}
	set, err := ts.ReloadKeys()
	if err != nil || set.Len() != 1 || len(set.Problems()) != 1 || set.Problems()[0].Line != 2 {
		t.Fatalf("ReloadKeys() = %d keys, problems %v, %v; want 1 key and line 2 skipped", set.Len(), set.Problems(), err)
	}
}

// TestSessionWithoutTerminalOrWithCommandIsRefused: the console needs a PTY, and runs no commands; either
// way the client is told why.
func TestSessionWithoutTerminalOrWithCommandIsRefused(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.Stdout, s.Stderr = &out, &out
	err = s.Run("")
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || !strings.Contains(out.String(), "needs a terminal") {
		t.Fatalf("without a PTY: %v, output %q; want exit status 1 and an explanation", err, out.String())
	}

	s, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	s.Stdout, s.Stderr = &out, &out
	if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	err = s.Run("cat /etc/passwd")
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || !strings.Contains(out.String(), "without a command") {
		t.Fatalf("with a command: %v, output %q; want exit status 1 and an explanation", err, out.String())
	}
	if ts.Sessions() != 0 {
		t.Fatalf("Sessions() = %d after refusals", ts.Sessions())
	}
}

// TestMaxSessions: a session beyond ssh.max_sessions is told politely and closed; the others carry on, and
// a seat freed is a seat available.
func TestMaxSessions(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, func(o *Options) { o.MaxSessions = 2 }, alice)
	var terms []*terminal
	for range 2 {
		c, err := ts.dial("alice", gossh.PublicKeys(alice))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tm := openTerminal(t, c, 100, 30)
		tm.WaitFor("operator alice", 10*time.Second)
		terms = append(terms, tm)
	}
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	third := openTerminal(t, c, 100, 30)
	third.WaitFor("all 2 flashcall console sessions are in use", 10*time.Second)
	if err := third.WaitExit(10 * time.Second); err == nil {
		t.Fatal("the refused session exited with status 0")
	}
	terms[0].client.Close()
	waitUntil(t, 10*time.Second, "the dropped session to end", func() bool { return ts.Sessions() == 1 })
	fourth := openTerminal(t, c, 100, 30)
	fourth.WaitFor("operator alice", 10*time.Second)
}

// TestAnonymousDemo: on the simulator with allow_anonymous, a client with no key gets in, through
// keyboard-interactive with no questions, and the screen says it is a demo; a client offering any key gets in
// with its fingerprint recorded.
func TestAnonymousDemo(t *testing.T) {
	b := newBackend(t, 5)
	ts := startServer(t, b, func(o *Options) { o.AllowAnonymous = true })
	noQuestions := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return nil, nil
	})
	c, err := ts.dial("visitor", noQuestions)
	if err != nil {
		t.Fatalf("an anonymous client was refused: %v", err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 120, 40)
	tm.WaitFor("DEMO", 10*time.Second)
	tm.WaitFor("operator visitor", 5*time.Second)

	stranger := newKey(t)
	c2, err := ts.dial("guest", gossh.PublicKeys(stranger))
	if err != nil {
		t.Fatalf("a client with an unlisted key was refused on a demo server: %v", err)
	}
	defer c2.Close()
	tm2 := openTerminal(t, c2, 120, 40)
	tm2.WaitFor("operator guest ("+Fingerprint(stranger.PublicKey())[:16]+")", 10*time.Second)
}

// TestClientThatIgnoresTerminalQueries: a client that never answers the renderer's terminal query still gets
// the console, a moment later, and its key presses all reach the console.
func TestClientThatIgnoresTerminalQueries(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm, err := startTerminal(t, c, 120, 40, false)
	if err != nil {
		t.Fatal(err)
	}
	tm.WaitFor("operator alice", 10*time.Second)
	tm.Type("+4479")
	tm.WaitFor("+4479", 5*time.Second)
}
