package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

const verificationColumns = `id, number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason`

// CreateVerification stores v and sets v.ID.
func (s *Store) CreateVerification(ctx context.Context, v *record.Verification) error {
	const op = "create verification"
	if err := store.CheckVerification(v); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var id int64
	err := s.write(ctx, op, func(tx pgx.Tx) error {
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
func insertVerificationTx(ctx context.Context, tx pgx.Tx, v *record.Verification) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO verifications
		(number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		v.Number, v.Country, v.Operator, store.Nanos(v.CreatedAt), store.Nanos(v.UpdatedAt),
		store.Nanos(v.ExpiresAt), string(v.Status), v.Checks, v.MaxChecks, v.Reason).Scan(&id)
	return id, err
}

// UpdateVerification writes every field of v over the stored verification v.ID.
func (s *Store) UpdateVerification(ctx context.Context, v *record.Verification) error {
	const op = "update verification"
	if err := store.CheckVerification(v); err != nil {
		return fmt.Errorf("%s %d: %w", op, v.ID, err)
	}
	return s.write(ctx, op, func(tx pgx.Tx) error { return updateVerificationTx(ctx, tx, v) })
}

// updateVerificationTx writes every field of v over the stored verification v.ID in tx.
func updateVerificationTx(ctx context.Context, tx pgx.Tx, v *record.Verification) error {
	tag, err := tx.Exec(ctx, `UPDATE verifications SET
		number = $1, country = $2, operator = $3, created_at = $4, updated_at = $5, expires_at = $6,
		status = $7, checks = $8, max_checks = $9, reason = $10
		WHERE id = $11`,
		v.Number, v.Country, v.Operator, store.Nanos(v.CreatedAt), store.Nanos(v.UpdatedAt),
		store.Nanos(v.ExpiresAt), string(v.Status), v.Checks, v.MaxChecks, v.Reason, v.ID)
	if err != nil {
		return err
	}
	return mustAffect(tag, "verification", v.ID)
}

// GetVerification returns verification id, or an error matching store.ErrNotFound.
func (s *Store) GetVerification(ctx context.Context, id int64) (*record.Verification, error) {
	v, err := scanVerification(s.pool.QueryRow(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
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
	v, err := scanVerification(s.pool.QueryRow(ctx, `SELECT `+verificationColumns+` FROM verifications
		WHERE number = $1 AND status NOT IN `+store.FinalStatuses+`
		ORDER BY created_at DESC, id DESC LIMIT 1`, number))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("find open verification", err)
	}
	return v, nil
}

// OpenVerifications returns every verification whose status is not final, oldest first. The verify service
// re-arms their expiry timers at start-up.
func (s *Store) OpenVerifications(ctx context.Context) ([]record.Verification, error) {
	const op = "list open verifications"
	rows, err := s.pool.Query(ctx, `SELECT `+verificationColumns+` FROM verifications
		WHERE status NOT IN `+store.FinalStatuses+` ORDER BY created_at, id`)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Verification
	for rows.Next() {
		v, err := scanVerification(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

func scanVerification(row pgx.Row) (*record.Verification, error) {
	var (
		v                         record.Verification
		created, updated, expires int64
		status                    string
	)
	err := row.Scan(&v.ID, &v.Number, &v.Country, &v.Operator, &created, &updated, &expires,
		&status, &v.Checks, &v.MaxChecks, &v.Reason)
	if err != nil {
		return nil, err
	}
	v.Status = record.Status(status)
	v.CreatedAt, v.UpdatedAt, v.ExpiresAt = store.FromNanos(created), store.FromNanos(updated), store.FromNanos(expires)
	return &v, nil
}
