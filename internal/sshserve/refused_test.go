package sshserve

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// refusedEntries returns the audit log's key-refused entries, newest first.
func refusedEntries(t *testing.T, b *backend) []record.AuditEntry {
	t.Helper()
	es, err := b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditKeyRefused})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestRefusedKeysAreAudited: a connection that offers only unlisted keys and goes away is one audit entry
// naming the address, the claimed user (quoted) and each key's fingerprint and reason; a client that logs in
// with a later key after a refused one is not audited as refused.
func TestRefusedKeysAreAudited(t *testing.T) {
	b := newBackend(t, 5)
	alice, stranger := newKey(t), newKey(t)
	ts := startServer(t, b, func(o *Options) { o.Clock = clock.NewFake(time.Now()) }, alice)

	c, err := ts.dial("alice", gossh.PublicKeys(stranger, alice))
	if err != nil {
		t.Fatalf("login with a listed second key: %v", err)
	}
	c.Close()
	waitUntil(t, 10*time.Second, "the logged-in connection to be done with", func() bool { return ts.closedConns.Load() == 1 })
	if es := refusedEntries(t, b); len(es) != 0 {
		t.Fatalf("a connection that logged in was audited as refused: %+v", es)
	}

	if _, err := ts.dial("mallory\x1b[2J", gossh.PublicKeys(stranger)); err == nil {
		t.Fatal("an unlisted key logged in")
	}
	waitUntil(t, 10*time.Second, "the refusal in the audit log", func() bool { return len(refusedEntries(t, b)) == 1 })
	e := refusedEntries(t, b)[0]
	fp := Fingerprint(stranger.PublicKey())
	for _, want := range []string{"127.0.0.1", "closed without logging in", fp, "not in authorized_keys", `"mallory`} {
		if !strings.Contains(e.Detail, want) {
			t.Errorf("detail %q lacks %q", e.Detail, want)
		}
	}
	if strings.ContainsRune(e.Detail, 0x1b) {
		t.Errorf("detail %q carries the client's escape sequence", e.Detail)
	}
	if e.Operator != "ssh" || !strings.HasPrefix(e.Remote, "127.0.0.1") {
		t.Errorf("entry by %q from %q, want ssh from the client's address", e.Operator, e.Remote)
	}
	if es, _ := b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditLogin}); len(es) != 0 {
		t.Errorf("connections that opened no session were audited as logins: %+v", es)
	}
}

// TestRefusalAuditIsBudgeted: refused connections arriving in parallel beyond the budget are counted, not
// itemised, and the next entry after the window says how many were left out: a flood of refusals cannot
// grow the audit log without bound, nor hide that it happened.
func TestRefusalAuditIsBudgeted(t *testing.T) {
	b := newBackend(t, 5)
	clk := clock.NewFake(time.Now())
	ts := startServer(t, b, func(o *Options) { o.Clock = clk }, newKey(t))
	const total, parallel = refusedBudget + 10, 6 // within the per-address bound, so none is evicted
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i := range total {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := ts.dial(fmt.Sprintf("guess%d", i), gossh.PublicKeys(newKey(t))); err == nil {
				t.Error("an unlisted key logged in")
			}
		}()
	}
	wg.Wait()
	waitUntil(t, 20*time.Second, "every refused connection to be done with", func() bool { return ts.closedConns.Load() == total })
	if n := len(refusedEntries(t, b)); n != refusedBudget {
		t.Fatalf("%d refused connections itemised, want the budget of %d", n, refusedBudget)
	}
	clk.Advance(refusedWindow)
	if _, err := ts.dial("late", gossh.PublicKeys(newKey(t))); err == nil {
		t.Fatal("an unlisted key logged in")
	}
	waitUntil(t, 10*time.Second, "the entry after the window", func() bool { return len(refusedEntries(t, b)) == refusedBudget+1 })
	if d := refusedEntries(t, b)[0].Detail; !strings.Contains(d, "10 further refused connections") {
		t.Errorf("the entry after the window does not count the ones left out: %q", d)
	}
}
