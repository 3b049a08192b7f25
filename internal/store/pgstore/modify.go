package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// ModifyVerification reads verification id and its attempts, lets fn decide, and writes what fn changed, all
// in one transaction that holds the rows it read (SELECT ... FOR NO KEY UPDATE): across connections and
// instances no other write to them can come between the read and the write, so a counter cannot be lost and a
// verification one session closed cannot be reopened or overwritten by another's stale copy. An error from
// fn rolls everything back and is returned unchanged. It returns the verification as written.
func (s *Store) ModifyVerification(ctx context.Context, id int64, fn func(m *store.VerificationChange) error) (*record.Verification, error) {
	const op = "modify verification"
	var out record.Verification
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		v, err := scanVerification(tx.QueryRow(ctx, `SELECT `+verificationColumns+` FROM verifications
			WHERE id = $1 FOR NO KEY UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("verification", id)
		}
		if err != nil {
			return err
		}
		as, err := attemptsIn(ctx, tx, `SELECT `+attemptColumns+` FROM attempts a
			WHERE a.verification_id = $1 ORDER BY a.created_at, a.id FOR NO KEY UPDATE`, id)
		if err != nil {
			return err
		}
		m := &store.VerificationChange{V: *v, Attempts: as}
		if err := fn(m); err != nil {
			return &refused{err}
		}
		if m.V.ID != id {
			return fmt.Errorf("the change may not alter the verification's ID")
		}
		checks, attempts, transitions, writeV := m.Pending()
		if writeV {
			if err := store.CheckVerification(&m.V); err != nil {
				return err
			}
			if err := updateVerificationTx(ctx, tx, &m.V); err != nil {
				return err
			}
		}
		for _, c := range checks {
			if err := addCheckTx(ctx, tx, c); err != nil {
				return err
			}
		}
		for i := range attempts {
			if err := updateAttemptTx(ctx, tx, &attempts[i]); err != nil {
				return err
			}
		}
		for _, t := range transitions {
			if err := addTransitionTx(ctx, tx, t); err != nil {
				return err
			}
		}
		out = m.V
		return nil
	})
	if err != nil {
		return nil, unrefuse(err)
	}
	return &out, nil
}
