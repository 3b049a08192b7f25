package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// seedMonth inserts n ended attempts spread evenly over the 30 days before end: 5,000 numbers in 50 ranges,
// 20 operators. With n = 100,000, a day holds about 3,300 attempts and an hour about 140: a busy deployment
// running at its limits.
func seedMonth(b *testing.B, s *Store, n int, end time.Time) {
	b.Helper()
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	step := 30 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		a := fullAttempt(0)
		a.CreatedAt = end.Add(-time.Duration(n-i) * step)
		a.Number = fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
		a.Operator = fmt.Sprintf("op%02d", i%20)
		if _, err := insertAttemptTx(ctx, tx, &a, record.StatePlacing, record.SourceCreate, ""); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInsertAttemptChecked measures the write-ahead row together with the checks the default policy
// makes (per number, prefix and operator in 10 minutes or an hour, everyone in an hour, the day, the
// undelivered streak) over a month of history.
func BenchmarkInsertAttemptChecked(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	end := at(30 * 24 * time.Hour)
	seedMonth(b, s, 100_000, end)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		now := end.Add(time.Duration(i) * time.Millisecond)
		number := fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
		op := fmt.Sprintf("op%02d", i%20)
		check := func(ctx context.Context, q LimitQuerier) error {
			for _, c := range []struct {
				f CallFilter
				w time.Duration
			}{{CallFilter{Number: number}, 10 * time.Minute}, {CallFilter{Prefix: number[:len(number)-4]}, 10 * time.Minute},
				{CallFilter{Operator: op}, time.Hour}, {CallFilter{}, time.Hour}, {CallFilter{}, 24 * time.Hour}} {
				if _, err := q.CountCalls(ctx, c.f, now.Add(-c.w)); err != nil {
					return err
				}
			}
			_, _, err := q.UndeliveredStreak(ctx, number, 3)
			return err
		}
		if err := s.InsertAttemptChecked(ctx, newPlacement(number, op, now), check); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "attempts/s")
}
