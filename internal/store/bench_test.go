package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkInsertAttempt measures write-ahead attempt rows (attempt + transition, one transaction each).
func BenchmarkInsertAttempt(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	a := fullAttempt(0)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a.ID = 0
		a.CreatedAt = at(time.Duration(i) * time.Millisecond)
		if err := s.InsertAttempt(ctx, &a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "attempts/s")
}

// BenchmarkHistory reads the newest 200 of 100,000 attempts, as the history table does at start.
func BenchmarkHistory(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	seedBulk(b, s, 100_000)
	b.ResetTimer()
	for b.Loop() {
		rows, err := s.History(ctx, HistoryQuery{Limit: 200})
		if err != nil || len(rows) != 200 {
			b.Fatalf("History = %d rows, %v", len(rows), err)
		}
	}
}

// seedBulk inserts n attempts in one transaction, far faster than n InsertAttempt calls.
func seedBulk(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO attempts (verification_id, created_at, updated_at,
		ended_at, operator, remote, number, country, line_type, from_number, call_sid, state, status, outcome,
		ringing_seen, answered_by, duration, ring_duration, error, stale_since, no_call_reported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	a := fullAttempt(0)
	for i := range n {
		a.CreatedAt = at(time.Duration(i) * time.Second)
		if _, err := stmt.ExecContext(ctx, attemptArgs(&a)...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
