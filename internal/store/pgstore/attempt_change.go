package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// UpdateAttempts stores every change (each attempt written over its stored row, with its transitions) in one
// write transaction: all or nothing, one commit however many calls changed (a list page of them).
func (s *Store) UpdateAttempts(ctx context.Context, changes []store.AttemptChange) error {
	const op = "update attempts"
	if err := store.CheckAttemptChanges(changes); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if len(changes) == 0 {
		return nil
	}
	return s.write(ctx, op, func(tx pgx.Tx) error {
		for _, c := range changes {
			if err := updateAttemptTx(ctx, tx, c.Attempt); err != nil {
				return err
			}
			for _, t := range c.Transitions {
				t.AttemptID = c.Attempt.ID
				if err := addTransitionTx(ctx, tx, t); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// UpdateAttemptWith writes every field of a over the stored attempt a.ID together with the transitions trs
// (each given a.ID as its attempt), in one write transaction: one state change, one commit.
func (s *Store) UpdateAttemptWith(ctx context.Context, a *record.Attempt, trs ...record.Transition) error {
	return s.UpdateAttempts(ctx, []store.AttemptChange{{Attempt: a, Transitions: trs}})
}
