package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// RecordBlocked records a refused call in one transaction: v, when its ID is 0, is created first (normally
// with StatusBlocked and the refusal as Reason); an existing v is only linked to; a nil v leaves the
// attempt without a verification. The attempt is stored with State StateBlocked and a first transition
// {Status: "blocked", Source: "policy", Detail: a.Error}; a.ID and a.VerificationID are set. Blocked
// attempts never count towards the limits, so no lock is taken.
func (s *Store) RecordBlocked(ctx context.Context, v *record.Verification, a *record.Attempt) error {
	const op = "record blocked attempt"
	if v != nil && v.ID == 0 {
		if err := store.CheckVerification(v); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	a.State = record.StateBlocked
	var vid, aid int64
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if v != nil {
			vid = v.ID
			if vid == 0 {
				var err error
				if vid, err = insertVerificationTx(ctx, tx, v); err != nil {
					return err
				}
			}
		}
		b := *a
		b.VerificationID = vid
		var err error
		aid, err = insertAttemptTx(ctx, tx, &b, record.StateBlocked, record.SourcePolicy, a.Error)
		return err
	})
	if err != nil {
		return err
	}
	if v != nil {
		v.ID = vid
	}
	a.ID, a.VerificationID = aid, vid
	return nil
}
