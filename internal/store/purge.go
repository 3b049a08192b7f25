package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// finalStatuses lists the final verification statuses for SQL.
const finalStatuses = `('` + string(record.StatusVerified) + `', '` + string(record.StatusFailed) + `', '` +
	string(record.StatusExpired) + `', '` + string(record.StatusCanceled) + `', '` + string(record.StatusSuperseded) + `', '` +
	string(record.StatusBlocked) + `')`

// Purge applies the retention: attempts created before before are anonymised (anonymise true) or deleted,
// and it returns how many attempts it changed. Attempts that may still hold a call (placing, live, or of
// unknown outcome still being looked up: store.LiveWhere) are left alone, and so are verifications that are
// still open; an attempt ended as unknown, its look-up over, is purged like every other finished one.
//
// Anonymising empties the customer's number of the attempts and their verifications, the attempts' error
// texts and their transitions' details (free text that may quote a number), and keeps everything else for
// statistics (country, line type, outcome, times, operator). Anonymised attempts no longer count towards
// the per-number and per-prefix limits. Deleting removes the attempts with their transitions, then the
// verifications (with their checks) that have no attempt left. The audit log is never purged: it holds no
// full number.
func (s *Store) Purge(ctx context.Context, before time.Time, anonymise bool) (int, error) {
	const op = "purge history"
	cut := nanos(before)
	var n int64
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		var (
			res sql.Result
			err error
		)
		if _, err := tx.ExecContext(ctx, PurgeOverridesSQL(anonymise), cut); err != nil {
			return err
		}
		if anonymise {
			res, err = tx.ExecContext(ctx, `UPDATE attempts SET number = '', error = ''
				WHERE created_at < ? AND number != '' AND NOT `+liveWhere, cut)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM attempts WHERE created_at < ? AND NOT `+liveWhere, cut)
		}
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if anonymise {
			if _, err := tx.ExecContext(ctx, `UPDATE transitions SET detail = '' WHERE detail != '' AND
				attempt_id IN (SELECT id FROM attempts WHERE created_at < ? AND number = '')`, cut); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE verifications SET number = ''
				WHERE created_at < ? AND number != '' AND status IN `+finalStatuses, cut)
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM verifications WHERE created_at < ? AND status IN `+finalStatuses+`
			AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.verification_id = verifications.id)`, cut)
		return err
	})
	return int(n), err
}
