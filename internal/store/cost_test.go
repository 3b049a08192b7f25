package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// TestCostCountersFilledOnUpgrade: a history from before schema 13 gets its cost counters from the calls it
// already holds, so the cap counts the day's calls made before the upgrade.
func TestCostCountersFilledOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, c := range []struct {
		state    record.State
		outcome  record.Outcome
		duration int
	}{{record.StateEnded, record.OutcomeAnswered, 125}, {record.StateLive, "", 0}, {record.StateEnded, record.OutcomeDelivered, 9},
		{record.StateNotPlaced, "", 0}, {record.StateUnknown, record.OutcomeUnknown, 0}} {
		a := record.Attempt{Number: fmt.Sprintf("+44740012345%d", i), State: c.state, Outcome: c.outcome, Duration: c.duration,
			CreatedAt: at(time.Duration(i) * 17 * time.Minute)}
		if err := s.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		want += a.BilledMinutes()
	}
	s.Close()
	db := rawDB(t, path)
	for _, stmt := range append(undoSchema10[:6:6], `PRAGMA user_version = 12`) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.InsertAttemptChecked(ctx, Placement{Verification: &record.Verification{Number: "+447400999999",
		Status: record.StatusCalling}, Attempt: &record.Attempt{Number: "+447400999999", CreatedAt: at(24 * time.Hour)}},
		func(ctx context.Context, q LimitQuerier) error {
			got, err := q.BilledMinutes(ctx, at(-time.Hour), at(2*time.Hour))
			if err == nil && got != want {
				t.Errorf("after the upgrade the calls bill %d minutes, want %d (3 answered, 1 live, 1 unknown)", got, want)
			}
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
}
