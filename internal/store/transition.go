package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flashcall/flashcall/internal/record"
)

// AddTransition stores t (its ID is ignored). The attempt must exist.
func (s *Store) AddTransition(ctx context.Context, t record.Transition) error {
	const op = "add transition"
	if t.AttemptID == 0 {
		return errors.New(op + ": no attempt ID")
	}
	return s.write(ctx, op, func(tx *sql.Tx) error { return addTransitionTx(ctx, tx, t) })
}

// addTransitionTx stores t in tx.
func addTransitionTx(ctx context.Context, tx *sql.Tx, t record.Transition) error {
	if t.AttemptID == 0 {
		return errors.New("add transition: no attempt ID")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
		VALUES (?, ?, ?, ?, ?)`, t.AttemptID, nanos(t.At), t.Status, t.Source, t.Detail)
	return err
}

// Transitions returns the transitions of an attempt, oldest first (by At, then in the order stored).
func (s *Store) Transitions(ctx context.Context, attemptID int64) ([]record.Transition, error) {
	const op = "list transitions"
	rows, err := s.r.QueryContext(ctx, `SELECT id, attempt_id, at, status, source, detail FROM transitions
		WHERE attempt_id = ? ORDER BY at, id`, attemptID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Transition
	for rows.Next() {
		var (
			t  record.Transition
			at int64
		)
		if err := rows.Scan(&t.ID, &t.AttemptID, &at, &t.Status, &t.Source, &t.Detail); err != nil {
			return nil, s.wrap(op, err)
		}
		t.At = fromNanos(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
