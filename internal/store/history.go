package store

import (
	"context"
	"math"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// HistoryQuery selects attempts for the history table.
type HistoryQuery struct {
	// Since keeps attempts created at or after it (zero: all).
	Since time.Time
	// Limit is the most rows returned (0 or less: all).
	Limit int
}

// historyFrom is the FROM clause shared by History and Export.
const historyFrom = ` FROM attempts a LEFT JOIN verifications v ON v.id = a.verification_id WHERE a.created_at >= ? `

// historyColumns are the attempt's columns followed by the verification's.
const historyColumns = attemptColumns + `, coalesce(v.status, ''), coalesce(v.checks, 0), coalesce(v.max_checks, 0)`

// sinceNanos is the lower bound of created_at for since (everything when zero).
func sinceNanos(since time.Time) int64 {
	if since.IsZero() {
		return math.MinInt64
	}
	return since.UnixNano()
}

// History returns attempts newest first (by creation time, then ID).
func (s *Store) History(ctx context.Context, q HistoryQuery) ([]record.HistoryRow, error) {
	const op = "read history"
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+historyColumns+historyFrom+
		`ORDER BY a.created_at DESC, a.id DESC LIMIT ?`, sinceNanos(q.Since), limit)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := make([]record.HistoryRow, 0, min(max(q.Limit, 0), 1024))
	for rows.Next() {
		var h record.HistoryRow
		if err := scanAttempt(rows, &h.Attempt, &h.VerificationStatus, &h.Checks, &h.MaxChecks); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
