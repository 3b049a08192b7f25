package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Verification statuses.
const (
	// StatusCalling: an attempt is being placed or is live.
	StatusCalling = "calling"
	// StatusAwaitingCode: the call was delivered or answered; the operator waits for the read-back.
	StatusAwaitingCode = "awaiting-code"
	// StatusNotDelivered: the last call did not reach the phone; a retry is possible.
	StatusNotDelivered = "not-delivered"
	// StatusVerified: the customer read back the right code.
	StatusVerified = "verified"
	// StatusFailed: too many wrong read-backs.
	StatusFailed = "failed"
	// StatusExpired: the verification window passed.
	StatusExpired = "expired"
	// StatusCanceled: the operator canceled the verification.
	StatusCanceled = "canceled"
	// StatusSuperseded: a newer verification for the same number replaced this one.
	StatusSuperseded = "superseded"
	// StatusBlocked: refused by policy.
	StatusBlocked = "blocked"
)

// FinalStatus reports whether a verification status is final (verified, failed, expired, canceled, superseded
// or blocked).
func FinalStatus(status string) bool {
	switch status {
	case StatusVerified, StatusFailed, StatusExpired, StatusCanceled, StatusSuperseded, StatusBlocked:
		return true
	}
	return false
}

// validStatus reports whether status is one of the verification statuses.
func validStatus(status string) bool {
	switch status {
	case StatusCalling, StatusAwaitingCode, StatusNotDelivered:
		return true
	}
	return FinalStatus(status)
}

// Verification is one attempt to prove that a customer holds a number; it may span several calls (Attempts).
type Verification struct {
	// ID is set by CreateVerification.
	ID int64
	// Number is the E.164 number being verified; Country its ISO region.
	Number, Country string
	// Operator is who started the verification.
	Operator string
	// CreatedAt, UpdatedAt and ExpiresAt are set by the caller; the store keeps no clock.
	CreatedAt, UpdatedAt, ExpiresAt time.Time
	// Status is one of the Status constants.
	Status string
	// Checks is how many read-backs were made; MaxChecks how many are allowed.
	Checks, MaxChecks int
	// Reason explains a final status (e.g. the policy rule that blocked it).
	Reason string
}

const verificationColumns = `id, number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason`

func (v *Verification) validate() error {
	if v.Number == "" {
		return errors.New("verification has no number")
	}
	if !validStatus(v.Status) {
		return fmt.Errorf("unknown verification status %q", v.Status)
	}
	return nil
}

// CreateVerification stores v and sets v.ID.
func (s *Store) CreateVerification(ctx context.Context, v *Verification) error {
	const op = "create verification"
	if err := v.validate(); err != nil {
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
func insertVerificationTx(ctx context.Context, tx *sql.Tx, v *Verification) (int64, error) {
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
func (s *Store) UpdateVerification(ctx context.Context, v *Verification) error {
	const op = "update verification"
	if err := v.validate(); err != nil {
		return fmt.Errorf("%s %d: %w", op, v.ID, err)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error { return updateVerificationTx(ctx, tx, v) })
}

// updateVerificationTx writes every field of v over the stored verification v.ID in tx.
func updateVerificationTx(ctx context.Context, tx *sql.Tx, v *Verification) error {
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
func (s *Store) GetVerification(ctx context.Context, id int64) (*Verification, error) {
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
func (s *Store) OpenVerificationFor(ctx context.Context, number string) (*Verification, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications
		WHERE number = ? AND status NOT IN (?, ?, ?, ?, ?, ?)
		ORDER BY created_at DESC, id DESC LIMIT 1`,
		number, StatusVerified, StatusFailed, StatusExpired, StatusCanceled, StatusSuperseded, StatusBlocked)
	v, err := scanVerification(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("find open verification", err)
	}
	return v, nil
}

func scanVerification(row scanner) (*Verification, error) {
	var (
		v                         Verification
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
