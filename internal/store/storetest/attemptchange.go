package storetest

import (
	"testing"

	"github.com/flashcall/flashcall/internal/record"
)

// testUpdateAttemptWith: an attempt's new state and its transitions are stored together, or not at all.
func testUpdateAttemptWith(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	v := fullVerification()
	mustCreate(t, s, &v)
	a := fullAttempt(v.ID)
	mustInsert(t, s, &a)

	a.State, a.Status = record.StateLive, "ringing"
	tr := record.Transition{At: at(1), Status: "ringing", Source: record.SourcePoll, Detail: "RINGING"}
	if err := s.UpdateAttemptWith(ctx, &a, tr); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAttempt(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, *got, a)
	trs, err := s.Transitions(ctx, a.ID)
	if err != nil || len(trs) != 2 {
		t.Fatalf("Transitions = %+v, %v; want placing and ringing", trs, err)
	}
	if g := trs[1]; g.AttemptID != a.ID || g.Status != "ringing" || g.Source != record.SourcePoll || g.Detail != "RINGING" || !g.At.Equal(tr.At) {
		t.Errorf("stored transition %+v, want %+v", g, tr)
	}

	// No transition alone: an update of an attempt that does not exist stores neither.
	ghost := a
	ghost.ID = a.ID + 1000
	if err := s.UpdateAttemptWith(ctx, &ghost, record.Transition{At: at(2), Status: "completed", Source: record.SourcePoll}); err == nil {
		t.Fatal("an update of a missing attempt succeeded")
	}
	if trs, err := s.Transitions(ctx, ghost.ID); err != nil || len(trs) != 0 {
		t.Fatalf("a failed update left transitions %+v (%v)", trs, err)
	}
	// An update without transitions is a plain update.
	a.Status = "in-progress"
	if err := s.UpdateAttemptWith(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if trs, _ := s.Transitions(ctx, a.ID); len(trs) != 2 {
		t.Fatalf("an update without transitions added some: %+v", trs)
	}
}
