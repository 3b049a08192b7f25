package store

import (
	"context"

	"github.com/flashcall/flashcall/internal/record"
)

// OpenVerifications returns every verification whose status is not final, oldest first. The verify service
// re-arms their expiry timers at start-up. It reads them through their partial index (verifications_open): the
// cost follows the open ones, not the history.
func (s *Store) OpenVerifications(ctx context.Context) ([]record.Verification, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+verificationColumns+` FROM verifications
		WHERE status NOT IN `+finalStatuses+` ORDER BY created_at, id`)
	if err != nil {
		return nil, s.wrap("list open verifications", err)
	}
	defer rows.Close()
	var out []record.Verification
	for rows.Next() {
		v, err := scanVerification(rows)
		if err != nil {
			return nil, s.wrap("list open verifications", err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list open verifications", err)
	}
	return out, nil
}
