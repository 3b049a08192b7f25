package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// StatColumns are the columns of a record.StatRow: the history's, then the verification's times.
const StatColumns = `, coalesce(v.created_at, 0), coalesce(v.updated_at, 0)`

// StatUntil is the exclusive upper bound of created_at for until (everything when zero).
func StatUntil(until time.Time) int64 {
	if until.IsZero() {
		return math.MaxInt64
	}
	return until.UnixNano()
}

// StatRows calls each for every attempt created in [since, until) (a zero bound is open), oldest first, with
// its verification's status, read-backs and times, streaming rows as they are read (attempts_by_time bounds
// the scan to the window). An error from each stops the walk and is returned.
func (s *Store) StatRows(ctx context.Context, since, until time.Time, each func(*record.StatRow) error) error {
	const op = "read figures"
	rows, err := s.r.QueryContext(ctx, `SELECT `+historyColumns+StatColumns+historyFrom+
		`AND a.created_at < ? ORDER BY a.created_at, a.id`, sinceNanos(since), StatUntil(until))
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                record.StatRow
			created, updated int64
		)
		if err := scanAttempt(rows, &r.Attempt, &r.VerificationStatus, &r.Checks, &r.MaxChecks, &created, &updated); err != nil {
			return s.wrap(op, err)
		}
		r.VerificationCreated, r.VerificationUpdated = fromNanos(created), fromNanos(updated)
		if err := each(&r); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}
