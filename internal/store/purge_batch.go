package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// RetentionMode names a retention's high-water mark: anonymising and deleting keep a mark each.
func RetentionMode(anonymise bool) string {
	if anonymise {
		return "anonymise"
	}
	return "delete"
}

// SQL both engines run for PurgeBatch ("?" placeholders). A batch is the attempts lo..hi by ID: all created
// before the cut, none holding a call.
const (
	// PurgeMarkSQL reads a mode's high-water mark.
	PurgeMarkSQL = `SELECT last_attempt FROM retention_mark WHERE mode = ?`
	// PurgeScanSQL lists the attempts after the mark, oldest first: ID, creation, whether it holds a call.
	PurgeScanSQL = `SELECT id, created_at, ` + liveWhere + ` FROM attempts WHERE id > ? ORDER BY id LIMIT ?`
	// PurgeSaveSQL saves a mode's high-water mark.
	PurgeSaveSQL = `INSERT INTO retention_mark (mode, last_attempt) VALUES (?, ?)
		ON CONFLICT (mode) DO UPDATE SET last_attempt = excluded.last_attempt`
	// PurgeVerificationsSQL lists the verifications of a batch.
	PurgeVerificationsSQL = `SELECT DISTINCT verification_id FROM attempts WHERE id BETWEEN ? AND ? AND verification_id IS NOT NULL`
	// PurgeDeleteAttemptsSQL deletes a batch (its transitions go with it).
	PurgeDeleteAttemptsSQL = `DELETE FROM attempts WHERE id BETWEEN ? AND ?`
)

// PurgeAnonymiseSQL empties the numbers and error texts of a batch's attempts (the first statement, whose
// count is the batch's), the details of their transitions and the numbers of their final verifications;
// each takes lo, hi.
var PurgeAnonymiseSQL = []string{
	`UPDATE attempts SET number = '', error = '' WHERE id BETWEEN ? AND ? AND number != ''`,
	`UPDATE transitions SET detail = '' WHERE attempt_id BETWEEN ? AND ? AND detail != ''`,
	`UPDATE verifications SET number = '' WHERE number != '' AND status IN ` + finalStatuses + `
		AND id IN (SELECT verification_id FROM attempts WHERE id BETWEEN ? AND ?)`,
}

// PurgeDeleteVerificationsSQL deletes, among n verifications (IDs as arguments), the final ones left without
// attempts.
func PurgeDeleteVerificationsSQL(n int) string {
	return `DELETE FROM verifications WHERE id IN (?` + strings.Repeat(`, ?`, n-1) + `) AND status IN ` + finalStatuses + `
		AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.verification_id = verifications.id)`
}

// PurgeBatchLimit is how many attempts a retention batch takes at most: one short write transaction (tens of
// milliseconds with a million attempts, cold), so a placement waiting for the write lock waits no longer.
const PurgeBatchLimit = 100

// PurgeBatch applies the retention (see Purge) to at most limit attempts in one short write transaction,
// going on from the mode's saved high-water mark, oldest first by ID, and saves the mark in the same
// transaction: each run does the work of the attempts that aged out since the last, never the whole history
// again. It stops at the first attempt created at or after before (more is false then), and at one that may
// still hold a call (store.LiveWhere): that one and those after it wait for a later run. n is how many
// attempts it changed.
func (s *Store) PurgeBatch(ctx context.Context, before time.Time, anonymise bool, limit int) (n int, more bool, err error) {
	mode := RetentionMode(anonymise)
	err = s.write(ctx, "purge history", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, PurgeOverridesSQL(anonymise), nanos(before)); err != nil {
			return err
		}
		var mark int64
		if err := tx.QueryRowContext(ctx, PurgeMarkSQL, mode).Scan(&mark); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		rows, err := tx.QueryContext(ctx, PurgeScanSQL, mark, limit)
		if err != nil {
			return err
		}
		var run PurgeRun
		for rows.Next() {
			var (
				id, created int64
				live        bool
			)
			if err := rows.Scan(&id, &created, &live); err != nil {
				rows.Close()
				return err
			}
			if !run.Add(id, created, live, nanos(before)) {
				break
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more = run.More(limit)
		if run.Empty() {
			return nil
		}
		lo, hi := run.Range()
		if anonymise {
			for i, q := range PurgeAnonymiseSQL {
				res, err := tx.ExecContext(ctx, q, lo, hi)
				if err != nil {
					return err
				}
				if i == 0 {
					c, err := res.RowsAffected()
					if err != nil {
						return err
					}
					n = int(c)
				}
			}
		} else {
			var vids []any
			vrows, err := tx.QueryContext(ctx, PurgeVerificationsSQL, lo, hi)
			if err != nil {
				return err
			}
			for vrows.Next() {
				var id int64
				if err := vrows.Scan(&id); err != nil {
					vrows.Close()
					return err
				}
				vids = append(vids, id)
			}
			vrows.Close()
			if err := vrows.Err(); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, PurgeDeleteAttemptsSQL, lo, hi)
			if err != nil {
				return err
			}
			c, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n = int(c)
			if len(vids) > 0 {
				if _, err := tx.ExecContext(ctx, PurgeDeleteVerificationsSQL(len(vids)), vids...); err != nil {
					return err
				}
			}
		}
		_, err = tx.ExecContext(ctx, PurgeSaveSQL, mode, hi)
		return err
	})
	return n, more, err
}

// PurgeRun folds the attempts after a retention mark, oldest first, into the batch PurgeBatch takes: those
// before the cut up to the first that is not, or that may still hold a call. The zero value is empty.
type PurgeRun struct {
	lo, hi  int64
	seen    int
	stopped bool
}

// Add takes the next attempt and reports whether the batch may go on.
func (r *PurgeRun) Add(id, createdNanos int64, live bool, cutNanos int64) bool {
	r.seen++
	if createdNanos >= cutNanos || live {
		r.stopped = true
		return false
	}
	if r.lo == 0 {
		r.lo = id
	}
	r.hi = id
	return true
}

// Empty reports whether the batch holds no attempt.
func (r *PurgeRun) Empty() bool { return r.hi == 0 }

// Range returns the batch's first and last attempt IDs.
func (r *PurgeRun) Range() (lo, hi int64) { return r.lo, r.hi }

// More reports whether attempts after the batch may be due too: it was full and nothing stopped it.
func (r *PurgeRun) More(limit int) bool { return !r.stopped && r.seen == limit }
