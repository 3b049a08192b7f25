package storetest

import (
	"errors"
	"testing"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/stats/statstest"
	"github.com/flashcall/flashcall/internal/verify"
)

// statSource returns s's figures source, or fails the test.
func statSource(t *testing.T, s verify.Store) stats.Source {
	t.Helper()
	return capability[stats.Source](t, s, "StatRows (stats.Source), for the dashboard and the report")
}

// testStatRows: the figures of statstest's hand-counted day come out the same on every engine; StatRows
// gives the window's attempts only, oldest first, with their verifications' times, and stops at an error.
func testStatRows(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	statstest.Seed(t, s)
	src := statSource(t, s)
	until := statstest.Day.AddDate(0, 0, 1)
	var rows []record.StatRow
	if err := src.StatRows(ctx, statstest.Day, until, func(r *record.StatRow) error {
		rows = append(rows, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 {
		t.Fatalf("%d rows in the day, want its 8 attempts", len(rows))
	}
	for i, r := range rows {
		if r.CreatedAt.Before(statstest.Day) || !r.CreatedAt.Before(until) || (i > 0 && r.CreatedAt.Before(rows[i-1].CreatedAt)) {
			t.Errorf("row %d created %s: outside the day or out of order", i, r.CreatedAt)
		}
		if r.VerificationID == 0 || r.VerificationCreated.IsZero() || r.VerificationUpdated.Before(r.VerificationCreated) {
			t.Errorf("row %d: verification %d created %s updated %s", i, r.VerificationID, r.VerificationCreated, r.VerificationUpdated)
		}
	}
	f, err := stats.Compute(ctx, src, statstest.Day, until, stats.Options{CodeDigits: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := stats.Counts{Verifications: 5, Verified: 2, Locked: 1, Calls: 7, Ended: 6, Delivered: 4, Answered: 1, Blocked: 1}
	if f.Total != want {
		t.Errorf("figures %+v, want %+v", f.Total, want)
	}
	stop := errors.New("enough")
	n := 0
	err = src.StatRows(ctx, statstest.Day, until, func(*record.StatRow) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error from the callback: %v after %d rows, want it back after 1", err, n)
	}
}
