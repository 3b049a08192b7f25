package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// seedMonth inserts n ended attempts (with their first transition) spread evenly over the 30 days before end,
// in one transaction through prepared statements: 5,000 numbers in 50 ranges, 20 operators. With n = 1M a
// day holds about 33,000 attempts and an hour about 1,400.
func seedMonth(b *testing.B, s *Store, n int, end time.Time) {
	b.Helper()
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO attempts (verification_id, created_at, updated_at,
		ended_at, operator, remote, number, country, line_type, from_number, call_sid, state, status, outcome,
		ringing_seen, answered_by, duration, ring_duration, error, stale_since, no_call_reported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := tx.PrepareContext(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	step := 30 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		a := fullAttempt(0)
		a.CreatedAt = end.Add(-time.Duration(n-i) * step)
		a.Number = fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
		a.Operator = fmt.Sprintf("op%02d", i%20)
		a.CallSID = fmt.Sprintf("CA%032d", i)
		a.State = record.StateEnded
		res, err := ins.ExecContext(ctx, attemptArgs(&a)...)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tr.ExecContext(ctx, id, nanos(a.CreatedAt), record.StatePlacing, record.SourceCreate, ""); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// monthOf returns a private copy of a history holding n attempts over the month before end, seeded once per
// schema (a hash of its migrations) into the temporary directory and reused by later runs.
func monthOf(b *testing.B, n int, end time.Time) *Store {
	b.Helper()
	ctx := context.Background()
	schema := fnv.New32a() // the schema's text: a changed step is another cache
	for _, m := range migrations() {
		fmt.Fprint(schema, m.version, m.name, m.stmts, m.after)
	}
	cached := filepath.Join(os.TempDir(), fmt.Sprintf("flashcall-bench-month-%d-%08x.db", n, schema.Sum32()))
	if _, err := os.Stat(cached); err != nil {
		tmp := filepath.Join(b.TempDir(), "seed.db")
		s, err := Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		seedMonth(b, s, n, end)
		if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		copyFile(b, tmp, cached+".part")
		if err := os.Rename(cached+".part", cached); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "history.db")
	copyFile(b, cached, path)
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInsertAttemptChecked measures the write-ahead row together with the checks the default policy
// makes (per number, prefix and operator in 10 minutes or an hour, everyone in an hour, the day, the
// undelivered streak) over a month of history of 1,000 and of 1,000,000 attempts: the counts are bounded by
// the rows of their window and scope, so the month's size should barely matter. Each count is asked as the
// policy asks it (policy.CheckLimits: the calls up to now, so everyone's come from the per-minute and
// per-hour counters).
func BenchmarkInsertAttemptChecked(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"rows=1k", 1000}, {"rows=1M", 1_000_000}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			end := at(30 * 24 * time.Hour)
			s := monthOf(b, c.n, end)
			midnight := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				now := end.Add(time.Duration(i) * time.Millisecond)
				number := fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
				op := fmt.Sprintf("op%02d", i%20)
				check := func(ctx context.Context, q LimitQuerier) error {
					for _, c := range []struct {
						f     CallFilter
						since time.Time
					}{{CallFilter{Number: number, Until: now}, now.Add(-10 * time.Minute)},
						{CallFilter{Prefix: number[:len(number)-4], Until: now}, now.Add(-10 * time.Minute)},
						{CallFilter{Operator: op, Until: now}, now.Add(-time.Hour)}, {CallFilter{Until: now}, now.Add(-time.Hour)},
						{CallFilter{Until: now}, midnight}} {
						if _, err := q.CountCalls(ctx, c.f, c.since); err != nil {
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
		})
	}
}
