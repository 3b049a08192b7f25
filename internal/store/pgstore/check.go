package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// AddCheck stores c (its ID is ignored). The verification must exist.
func (s *Store) AddCheck(ctx context.Context, c record.Check) error {
	const op = "add check"
	if c.VerificationID == 0 {
		return errors.New(op + ": no verification ID")
	}
	return s.write(ctx, op, func(tx pgx.Tx) error { return addCheckTx(ctx, tx, c) })
}

// addCheckTx stores c in tx.
func addCheckTx(ctx context.Context, tx pgx.Tx, c record.Check) error {
	_, err := tx.Exec(ctx, `INSERT INTO checks (verification_id, at, operator, ok) VALUES ($1, $2, $3, $4)`,
		c.VerificationID, store.Nanos(c.At), c.Operator, c.OK)
	return err
}

// Checks returns the checks of a verification, oldest first.
func (s *Store) Checks(ctx context.Context, verificationID int64) ([]record.Check, error) {
	const op = "list checks"
	rows, err := s.pool.Query(ctx, `SELECT id, verification_id, at, operator, ok FROM checks
		WHERE verification_id = $1 ORDER BY at, id`, verificationID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Check
	for rows.Next() {
		var (
			c  record.Check
			at int64
		)
		if err := rows.Scan(&c.ID, &c.VerificationID, &at, &c.Operator, &c.OK); err != nil {
			return nil, s.wrap(op, err)
		}
		c.At = store.FromNanos(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
