package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

const verificationColumns = `id, number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason`

// validVerification refuses a verification without a number or with a status that is not one.
func validVerification(v *record.Verification) error {
	if v.Number == "" {
		return errors.New("verification has no number")
	}
	if !v.Status.Valid() {
		return fmt.Errorf("unknown verification status %q", v.Status)
	}
	return nil
}

// CreateVerification stores v and sets v.ID.
func (s *Store) CreateVerification(ctx context.Context, v *record.Verification) error {
	const op = "create verification"
	if err := validVerification(v); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var id int64
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		var err error
		id, err = insertVerificationTx(ctx, tx, v)
		return err
	})
	if err != nil {
		return err
	}
	v.ID = id
	return nil
}

// insertVerificationTx inserts v in tx and returns its new ID.
func insertVerificationTx(ctx context.Context, tx *sql.Tx, v *record.Verification) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO verifications
		(number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Number, v.Country, v.Operator, nanos(v.CreatedAt), nanos(v.UpdatedAt), nanos(v.ExpiresAt),
		v.Status, v.Checks, v.MaxChecks, v.Reason)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// UpdateVerification writes every field of v over the stored verification v.ID.
func (s *Store) UpdateVerification(ctx context.Context, v *record.Verification) error {
	const op = "update verification"
	if err := validVerification(v); err != nil {
		return fmt.Errorf("%s %d: %w", op, v.ID, err)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error { return updateVerificationTx(ctx, tx, v) })
}

// updateVerificationTx writes every field of v over the stored verification v.ID in tx.
func updateVerificationTx(ctx context.Context, tx *sql.Tx, v *record.Verification) error {
	res, err := tx.ExecContext(ctx, `UPDATE verifications SET
		number = ?, country = ?, operator = ?, created_at = ?, updated_at = ?, expires_at = ?,
		status = ?, checks = ?, max_checks = ?, reason = ?
		WHERE id = ?`,
		v.Number, v.Country, v.Operator, nanos(v.CreatedAt), nanos(v.UpdatedAt), nanos(v.ExpiresAt),
		v.Status, v.Checks, v.MaxChecks, v.Reason, v.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "verification", v.ID)
}

// GetVerification returns verification id, or an error matching ErrNotFound.
func (s *Store) GetVerification(ctx context.Context, id int64) (*record.Verification, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE id = ?`, id)
	v, err := scanVerification(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("verification", id)
	}
	if err != nil {
		return nil, s.wrap("get verification", err)
	}
	return v, nil
}

// OpenVerificationFor returns the newest verification of number whose status is not final, or nil and no error
// when there is none. Expiry is the caller's business: the store keeps no clock.
func (s *Store) OpenVerificationFor(ctx context.Context, number string) (*record.Verification, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications
		WHERE number = ? AND status NOT IN (?, ?, ?, ?, ?, ?)
		ORDER BY created_at DESC, id DESC LIMIT 1`,
		number, record.StatusVerified, record.StatusFailed, record.StatusExpired, record.StatusCanceled, record.StatusSuperseded, record.StatusBlocked)
	v, err := scanVerification(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("find open verification", err)
	}
	return v, nil
}

func scanVerification(row scanner) (*record.Verification, error) {
	var (
		v                         record.Verification
		created, updated, expires int64
	)
	err := row.Scan(&v.ID, &v.Number, &v.Country, &v.Operator, &created, &updated, &expires,
		&v.Status, &v.Checks, &v.MaxChecks, &v.Reason)
	if err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt, v.ExpiresAt = fromNanos(created), fromNanos(updated), fromNanos(expires)
	return &v, nil
}
