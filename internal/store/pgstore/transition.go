package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// AddTransition stores t (its ID is ignored). The attempt must exist.
func (s *Store) AddTransition(ctx context.Context, t record.Transition) error {
	const op = "add transition"
	if t.AttemptID == 0 {
		return errors.New(op + ": no attempt ID")
	}
	return s.write(ctx, op, func(tx pgx.Tx) error { return addTransitionTx(ctx, tx, t) })
}

// addTransitionTx stores t in tx.
func addTransitionTx(ctx context.Context, tx pgx.Tx, t record.Transition) error {
	if t.AttemptID == 0 {
		return errors.New("add transition: no attempt ID")
	}
	_, err := tx.Exec(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
		VALUES ($1, $2, $3, $4, $5)`, t.AttemptID, store.Nanos(t.At), t.Status, string(t.Source), t.Detail)
	return err
}

// Transitions returns the transitions of an attempt, oldest first (by At, then in the order stored).
func (s *Store) Transitions(ctx context.Context, attemptID int64) ([]record.Transition, error) {
	const op = "list transitions"
	rows, err := s.pool.Query(ctx, `SELECT id, attempt_id, at, status, source, detail FROM transitions
		WHERE attempt_id = $1 ORDER BY at, id`, attemptID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Transition
	for rows.Next() {
		var (
			t      record.Transition
			at     int64
			source string
		)
		if err := rows.Scan(&t.ID, &t.AttemptID, &at, &t.Status, &source, &t.Detail); err != nil {
			return nil, s.wrap(op, err)
		}
		t.At, t.Source = store.FromNanos(at), record.Source(source)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
