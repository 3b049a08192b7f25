package sshserve

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestSessionsSeeWhoIsConnected: every session of the server joins one presence hub when it starts and
// leaves it when it ends, so bob's list of who is connected (w) shows alice while she is there and not
// after she has gone.
func TestSessionsSeeWhoIsConnected(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	ts := startServer(t, b, nil, alice, bob)
	ca, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	ta := openTerminal(t, ca, 120, 40)
	ta.WaitFor("operator alice", 10*time.Second)
	cb, err := ts.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	tb := openTerminal(t, cb, 120, 40)
	tb.WaitFor("operator bob", 10*time.Second)

	tb.Type("\t") // the history: no text input has the keyboard
	tb.WaitFor("History (", 5*time.Second)
	tb.Type("w")
	tb.WaitFor("Connected (2)", 10*time.Second)
	tb.WaitFor("bob (you)", 5*time.Second)

	ca.Close() // alice goes
	tb.WaitFor("Connected (1)", 10*time.Second)
	waitUntil(t, 10*time.Second, "alice's session to end", func() bool { return ts.Sessions() == 1 })
	if ms := ts.presence.Members(); len(ms) != 1 || ms[0].Operator != "bob" {
		t.Fatalf("members after alice left: %+v", ms)
	}
}
