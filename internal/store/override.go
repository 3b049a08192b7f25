package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Overrides (schema 14): a supervisor lifts one rule for one number, once. A placement uses an override
// inside its own write transaction (LimitQuerier.UseOverride), which also links it to the attempt it
// inserts, so two placements can never both use one override.

// ErrOverridePending is returned by AddOverride when the number already has an unused override of that
// rule that has not lapsed.
var ErrOverridePending = errors.New("an override of this rule for this number is waiting to be used")

// OverrideColumns are an override's columns in record.Override's order, for both engines.
const OverrideColumns = `id, number, rule, reason, given_by, verification_id, created_at, expires_at, used_at, attempt_id`

// ScanOverride reads one row of OverrideColumns (both engines).
func ScanOverride(sc interface{ Scan(dest ...any) error }) (*record.Override, error) {
	var (
		o                      record.Override
		created, expires, used int64
	)
	if err := sc.Scan(&o.ID, &o.Number, &o.Rule, &o.Reason, &o.By, &o.VerificationID, &created, &expires, &used,
		&o.AttemptID); err != nil {
		return nil, err
	}
	o.CreatedAt, o.ExpiresAt, o.UsedAt = fromNanos(created), fromNanos(expires), fromNanos(used)
	return &o, nil
}

// CheckOverride refuses an override that could not be used: no number, no rule, no reason, or one that
// lapses before it is given.
func CheckOverride(o *record.Override) error {
	switch {
	case o.Number == "" || o.Rule == "":
		return errors.New("an override needs a number and a rule")
	case strings.TrimSpace(o.Reason) == "":
		return errors.New("an override needs a reason")
	case !o.ExpiresAt.After(o.CreatedAt):
		return errors.New("an override must hold for some time after it is given")
	}
	return nil
}

// AddOverride records o (its ID and VerificationID set: the number's newest verification), unless the number
// has a pending override of that rule already: then it returns that one and ErrOverridePending.
func (s *Store) AddOverride(ctx context.Context, o *record.Override) error {
	const op = "record override"
	if err := CheckOverride(o); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var existing *record.Override
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		e, err := ScanOverride(tx.QueryRowContext(ctx, `SELECT `+OverrideColumns+` FROM overrides
			WHERE number = ? AND rule = ? AND used_at = 0 AND expires_at > ? ORDER BY id LIMIT 1`,
			o.Number, o.Rule, nanos(o.CreatedAt)))
		switch {
		case err == nil:
			existing = e
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var vid int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM verifications WHERE number = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
			o.Number).Scan(&vid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO overrides (number, rule, reason, given_by, verification_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, o.Number, o.Rule, o.Reason, o.By, vid, nanos(o.CreatedAt), nanos(o.ExpiresAt))
		if err != nil {
			return err
		}
		o.VerificationID = vid
		o.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	if existing != nil {
		*o = *existing
		return fmt.Errorf("%s %s: %w", op, o.Rule, ErrOverridePending)
	}
	return nil
}

// PendingOverride returns the oldest override of rule for number that may still be used at t, or nil.
func (s *Store) PendingOverride(ctx context.Context, number, rule string, t time.Time) (*record.Override, error) {
	const op = "read override"
	o, err := ScanOverride(s.r.QueryRowContext(ctx, `SELECT `+OverrideColumns+` FROM overrides
		WHERE number = ? AND rule = ? AND used_at = 0 AND expires_at > ? ORDER BY id LIMIT 1`, number, rule, nanos(t)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, s.wrap(op, err)
	}
	return o, nil
}

// OverridesOf returns the overrides given on a verification or used by one of its attempts, oldest first.
func (s *Store) OverridesOf(ctx context.Context, verificationID int64) ([]record.Override, error) {
	const op = "read overrides"
	rows, err := s.r.QueryContext(ctx, `SELECT `+OverrideColumns+` FROM overrides WHERE verification_id = ?
		UNION SELECT `+OverrideColumns+` FROM overrides WHERE attempt_id IN (SELECT id FROM attempts WHERE verification_id = ?)
		ORDER BY created_at, id`, verificationID, verificationID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Override
	for rows.Next() {
		o, err := ScanOverride(rows)
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

// PurgeOverridesSQL is the retention of overrides created before a cut (one placeholder), for both engines:
// anonymised, their number emptied (the timeline keeps them); deleted otherwise. An override holds for
// minutes, so none that could still be used is touched.
func PurgeOverridesSQL(anonymise bool) string {
	if anonymise {
		return `UPDATE overrides SET number = '' WHERE created_at < ? AND number != ''`
	}
	return `DELETE FROM overrides WHERE created_at < ?`
}

// UseOverride implements LimitQuerier: it marks the oldest pending override of rule for number used at t.
func (q txQuerier) UseOverride(ctx context.Context, number, rule string, t time.Time) (bool, error) {
	var id int64
	err := q.tx.QueryRowContext(ctx, `UPDATE overrides SET used_at = ? WHERE used_at = 0 AND id = (SELECT id FROM overrides
		WHERE number = ? AND rule = ? AND used_at = 0 AND expires_at > ? ORDER BY id LIMIT 1) RETURNING id`,
		nanos(t), number, rule, nanos(t)).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	*q.used = append(*q.used, id)
	return true, nil
}

// linkOverrides records the attempt that used the overrides of ids, in the placement's transaction.
func linkOverrides(ctx context.Context, tx *sql.Tx, ids []int64, attemptID int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE overrides SET attempt_id = ? WHERE id = ?`, attemptID, id); err != nil {
			return err
		}
	}
	return nil
}
