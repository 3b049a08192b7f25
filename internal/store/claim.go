package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// ErrSIDHeld means a call SID is already the call of another attempt: reconciliation must not link a second
// attempt to it.
var ErrSIDHeld = errors.New("this call already belongs to another attempt")

// ClaimCallSID links attempt attemptID, which must have no call SID yet, to callSID, with a transition saying
// why, in one write transaction: if any attempt already holds callSID (ErrSIDHeld), or the attempt was linked
// meanwhile (ErrConflict), nothing is written.
func (s *Store) ClaimCallSID(ctx context.Context, attemptID int64, callSID string, why record.Transition) error {
	const op = "claim call SID"
	if callSID == "" {
		return fmt.Errorf("%s: empty SID", op)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM attempts WHERE call_sid = ?`, callSID).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return ErrSIDHeld
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET call_sid = ? WHERE id = ? AND call_sid = ''`, callSID, attemptID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, fmt.Errorf("attempt %d already has a call: %w", attemptID, ErrConflict))
		}
		why.AttemptID = attemptID
		return addTransitionTx(ctx, tx, why)
	})
}
