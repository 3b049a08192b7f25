package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// PresenceStore is the presence part of an engine: the console sessions of every instance.
type PresenceStore interface {
	SetPresence(ctx context.Context, instance string, ps []record.Presence, now time.Time) error
	Presence(ctx context.Context, since time.Time) ([]record.Presence, error)
}

// presenceOf returns s's presence methods, or fails the test.
func presenceOf(t *testing.T, s verify.Store) PresenceStore {
	t.Helper()
	return capability[PresenceStore](t, s, "presence methods (storetest.PresenceStore), for flashcall serve")
}

// testPresence: each instance's sessions replace its earlier ones, every instance reads everyone's, and
// sessions not written since a time are left out.
func testPresence(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	a, b := presenceOf(t, insts[0]), presenceOf(t, insts[len(insts)-1])
	alice := record.Presence{Seat: 1, Operator: "alice", Remote: "203.0.113.7:5022", Since: at(0), LastInput: at(time.Minute),
		ReadingBack: 7, Number: "+447400123450"}
	bob := record.Presence{Seat: 1, Operator: "bob", Since: at(time.Second), LastInput: at(time.Second)}
	if err := a.SetPresence(ctx, "A", []record.Presence{alice, {Seat: 2, Operator: "carol", Since: at(2 * time.Second)}}, at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPresence(ctx, "B", []record.Presence{bob}, at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPresence(ctx, "A", []record.Presence{alice}, at(2*time.Minute)); err != nil { // carol left
		t.Fatal(err)
	}
	got, err := b.Presence(ctx, at(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Operator != "alice" || got[0].Instance != "A" || got[0].ReadingBack != 7 ||
		got[0].Number != "+447400123450" || !got[0].LastInput.Equal(at(time.Minute)) || !got[0].SeenAt.Equal(at(2*time.Minute)) ||
		got[1].Operator != "bob" || got[1].Instance != "B" {
		t.Fatalf("Presence = %+v", got)
	}
	if got, _ := a.Presence(ctx, at(90*time.Second)); len(got) != 1 || got[0].Operator != "alice" {
		t.Fatalf("seen since 1m30s: %+v, want alice only (bob's instance went quiet)", got)
	}
	if err := a.SetPresence(ctx, "A", nil, at(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Presence(ctx, at(0)); len(got) != 1 || got[0].Operator != "bob" {
		t.Fatalf("after A left: %+v", got)
	}
}
