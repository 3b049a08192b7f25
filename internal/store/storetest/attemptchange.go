package storetest

import (
	"testing"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
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

	// Many changes in one transaction: all stored, or, when one attempt is missing, none.
	b := fullAttempt(v.ID)
	b.Number = "+447400123999"
	mustInsert(t, s, &b)
	a.Status, b.Status = "completed", "busy"
	batch := []store.AttemptChange{
		{Attempt: &a, Transitions: []record.Transition{{At: at(3), Status: "completed", Source: record.SourcePoll}}},
		{Attempt: &b, Transitions: []record.Transition{{At: at(3), Status: "busy", Source: record.SourcePoll}}},
		{Attempt: &ghost},
	}
	if err := s.UpdateAttempts(ctx, batch); err == nil {
		t.Fatal("a batch with a missing attempt succeeded")
	}
	for _, x := range []*record.Attempt{&a, &b} {
		if trs, _ := s.Transitions(ctx, x.ID); trs[len(trs)-1].Source == record.SourcePoll && trs[len(trs)-1].At.Equal(at(3)) {
			t.Fatalf("a refused batch stored attempt %d's transition", x.ID)
		}
		if got, _ := s.GetAttempt(ctx, x.ID); got.Status == "completed" || got.Status == "busy" {
			t.Fatalf("a refused batch stored attempt %d: %s", x.ID, got.Status)
		}
	}
	if err := s.UpdateAttempts(ctx, batch[:2]); err != nil {
		t.Fatal(err)
	}
	for _, x := range []*record.Attempt{&a, &b} {
		got, err := s.GetAttempt(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, *got, *x)
		if trs, _ := s.Transitions(ctx, x.ID); trs[len(trs)-1].Status != x.Status {
			t.Fatalf("attempt %d: last transition %+v, want %s", x.ID, trs[len(trs)-1], x.Status)
		}
	}
}
