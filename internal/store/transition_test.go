package store

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestTransitionsOldestFirst(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := record.Attempt{CreatedAt: at(0)}
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	add := []record.Transition{
		{AttemptID: a.ID, At: at(2 * time.Second), Status: "ringing", Source: record.SourceCallback, Detail: "seq 1"},
		{AttemptID: a.ID, At: at(time.Second), Status: "queued", Source: record.SourcePoll}, // learnt late, happened early
		{AttemptID: a.ID, At: at(5 * time.Second), Status: "no-answer", Source: record.SourcePoll},
		{AttemptID: a.ID, At: at(5 * time.Second), Status: "ended", Source: record.SourceOperator, Detail: "same instant"},
		{AttemptID: a.ID, Status: "zero time", Source: record.SourceReconcile},
	}
	for _, tr := range add {
		if err := s.AddTransition(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Transitions(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []record.Transition{add[4], {AttemptID: a.ID, At: at(0), Status: string(record.StatePlacing), Source: record.SourceCreate}, add[1], add[0], add[2], add[3]}
	if len(got) != len(want) {
		t.Fatalf("Transitions = %+v, want %d", got, len(want))
	}
	for i := range want {
		want[i].ID = got[i].ID
		assertSame(t, got[i], want[i])
	}
	if got[4].ID > got[5].ID {
		t.Errorf("transitions at the same instant out of insertion order: %d after %d", got[4].ID, got[5].ID)
	}

	if err := s.AddTransition(ctx, record.Transition{AttemptID: 999, Status: "x"}); err == nil {
		t.Error("AddTransition for a missing attempt succeeded")
	}
	if err := s.AddTransition(ctx, record.Transition{Status: "x"}); err == nil {
		t.Error("AddTransition without attempt ID succeeded")
	}
	if got, err := s.Transitions(ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("Transitions(missing) = %v, %v", got, err)
	}
}
