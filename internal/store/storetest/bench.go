package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// BenchSeed is how many attempts BenchCheckedAttempts finds in the history before it measures: a day of a
// busy deployment (5,000 numbers in 50 ranges, 20 operators).
const BenchSeed = 5_000

// BenchCheckedAttempts measures checked attempts written per second by writers goroutines at once on s: each
// a placement (verification, write-ahead attempt, its first transition) written after the checks the default
// policy makes inside the same transaction (per number, range and operator, everyone in an hour and a day,
// the undelivered streak). It reports the metric attempts-per-s. Every engine runs it with 1 and 8 writers.
func BenchCheckedAttempts(b *testing.B, s verify.Store, writers int) {
	ctx := context.Background()
	end := base.Add(24 * time.Hour)
	for i := range BenchSeed {
		now := end.Add(-time.Duration(BenchSeed-i) * (24 * time.Hour / BenchSeed))
		a := record.Attempt{Number: fmt.Sprintf("+4474%02d12%04d", i%50, i%5000), Operator: fmt.Sprintf("op%02d", i%20),
			State: record.StateEnded, Outcome: record.OutcomeDelivered, CreatedAt: now, UpdatedAt: now, EndedAt: now}
		if err := s.InsertAttempt(ctx, &a); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				now := end.Add(time.Duration(i) * time.Millisecond)
				number := fmt.Sprintf("+4475%02d%06d", w, i) // each once: no live call in the way
				op := fmt.Sprintf("op%02d", i%20)
				p := store.Placement{
					Verification: &record.Verification{Number: number, Operator: op, CreatedAt: now, UpdatedAt: now,
						ExpiresAt: now.Add(5 * time.Minute), Status: record.StatusCalling, MaxChecks: 3},
					Attempt: &record.Attempt{Number: number, Operator: op, CreatedAt: now, UpdatedAt: now},
				}
				if err := s.InsertAttemptChecked(ctx, p, defaultChecks(number, op, now)); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "attempts-per-s")
}

// defaultChecks are the reads the default policy makes before a placement.
func defaultChecks(number, op string, now time.Time) func(ctx context.Context, q store.LimitQuerier) error {
	return func(ctx context.Context, q store.LimitQuerier) error {
		for _, c := range []struct {
			f store.CallFilter
			w time.Duration
		}{{store.CallFilter{Number: number}, 10 * time.Minute}, {store.CallFilter{Prefix: number[:len(number)-4]}, 10 * time.Minute},
			{store.CallFilter{Operator: op}, time.Hour}, {store.CallFilter{}, time.Hour}, {store.CallFilter{}, 24 * time.Hour}} {
			if _, err := q.CountCalls(ctx, c.f, now.Add(-c.w)); err != nil {
				return err
			}
		}
		_, _, err := q.UndeliveredStreak(ctx, number, 3)
		return err
	}
}

// BenchChangedSince measures the feed's read (ChangedSince, a minute back) with BenchSeed ended attempts in
// the history and ten live ones: what every process pays once a poll interval to show the others' calls.
func BenchChangedSince(b *testing.B, s verify.Store) {
	ctx := context.Background()
	end := base.Add(24 * time.Hour)
	for i := range BenchSeed + 10 {
		now := end.Add(-time.Duration(BenchSeed+10-i) * (24 * time.Hour / BenchSeed))
		a := record.Attempt{Number: fmt.Sprintf("+4474%02d12%04d", i%50, i), State: record.StateEnded,
			CreatedAt: now, UpdatedAt: now, EndedAt: now}
		if i >= BenchSeed {
			a.State, a.EndedAt = record.StateLive, time.Time{}
		}
		if err := s.InsertAttempt(ctx, &a); err != nil {
			b.Fatal(err)
		}
		if err := s.UpdateAttempt(ctx, &a); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		ch, err := s.ChangedSince(ctx, end.Add(-time.Minute))
		if err != nil || len(ch.Attempts) < 10 {
			b.Fatalf("ChangedSince: %d attempts, %v", len(ch.Attempts), err)
		}
	}
}
