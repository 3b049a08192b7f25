package sshserve

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// TestAuthorizedKeysReloadsAreAudited: a read of authorized_keys that changes what it allows, and every
// SIGHUP, is one audit entry naming the file, the count and the operators added or removed; the read at start
// is not a reload, and a file that stays unreadable or unchanged is not audited again at every poll.
func TestAuthorizedKeysReloadsAreAudited(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	// The key watch runs on a clock nobody advances: the test polls itself, so nothing races it.
	ts := startServer(t, b, func(o *Options) { o.Clock = clock.NewFake(time.Now()) }, alice)
	ctx := context.Background()
	reloads := func() []record.AuditEntry {
		t.Helper()
		es, err := b.app.Service.Audit(ctx, record.AuditQuery{Action: record.AuditConfigReloaded})
		if err != nil {
			t.Fatal(err)
		}
		return es // newest first
	}
	expect := func(step string, n int, want ...string) {
		t.Helper()
		es := reloads()
		if len(es) != n {
			t.Fatalf("%s: %d reload entries, want %d: %+v", step, len(es), n, es)
		}
		if len(want) == 0 {
			return
		}
		e := es[0]
		if e.Operator != "flashcall" || e.Remote != "ssh" || e.Number != "" {
			t.Errorf("%s: entry by %q from %q (number %q), want flashcall from ssh", step, e.Operator, e.Remote, e.Number)
		}
		for _, w := range append(want, "ssh.authorized_keys "+ts.keys+" reread") {
			if !strings.Contains(e.Detail, w) {
				t.Errorf("%s: detail %q lacks %q", step, e.Detail, w)
			}
		}
	}
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(ts.keys, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	ts.pollKeys()
	expect("the read at start, polled again", 0)

	write(authorizedLine(alice, "alice") + "ssh-ed25519 not-base64!! broken\n" + authorizedLine(bob, "bob"))
	ts.pollKeys()
	expect("bob's key added", 1, "after it changed: 2 keys, 1 line skipped", "added: bob")
	if d := reloads()[0].Detail; strings.Contains(d, "removed") || strings.Contains(d, "AAAA") {
		t.Errorf("detail %q names a removal or key material", d)
	}
	ts.pollKeys()
	expect("polled again, unchanged", 1)

	if _, err := ts.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	expect("SIGHUP, unchanged", 2, "on SIGHUP: 2 keys", "no operator's key added or removed")

	if err := os.Remove(ts.keys); err != nil {
		t.Fatal(err)
	}
	ts.pollKeys()
	expect("file removed", 3, "unreadable", "nobody can log in with a key", "removed: alice, bob")
	ts.pollKeys()
	ts.pollKeys()
	expect("still missing, polled twice more", 3)

	write(authorizedLine(bob, "bob"))
	ts.pollKeys()
	expect("bob's key back", 4, "after it changed: 1 key, 0 lines skipped", "added: bob")
	write(authorizedLine(bob, "robert"))
	ts.pollKeys()
	expect("bob's key renamed", 5, "added: robert", "removed: bob")
}
