package pgstore

import (
	"context"
	"fmt"
	"io"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// historyFrom is the FROM clause shared by History and Export ($1 is the lower bound of created_at).
const historyFrom = ` FROM attempts a LEFT JOIN verifications v ON v.id = a.verification_id WHERE a.created_at >= $1 `

// historyColumns are the attempt's columns followed by the verification's.
const historyColumns = attemptColumns + `, coalesce(v.status, ''), coalesce(v.checks, 0), coalesce(v.max_checks, 0)`

// scanHistory reads one row of historyColumns.
func scanHistory(row interface{ Scan(dest ...any) error }, h *record.HistoryRow) error {
	var status string
	if err := scanAttempt(row, &h.Attempt, &status, &h.Checks, &h.MaxChecks); err != nil {
		return err
	}
	h.VerificationStatus = record.Status(status)
	return nil
}

// History returns attempts newest first (by creation time, then ID).
func (s *Store) History(ctx context.Context, q store.HistoryQuery) ([]record.HistoryRow, error) {
	const op = "read history"
	var limit any // NULL: no limit
	if q.Limit > 0 {
		limit = q.Limit
	}
	rows, err := s.pool.Query(ctx, `SELECT `+historyColumns+historyFrom+
		`ORDER BY a.created_at DESC, a.id DESC LIMIT $2`, store.SinceNanos(q.Since), limit)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := make([]record.HistoryRow, 0, min(max(q.Limit, 0), 1024))
	for rows.Next() {
		var h record.HistoryRow
		if err := scanHistory(rows, &h); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

// Export writes the history to w, oldest first, streaming rows as they are read, in the format and with the
// masking of o (store.WriteExport: the same bytes as the SQLite engine writes).
func (s *Store) Export(ctx context.Context, w io.Writer, o store.ExportOptions) error {
	const op = "export history"
	return store.WriteExport(w, o, func(yield func(*record.HistoryRow) error) error {
		rows, err := s.pool.Query(ctx, `SELECT `+historyColumns+historyFrom+`ORDER BY a.created_at, a.id`,
			store.SinceNanos(o.Since))
		if err != nil {
			return s.wrap(op, err)
		}
		defer rows.Close()
		for rows.Next() {
			var h record.HistoryRow
			if err := scanHistory(rows, &h); err != nil {
				return s.wrap(op, err)
			}
			if err := yield(&h); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
		if err := rows.Err(); err != nil {
			return s.wrap(op, err)
		}
		return nil
	})
}
