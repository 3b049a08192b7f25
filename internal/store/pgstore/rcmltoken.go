package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// SetRCMLTokenHash gives attempt attemptID the RCML token that hashes to hash, before its call is created.
// Only an attempt still placing and without a token takes one; any other gets an error matching
// store.ErrNotFound, so a token is never moved to another call nor replaced.
func (s *Store) SetRCMLTokenHash(ctx context.Context, attemptID int64, hash store.RCMLTokenHash) error {
	return s.write(ctx, "store the RCML token", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE attempts SET rcml_path_sha256 = $1
			WHERE id = $2 AND state = $3 AND rcml_path_sha256 IS NULL`, hash[:], attemptID, string(record.StatePlacing))
		if err != nil {
			return err
		}
		return mustAffect(tag, "placing attempt without an RCML token", attemptID)
	})
}

// LiveAttemptByRCMLToken returns the attempt whose RCML token hashes to hash while its call may still be up
// (placing or live), or an error matching store.ErrNotFound: for a hash no attempt holds, and for an attempt
// that has ended, whose token is spent. Every instance sharing the database answers the same.
func (s *Store) LiveAttemptByRCMLToken(ctx context.Context, hash store.RCMLTokenHash) (*record.Attempt, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.rcml_path_sha256 = $1 AND a.state IN ($2, $3)`, hash[:], string(record.StatePlacing), string(record.StateLive))
	var a record.Attempt
	err := scanAttempt(row, &a)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound // names no attempt: the caller knows only a hash
	}
	if err != nil {
		return nil, s.wrap("find the attempt of an RCML token", err)
	}
	return &a, nil
}
