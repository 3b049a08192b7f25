package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"

	"github.com/flashcall/flashcall/internal/record"
)

// RCMLTokenHash is the SHA-256 of the token in a call's RCML address: the store keeps the hash, never the
// token, so the database cannot be read for the code of a live call.
type RCMLTokenHash [sha256.Size]byte

// SetRCMLTokenHash gives attempt attemptID the RCML token that hashes to hash, before its call is created.
// Only an attempt still placing and without a token takes one; any other gets an error matching ErrNotFound,
// so a token is never moved to another call nor replaced.
func (s *Store) SetRCMLTokenHash(ctx context.Context, attemptID int64, hash RCMLTokenHash) error {
	return s.write(ctx, "store the RCML token", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET rcml_path_sha256 = ?
			WHERE id = ? AND state = ? AND rcml_path_sha256 IS NULL`, hash[:], attemptID, record.StatePlacing)
		if err != nil {
			return err
		}
		return mustAffect(res, "placing attempt without an RCML token", attemptID)
	})
}

// LiveAttemptByRCMLToken returns the attempt whose RCML token hashes to hash while its call may still be up
// (placing or live), or an error matching ErrNotFound: for a hash no attempt holds, and for an attempt that
// has ended, whose token is spent. It reads through the index on the hash; any process sharing the
// database answers the same.
func (s *Store) LiveAttemptByRCMLToken(ctx context.Context, hash RCMLTokenHash) (*record.Attempt, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.rcml_path_sha256 = ? AND a.state IN (?, ?)`, hash[:], record.StatePlacing, record.StateLive)
	var a record.Attempt
	err := scanAttempt(row, &a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound // names no attempt: the caller knows only a hash
	}
	if err != nil {
		return nil, s.wrap("find the attempt of an RCML token", err)
	}
	return &a, nil
}
