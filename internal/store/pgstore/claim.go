package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// ClaimCallSID links attempt attemptID, which must have no call SID yet, to callSID, with a transition saying
// why, in one transaction holding the advisory lock of callSID: if any attempt already holds callSID
// (store.ErrSIDHeld), or the attempt was linked meanwhile (store.ErrConflict), nothing is written. Two
// instances claiming one SID for two attempts are serialised by the lock, so the second sees the first's.
func (s *Store) ClaimCallSID(ctx context.Context, attemptID int64, callSID string, why record.Transition) error {
	const op = "claim call SID"
	if callSID == "" {
		return fmt.Errorf("%s: empty SID", op)
	}
	return s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.lockKey("call SID", callSID)); err != nil {
			return err
		}
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM attempts WHERE call_sid = $1)`, callSID).Scan(&held); err != nil {
			return err
		}
		if held {
			return store.ErrSIDHeld
		}
		tag, err := tx.Exec(ctx, `UPDATE attempts SET call_sid = $1 WHERE id = $2 AND call_sid = ''`, callSID, attemptID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("attempt %d already has a call: %w", attemptID, store.ErrConflict)
		}
		why.AttemptID = attemptID
		return addTransitionTx(ctx, tx, why)
	})
}
