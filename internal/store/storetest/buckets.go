package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testEveryoneCountedExactly: everyone's calls in a bounded window (summed from the per-hour and per-minute
// counters the history keeps alongside its rows) equal the calls counted one by one, while Goroutines
// writers at once place calls over three hours, turn some into not-placed ones, and the retention deletes
// the oldest; and the global limit still holds exactly.
func testEveryoneCountedExactly(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	start := at(0).Truncate(time.Hour).Add(17*time.Minute + 3*time.Second)
	const per = 6
	type placed struct {
		at     time.Time
		failed bool
	}
	all := make([][]placed, Goroutines)
	errs := together(Goroutines, func(g int) error {
		st := insts[g%len(insts)]
		for k := range per {
			when := start.Add(time.Duration(g*per+k) * 37 * time.Second) // about three hours in all
			p := newPlacement(fmt.Sprintf("+4474%02d12%04d", g, k), fmt.Sprintf("op%d", g), when)
			if err := st.InsertAttemptChecked(ctx, p, nil); err != nil {
				return err
			}
			pl := placed{at: when, failed: k%3 == 1}
			if pl.failed {
				p.Attempt.State, p.Attempt.EndedAt = record.StateNotPlaced, when
				if err := st.UpdateAttempt(ctx, p.Attempt); err != nil {
					return err
				}
			} else {
				p.Attempt.State, p.Attempt.EndedAt = record.StateEnded, when // ended calls stay counted
				if err := st.UpdateAttempt(ctx, p.Attempt); err != nil {
					return err
				}
			}
			all[g] = append(all[g], pl)
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The retention deletes the calls of the first 20 minutes.
	cut := start.Add(20 * time.Minute)
	if _, err := s.Purge(ctx, cut, false); err != nil {
		t.Fatal(err)
	}
	want := func(since, until time.Time) int {
		n := 0
		for _, ps := range all {
			for _, p := range ps {
				if !p.failed && p.at.After(since) && !p.at.After(until) && !p.at.Before(cut) {
					n++
				}
			}
		}
		return n
	}
	end := start.Add(time.Duration(Goroutines*per) * 37 * time.Second)
	err := s.InsertAttemptChecked(ctx, newPlacement("+447499999990", "alice", end.Add(time.Hour)), func(ctx context.Context, q store.LimitQuerier) error {
		for _, w := range []struct{ since, until time.Time }{
			{start.Add(-time.Hour), end.Add(time.Hour)},      // everything
			{start.Add(time.Hour), start.Add(2 * time.Hour)}, // one whole hour
			{start.Add(25 * time.Minute), start.Add(2*time.Hour + 41*time.Minute + 7*time.Second)},
			{start.Add(3*time.Minute + time.Second), start.Add(9 * time.Minute)}, // deleted ones only
			{start.Add(61 * time.Minute), start.Add(61*time.Minute + 30*time.Second)},
			{start.Truncate(24 * time.Hour).Add(-time.Nanosecond), end}, // since midnight
		} {
			got, err := q.CountCalls(ctx, store.CallFilter{Until: w.until}, w.since)
			if err != nil {
				return err
			}
			if exp := want(w.since, w.until); got != exp {
				t.Errorf("calls in (%s, %s]: %d, want %d", w.since.Format(time.TimeOnly), w.until.Format(time.TimeOnly), got, exp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
