package presence

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// names lists the operators of members.
func names(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Operator
	}
	slices.Sort(out)
	return out
}

// TestSharedHubsSeeEachOther: two instances on one history file (two stores, as two processes would open
// it) list each other's sessions and open read-backs once they have synced, tell their sessions when that
// changes, and forget a session that left and an instance that went quiet.
func TestSharedHubsSeeEachOther(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	open := func() *store.Store {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	clk := clock.NewFake(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	a := NewShared(NewLocal(clk), open(), "instance-a", clk, nil)
	b := NewShared(NewLocal(clk), open(), "instance-b", clk, nil)
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	alice := a.Join(record.Operator{Name: "alice", Remote: "198.51.100.1:5000"})
	bob := b.Join(record.Operator{Name: "bob", Remote: "198.51.100.2:5000"})
	alice.ReadingBack(7, "+447400123450")
	a.Sync(ctx)
	b.Sync(ctx)
	a.Sync(ctx)
	if got := names(bob.Members()); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Fatalf("bob's instance lists %v", got)
	}
	if got := names(alice.Members()); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Fatalf("alice's instance lists %v", got)
	}
	var seen Member
	for _, m := range bob.Members() {
		if m.Operator == "alice" {
			seen = m
		}
	}
	if seen.ReadingBack != 7 || seen.Number != "+447400123450" || seen.ID == alice.ID() {
		t.Fatalf("alice as bob's instance sees her: %+v", seen)
	}
	// Bob's session was told when alice appeared.
	told := false
	for len(bob.Events()) > 0 {
		if ev := <-bob.Events(); ev.Kind == Changed && slices.Contains(names(ev.Members), "alice") {
			told = true
		}
	}
	if !told {
		t.Error("bob's session was not told that alice joined elsewhere")
	}

	alice.Leave()
	a.Sync(ctx)
	b.Sync(ctx)
	if got := names(bob.Members()); !slices.Equal(got, []string{"bob"}) {
		t.Fatalf("after alice left: %v", got)
	}
	carol := a.Join(record.Operator{Name: "carol"})
	defer carol.Leave()
	a.Sync(ctx)
	b.Sync(ctx)
	if got := names(bob.Members()); !slices.Equal(got, []string{"bob", "carol"}) {
		t.Fatalf("carol on instance a: %v", got)
	}
	// Instance a goes quiet (killed): after ShareStale its sessions no longer count.
	a.mu.Lock()
	a.closed = true
	a.timer.Stop()
	a.mu.Unlock()
	clk.Advance(ShareStale + time.Second)
	b.Sync(ctx)
	if got := names(bob.Members()); !slices.Equal(got, []string{"bob"}) {
		t.Fatalf("instance a silent for %s: bob's lists %v", ShareStale, got)
	}
	bob.Leave()
}
