package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// never and always are TrackerGone answers: the other tracker is there, or gone.
func never(store.Tracker, time.Time) bool  { return false }
func always(store.Tracker, time.Time) bool { return true }

// testTracking: a call has one tracker at a time; it keeps and renews its claim, loses it only when gone says
// so, and gives it up on release or once the call has ended.
func testTracking(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	a := record.Attempt{Number: "+447400123450", State: record.StateLive, CreatedAt: at(0)}
	b := record.Attempt{Number: "+447400123451", State: record.StateLive, CreatedAt: at(0)}
	mustInsert(t, s, &a)
	mustInsert(t, s, &b)
	me := store.Tracker{Owner: "me", Host: "h1", PID: 10}
	other := store.Tracker{Owner: "other", Host: "h2", PID: 20}
	claim := func(id int64, tr store.Tracker, gone store.TrackerGone) bool {
		t.Helper()
		ok, err := s.ClaimTracking(ctx, id, tr, at(time.Minute), gone)
		if err != nil {
			t.Fatalf("ClaimTracking: %v", err)
		}
		return ok
	}
	if !claim(a.ID, me, never) || !claim(b.ID, me, never) {
		t.Fatal("free calls were not claimed")
	}
	if !claim(a.ID, me, never) {
		t.Error("a tracker lost its own claim")
	}
	var seen store.Tracker
	var seenAt time.Time
	if claim(a.ID, other, func(tr store.Tracker, renewed time.Time) bool { seen, seenAt = tr, renewed; return false }) {
		t.Error("a call tracked by someone still there was taken")
	}
	if seen != me || !seenAt.Equal(at(time.Minute)) {
		t.Errorf("gone was asked about %+v renewed %v; want %+v at %v", seen, seenAt, me, at(time.Minute))
	}
	if err := s.RenewTracking(ctx, "me", at(time.Hour)); err != nil {
		t.Fatal(err)
	}
	claim(a.ID, other, func(tr store.Tracker, renewed time.Time) bool { seenAt = renewed; return false })
	if !seenAt.Equal(at(time.Hour)) {
		t.Errorf("after RenewTracking the claim was renewed at %v, want %v", seenAt, at(time.Hour))
	}
	if !claim(a.ID, other, always) {
		t.Fatal("a call whose tracker is gone was not taken over")
	}
	if claim(a.ID, me, never) {
		t.Error("the old tracker took its call back from the new one")
	}
	if err := s.ReleaseTracking(ctx, b.ID, "me"); err != nil {
		t.Fatal(err)
	}
	if !claim(b.ID, other, never) {
		t.Error("a released call was not free")
	}
	if err := s.ReleaseTracking(ctx, 0, "other"); err != nil {
		t.Fatal(err)
	}
	if !claim(a.ID, me, never) || !claim(b.ID, me, never) {
		t.Error("calls released all at once were not free")
	}
	// Once its call has ended, renewing forgets a claim.
	a.State = record.StateEnded
	if err := s.UpdateAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewTracking(ctx, "me", at(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !claim(a.ID, other, never) {
		t.Error("the claim on an ended call outlived RenewTracking")
	}
	if claim(b.ID, other, never) {
		t.Error("RenewTracking forgot the claim on a live call")
	}
}

// testTrackingConcurrent: Goroutines trackers over every instance claim one call at once, none of them gone:
// exactly one gets it.
func testTrackingConcurrent(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	a := record.Attempt{Number: "+447400123450", State: record.StateLive, CreatedAt: at(0)}
	mustInsert(t, s, &a)
	won := make([]bool, Goroutines)
	errs := together(Goroutines, func(i int) error {
		var err error
		won[i], err = insts[i%len(insts)].ClaimTracking(ctx, a.ID, store.Tracker{Owner: fmt.Sprintf("p%d", i)}, at(0), never)
		return err
	})
	n := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("tracker %d: %v", i, err)
		}
		if won[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d trackers claimed one call, want 1", n)
	}
}
