package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// AttemptChange is one attempt's new state and the transitions that led to it.
type AttemptChange struct {
	// Attempt is written over the stored attempt Attempt.ID.
	Attempt *record.Attempt
	// Transitions are stored for Attempt.ID (their AttemptID is set to it).
	Transitions []record.Transition
}

// CheckAttemptChanges refuses changes without an attempt or with an attempt state that is not one.
func CheckAttemptChanges(changes []AttemptChange) error {
	for _, c := range changes {
		if c.Attempt == nil {
			return fmt.Errorf("a change without an attempt")
		}
		if !c.Attempt.State.Valid() {
			return fmt.Errorf("attempt %d: unknown attempt state %q", c.Attempt.ID, c.Attempt.State)
		}
	}
	return nil
}

// UpdateAttempts stores every change (each attempt written over its stored row, with its transitions) in one
// write transaction: all or nothing, one commit however many calls changed (a list page of them).
func (s *Store) UpdateAttempts(ctx context.Context, changes []AttemptChange) error {
	const op = "update attempts"
	if err := CheckAttemptChanges(changes); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if len(changes) == 0 {
		return nil
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
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
	return s.UpdateAttempts(ctx, []AttemptChange{{Attempt: a, Transitions: trs}})
}
