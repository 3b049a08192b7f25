package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// StatRows calls each for every attempt created in [since, until) (a zero bound is open), oldest first, with
// its verification's status, read-backs and times, streaming rows as they are read. An error from each stops
// the walk and is returned.
func (s *Store) StatRows(ctx context.Context, since, until time.Time, each func(*record.StatRow) error) error {
	const op = "read figures"
	rows, err := s.pool.Query(ctx, `SELECT `+historyColumns+store.StatColumns+historyFrom+
		`AND a.created_at < $2 ORDER BY a.created_at, a.id`, store.SinceNanos(since), store.StatUntil(until))
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                record.StatRow
			status           string
			created, updated int64
		)
		if err := scanAttempt(rows, &r.Attempt, &status, &r.Checks, &r.MaxChecks, &created, &updated); err != nil {
			return s.wrap(op, err)
		}
		r.VerificationStatus = record.Status(status)
		r.VerificationCreated, r.VerificationUpdated = store.FromNanos(created), store.FromNanos(updated)
		if err := each(&r); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}
