package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// UpdateAttemptWith writes every field of a over the stored attempt a.ID together with the transitions trs
// (each given a.ID as its attempt), in one write transaction: one state change, one commit. Nothing is
// written when any part fails.
func (s *Store) UpdateAttemptWith(ctx context.Context, a *record.Attempt, trs ...record.Transition) error {
	const op = "update attempt"
	if !a.State.Valid() {
		return fmt.Errorf("%s %d: unknown attempt state %q", op, a.ID, a.State)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		if err := updateAttemptTx(ctx, tx, a); err != nil {
			return err
		}
		for _, t := range trs {
			t.AttemptID = a.ID
			if err := addTransitionTx(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
