package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// VerificationChange is a verification being changed inside one write transaction: V and Attempts are read
// inside it, so whatever the change decides from them is decided on the stored truth, not on a copy another
// session may have overtaken.
type VerificationChange struct {
	// V is the verification as stored when the transaction began; the function edits it in place.
	V record.Verification
	// Attempts are its attempts, oldest first, as stored.
	Attempts []record.Attempt

	checks      []record.Check
	attempts    []record.Attempt
	transitions []record.Transition
	unchanged   bool
}

// AddCheck records a read-back with the change (its VerificationID is set to V's).
func (m *VerificationChange) AddCheck(c record.Check) {
	c.VerificationID = m.V.ID
	m.checks = append(m.checks, c)
}

// UpdateAttempt writes a over its stored attempt with the change.
func (m *VerificationChange) UpdateAttempt(a record.Attempt) { m.attempts = append(m.attempts, a) }

// AddTransition records a state change of one of the attempts with the change.
func (m *VerificationChange) AddTransition(t record.Transition) {
	m.transitions = append(m.transitions, t)
}

// Unchanged says the verification itself is not to be written (checks, attempts and transitions still are).
func (m *VerificationChange) Unchanged() { m.unchanged = true }

// ModifyVerification reads verification id and its attempts, lets fn decide, and writes what fn changed, all
// in one BEGIN IMMEDIATE transaction: across connections and processes no other write can come between the
// read and the write, so a counter cannot be lost and a verification one session closed cannot be reopened
// or overwritten by another's stale copy. An error from fn rolls everything back and is returned unchanged.
// It returns the verification as written.
func (s *Store) ModifyVerification(ctx context.Context, id int64, fn func(m *VerificationChange) error) (*record.Verification, error) {
	const op = "modify verification"
	var out record.Verification
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		v, err := scanVerification(tx.QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("verification", id)
		}
		if err != nil {
			return err
		}
		as, err := attemptsTx(ctx, tx, `SELECT `+attemptColumns+` FROM attempts a
			WHERE a.verification_id = ? ORDER BY a.created_at, a.id`, id)
		if err != nil {
			return err
		}
		m := &VerificationChange{V: *v, Attempts: as}
		if err := fn(m); err != nil {
			return &refused{err}
		}
		if m.V.ID != id {
			return fmt.Errorf("the change may not alter the verification's ID")
		}
		if !m.unchanged {
			if err := validVerification(&m.V); err != nil {
				return err
			}
			if err := updateVerificationTx(ctx, tx, &m.V); err != nil {
				return err
			}
		}
		for _, c := range m.checks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO checks (verification_id, at, operator, ok) VALUES (?, ?, ?, ?)`,
				c.VerificationID, nanos(c.At), c.Operator, c.OK); err != nil {
				return err
			}
		}
		for i := range m.attempts {
			if err := updateAttemptTx(ctx, tx, &m.attempts[i]); err != nil {
				return err
			}
		}
		for _, t := range m.transitions {
			if err := addTransitionTx(ctx, tx, t); err != nil {
				return err
			}
		}
		out = m.V
		return nil
	})
	if err != nil {
		var r *refused
		if errors.As(err, &r) {
			return nil, r.err
		}
		return nil, err
	}
	return &out, nil
}

// attemptsTx runs an attempts query inside tx.
func attemptsTx(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]record.Attempt, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Attempt
	for rows.Next() {
		var a record.Attempt
		if err := scanAttempt(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
