package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// testChangedSince: the feed's read returns every unfinished attempt, the rows updated at or after the time
// asked for and nothing older, and the callbacks recorded for unfinished attempts.
func testChangedSince(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	v := record.Verification{Number: "+447400123450", Status: record.StatusCalling, CreatedAt: at(0), UpdatedAt: at(time.Minute)}
	mustCreate(t, s, &v)
	old := record.Verification{Number: "+447400123451", Status: record.StatusVerified, CreatedAt: at(0), UpdatedAt: at(0)}
	mustCreate(t, s, &old)
	live := record.Attempt{VerificationID: v.ID, Number: v.Number, State: record.StateLive, CreatedAt: at(0), UpdatedAt: at(0)}
	endedOld := record.Attempt{VerificationID: old.ID, Number: old.Number, State: record.StateEnded, CreatedAt: at(0), UpdatedAt: at(0)}
	endedNew := record.Attempt{VerificationID: v.ID, Number: v.Number, State: record.StateEnded, CreatedAt: at(0), UpdatedAt: at(time.Minute)}
	for _, a := range []*record.Attempt{&live, &endedOld, &endedNew} {
		mustInsert(t, s, a)
		if err := s.UpdateAttempt(ctx, a); err != nil { // InsertAttempt writes the write-ahead state
			t.Fatal(err)
		}
	}
	for _, tr := range []record.Transition{
		{AttemptID: live.ID, At: at(time.Minute), Status: "callback:ringing", Source: record.SourceCallback, Detail: "forwarded seq=1 sid=CA1"},
		{AttemptID: live.ID, At: at(0), Status: "callback:queued", Source: record.SourceCallback},
		{AttemptID: live.ID, At: at(time.Minute), Status: "ringing", Source: record.SourcePoll},
		{AttemptID: endedNew.ID, At: at(time.Minute), Status: "callback:completed", Source: record.SourceCallback},
	} {
		if err := s.AddTransition(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := s.ChangedSince(ctx, at(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, a := range ch.Attempts {
		ids = append(ids, a.ID)
	}
	if want := []int64{live.ID, endedNew.ID}; !slices.Equal(ids, want) {
		t.Errorf("attempts %v, want %v (the live one and the one updated since)", ids, want)
	}
	if len(ch.Verifications) != 1 || ch.Verifications[0].ID != v.ID {
		t.Errorf("verifications %+v, want only %d", ch.Verifications, v.ID)
	}
	if len(ch.Callbacks) != 1 || ch.Callbacks[0].Detail != "forwarded seq=1 sid=CA1" || ch.Callbacks[0].AttemptID != live.ID ||
		!ch.Callbacks[0].At.Equal(at(time.Minute)) || ch.Callbacks[0].Source != record.SourceCallback {
		t.Errorf("callbacks %+v, want the one recorded since for the live attempt", ch.Callbacks)
	}
}

// InstanceLister is what doctor reads of the instances table, beyond verify.Store.
type InstanceLister interface {
	verify.Store
	// Instances returns the instances seen at or after since, most recently seen first.
	Instances(ctx context.Context, since time.Time) ([]store.Instance, error)
}

// testInstances: heartbeats list the instances seen since a time, newest first, with the calls they follow;
// one that leaves is gone from the list.
func testInstances(t *testing.T, c *suite) {
	ctx := t.Context()
	st := c.open(t)
	s, ok := st.(InstanceLister)
	if !ok {
		t.Fatalf("%T cannot list instances (storetest.InstanceLister): every engine needs it for doctor", st)
	}
	a := record.Attempt{Number: "+447400123450", State: record.StateLive, CreatedAt: at(0)}
	mustInsert(t, s, &a)
	one := store.Instance{ID: "one", Host: "h1", PID: 10, Version: "0.1.0", StartedAt: at(0)}
	two := store.Instance{ID: "two", Host: "h2", PID: 20, Version: "0.1.0", StartedAt: at(0)}
	for _, hb := range []struct {
		in store.Instance
		at time.Time
	}{{one, at(time.Minute)}, {two, at(2 * time.Minute)}, {one, at(3 * time.Minute)}} {
		if err := s.Heartbeat(ctx, hb.in, hb.at); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.ClaimTracking(ctx, a.ID, store.Tracker{Owner: "two", Host: "h2", PID: 20}, at(2*time.Minute), never); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	got, err := s.Instances(ctx, at(90*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "one" || got[1].ID != "two" || !got[0].SeenAt.Equal(at(3*time.Minute)) ||
		!got[0].StartedAt.Equal(at(0)) || got[0].Host != "h1" || got[0].PID != 10 || got[1].Tracking != 1 || got[0].Tracking != 0 {
		t.Errorf("instances %+v", got)
	}
	if got, _ := s.Instances(ctx, at(150*time.Second)); len(got) != 1 || got[0].ID != "one" {
		t.Errorf("seen since 2m30s: %+v, want one only", got)
	}
	held, err := s.TrackedBy(ctx, "two")
	if err != nil || !slices.Equal(held, []int64{a.ID}) {
		t.Errorf("TrackedBy = %v, %v; want [%d]", held, err, a.ID)
	}
	if err := s.LeaveInstance(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Instances(ctx, at(0)); len(got) != 1 || got[0].ID != "two" {
		t.Errorf("after one left: %+v", got)
	}
	// A week of silence and the next heartbeat forgets the instance.
	if err := s.Heartbeat(ctx, one, at(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Instances(ctx, at(0)); len(got) != 1 || got[0].ID != "one" {
		t.Errorf("after a week: %+v", got)
	}
}

// testPlacementRecordsTracker: a placement naming its tracker is claimed in the same transaction, so a
// process starting meanwhile cannot take over the attempt about to be dialled.
func testPlacementRecordsTracker(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	me := store.Tracker{Owner: "placer", Host: "h1", PID: 10}
	v := record.Verification{Number: "+447400123450", Status: record.StatusCalling, CreatedAt: at(0)}
	a := record.Attempt{Number: v.Number, CreatedAt: at(0)}
	if err := s.InsertAttemptChecked(ctx, store.Placement{Verification: &v, Attempt: &a, Tracker: &me, TrackedAt: at(0)},
		func(context.Context, store.LimitQuerier) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var asked store.Tracker
	ok, err := s.ClaimTracking(ctx, a.ID, store.Tracker{Owner: "starter", Host: "h2", PID: 20}, at(time.Second),
		func(tr store.Tracker, _ time.Time) bool { asked = tr; return false })
	if err != nil || ok {
		t.Fatalf("a starting process claimed the attempt being placed: %v %v", ok, err)
	}
	if asked != me {
		t.Errorf("the tracker recorded with the placement is %+v, want %+v", asked, me)
	}
	if held, err := s.TrackedBy(ctx, "placer"); err != nil || !slices.Equal(held, []int64{a.ID}) {
		t.Errorf("TrackedBy(placer) = %v, %v", held, err)
	}
}
