package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Transition sources: where a state change was learnt.
const (
	// SourceCreate: the create request (the write-ahead "placing" row, the create's reply).
	SourceCreate = "create"
	// SourcePoll: a GET of the call.
	SourcePoll = "poll"
	// SourceCallback: a status callback from Restcomm.
	SourceCallback = "callback"
	// SourceOperator: something the operator did (hang up, cancel, "no call").
	SourceOperator = "operator"
	// SourceReconcile: reconciliation of an attempt a stopped process left unfinished.
	SourceReconcile = "reconcile"
	// SourceExpiry: the verification window passed.
	SourceExpiry = "expiry"
)

// Transition is one state change of an attempt, for the timeline and the audit log.
type Transition struct {
	// ID is assigned by the store; AttemptID is the attempt that changed.
	ID, AttemptID int64
	// At is when the change happened (set by the caller).
	At time.Time
	// Status is the new state or Restcomm status; Source one of the Source constants; Detail free text.
	Status, Source, Detail string
}

// AddTransition stores t (its ID is ignored). The attempt must exist.
func (s *Store) AddTransition(ctx context.Context, t Transition) error {
	const op = "add transition"
	if t.AttemptID == 0 {
		return errors.New(op + ": no attempt ID")
	}
	return s.write(ctx, op, func(tx *sql.Tx) error { return addTransitionTx(ctx, tx, t) })
}

// addTransitionTx stores t in tx.
func addTransitionTx(ctx context.Context, tx *sql.Tx, t Transition) error {
	if t.AttemptID == 0 {
		return errors.New("add transition: no attempt ID")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
		VALUES (?, ?, ?, ?, ?)`, t.AttemptID, nanos(t.At), t.Status, t.Source, t.Detail)
	return err
}

// Transitions returns the transitions of an attempt, oldest first (by At, then in the order stored).
func (s *Store) Transitions(ctx context.Context, attemptID int64) ([]Transition, error) {
	const op = "list transitions"
	rows, err := s.r.QueryContext(ctx, `SELECT id, attempt_id, at, status, source, detail FROM transitions
		WHERE attempt_id = ? ORDER BY at, id`, attemptID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var (
			t  Transition
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
