package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/flashcall/flashcall/internal/store"
)

// Purge applies the retention: attempts created before before are anonymised (anonymise true) or deleted,
// and it returns how many attempts it changed. Attempts that may still hold a call (placing, live, or of
// unknown outcome still being looked up: store.LiveWhere) are left alone, and so are verifications that are
// still open; an attempt ended as unknown, its look-up over, is purged like every other finished one.
//
// Anonymising empties the customer's number of the attempts and their verifications, the attempts' error
// texts and their transitions' details (free text that may quote a number), and keeps everything else for
// statistics. Anonymised attempts no longer count towards the per-number and per-prefix limits. Deleting
// removes the attempts with their transitions, then the verifications (with their checks) that have no
// attempt left. The audit log is never purged: it holds no full number.
func (s *Store) Purge(ctx context.Context, before time.Time, anonymise bool) (int, error) {
	const op = "purge history"
	cut := store.Nanos(before)
	var n int64
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		var (
			tag pgconn.CommandTag
			err error
		)
		if _, err := tx.Exec(ctx, rebind(store.PurgeOverridesSQL(anonymise), 1), cut); err != nil {
			return err
		}
		if anonymise {
			tag, err = tx.Exec(ctx, `UPDATE attempts SET number = '', error = ''
				WHERE created_at < $1 AND number <> '' AND NOT `+store.LiveWhere, cut)
		} else {
			tag, err = tx.Exec(ctx, `DELETE FROM attempts WHERE created_at < $1 AND NOT `+store.LiveWhere, cut)
		}
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if anonymise {
			if _, err := tx.Exec(ctx, `UPDATE transitions SET detail = '' WHERE detail <> '' AND
				attempt_id IN (SELECT id FROM attempts WHERE created_at < $1 AND number = '')`, cut); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE verifications SET number = ''
				WHERE created_at < $1 AND number <> '' AND status IN `+store.FinalStatuses, cut)
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM verifications WHERE created_at < $1 AND status IN `+store.FinalStatuses+`
			AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.verification_id = verifications.id)`, cut)
		return err
	})
	return int(n), err
}
