package sshserve

import (
	"encoding/base64"
	"strings"
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

// TestCopyReachesTheSessionsTerminal: y on a live call writes the OSC 52 sequence with its call SID to the
// SSH session's own output, where the operator's terminal sets its clipboard.
func TestCopyReachesTheSessionsTerminal(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	c, err := ts.dial("alice", gossh.PublicKeys(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 120, 40)
	tm.WaitFor("operator alice", 10*time.Second)
	tm.Type("+447400123450")
	tm.WaitFor("United Kingdom", 5*time.Second)
	tm.Type("\r")
	tm.WaitFor("Live calls (1)", 10*time.Second)
	tm.Type("\t") // the live calls
	tm.WaitFor("copy SID", 10*time.Second)
	tm.Type("y")
	tm.WaitFor("copied the call SID", 10*time.Second)
	out := tm.Output()
	i := strings.Index(out, "\x1b]52;c;")
	if i < 0 {
		t.Fatal("no OSC 52 sequence reached the session")
	}
	payload := out[i+len("\x1b]52;c;"):]
	end := strings.IndexByte(payload, '\a')
	if end < 0 {
		t.Fatal("the OSC 52 sequence is not terminated")
	}
	payload = payload[:end]
	sid, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || !strings.Contains(string(sid), "CA") || !strings.Contains(out, "copied the call SID "+string(sid)) {
		t.Fatalf("OSC 52 payload %q (%v) is not the call SID the console names", sid, err)
	}
}
