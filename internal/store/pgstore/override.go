package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// AddOverride records o (its ID and VerificationID set: the number's newest verification), unless the number
// has a pending override of that rule already: then it returns that one and store.ErrOverridePending. It
// holds the placement lock, so that it and the placements that use overrides come one at a time.
func (s *Store) AddOverride(ctx context.Context, o *record.Override) error {
	const op = "record override"
	if err := store.CheckOverride(o); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var existing *record.Override
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.placementKey); err != nil {
			return err
		}
		e, err := store.ScanOverride(tx.QueryRow(ctx, `SELECT `+store.OverrideColumns+` FROM overrides
			WHERE number = $1 AND rule = $2 AND used_at = 0 AND expires_at > $3 ORDER BY id LIMIT 1`,
			o.Number, o.Rule, store.Nanos(o.CreatedAt)))
		switch {
		case err == nil:
			existing = e
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		var vid int64
		err = tx.QueryRow(ctx, `SELECT id FROM verifications WHERE number = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
			o.Number).Scan(&vid)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		o.VerificationID = vid
		return tx.QueryRow(ctx, `INSERT INTO overrides (number, rule, reason, given_by, verification_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, o.Number, o.Rule, o.Reason, o.By, vid,
			store.Nanos(o.CreatedAt), store.Nanos(o.ExpiresAt)).Scan(&o.ID)
	})
	if err != nil {
		return err
	}
	if existing != nil {
		*o = *existing
		return fmt.Errorf("%s %s: %w", op, o.Rule, store.ErrOverridePending)
	}
	return nil
}

// PendingOverride returns the oldest override of rule for number that may still be used at t, or nil.
func (s *Store) PendingOverride(ctx context.Context, number, rule string, t time.Time) (*record.Override, error) {
	const op = "read override"
	o, err := store.ScanOverride(s.pool.QueryRow(ctx, `SELECT `+store.OverrideColumns+` FROM overrides
		WHERE number = $1 AND rule = $2 AND used_at = 0 AND expires_at > $3 ORDER BY id LIMIT 1`, number, rule, store.Nanos(t)))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, s.wrap(op, err)
	}
	return o, nil
}

// OverridesOf returns the overrides given on a verification or used by one of its attempts, oldest first.
func (s *Store) OverridesOf(ctx context.Context, verificationID int64) ([]record.Override, error) {
	const op = "read overrides"
	rows, err := s.pool.Query(ctx, `SELECT `+store.OverrideColumns+` FROM overrides WHERE verification_id = $1
		UNION SELECT `+store.OverrideColumns+` FROM overrides WHERE attempt_id IN (SELECT id FROM attempts WHERE verification_id = $1)
		ORDER BY created_at, id`, verificationID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Override
	for rows.Next() {
		o, err := store.ScanOverride(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

// UseOverride implements store.LimitQuerier: it marks the oldest pending override of rule for number used at
// t (the placement lock is held).
func (q txQuerier) UseOverride(ctx context.Context, number, rule string, t time.Time) (bool, error) {
	var id int64
	err := q.tx.QueryRow(ctx, `UPDATE overrides SET used_at = $1 WHERE used_at = 0 AND id = (SELECT id FROM overrides
		WHERE number = $2 AND rule = $3 AND used_at = 0 AND expires_at > $1 ORDER BY id LIMIT 1) RETURNING id`,
		store.Nanos(t), number, rule).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	*q.used = append(*q.used, id)
	return true, nil
}

// linkOverrides records the attempt that used the overrides of ids, in the placement's transaction.
func linkOverrides(ctx context.Context, tx pgx.Tx, ids []int64, attemptID int64) error {
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `UPDATE overrides SET attempt_id = $1 WHERE id = $2`, attemptID, id); err != nil {
			return err
		}
	}
	return nil
}
