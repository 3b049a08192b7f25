package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// txQuerier is the store.LimitQuerier of one placement's transaction, which holds the placement lock.
type txQuerier struct {
	s    *Store
	tx   pgx.Tx
	used *[]int64 // the overrides UseOverride used
}

// CountCalls implements store.LimitQuerier.
func (q txQuerier) CountCalls(ctx context.Context, f store.CallFilter, since time.Time) (int, error) {
	query, args := f.CountSQL(since)
	var n int
	if err := q.tx.QueryRow(ctx, rebind(query, 1), args...).Scan(&n); err != nil {
		return 0, q.s.wrap("check limits", err)
	}
	return n, nil
}

// NthCall implements store.LimitQuerier.
func (q txQuerier) NthCall(ctx context.Context, f store.CallFilter, since time.Time, n int) (time.Time, error) {
	if n < 1 {
		return time.Time{}, nil
	}
	query, args := f.NthSQL(since, n)
	var at int64
	err := q.tx.QueryRow(ctx, rebind(query, 1), args...).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, q.s.wrap("check limits", err)
	}
	return store.FromNanos(at), nil
}

// LastLocked implements store.LimitQuerier.
func (q txQuerier) LastLocked(ctx context.Context, number string) (time.Time, error) {
	var at *int64
	err := q.tx.QueryRow(ctx, `SELECT max(updated_at) FROM verifications WHERE number = $1 AND status = $2`,
		number, string(record.StatusFailed)).Scan(&at)
	if err != nil {
		return time.Time{}, q.s.wrap("check limits", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return store.FromNanos(*at), nil
}

// UndeliveredStreak implements store.LimitQuerier.
func (q txQuerier) UndeliveredStreak(ctx context.Context, number string, max int) (int, time.Time, error) {
	if max < 1 {
		return 0, time.Time{}, nil
	}
	rows, err := q.tx.Query(ctx, `SELECT outcome, no_call_reported, ended_at, updated_at FROM attempts
		WHERE number = $1 AND state = $2 ORDER BY created_at DESC, id DESC LIMIT $3`, number, string(record.StateEnded), max)
	if err != nil {
		return 0, time.Time{}, q.s.wrap("check limits", err)
	}
	defer rows.Close()
	var run store.UndeliveredRun
	for rows.Next() {
		var (
			outcome        string
			noCall         bool
			ended, updated int64
		)
		if err := rows.Scan(&outcome, &noCall, &ended, &updated); err != nil {
			return 0, time.Time{}, q.s.wrap("check limits", err)
		}
		if !run.Add(record.Outcome(outcome), noCall, store.FromNanos(ended), store.FromNanos(updated)) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return 0, time.Time{}, q.s.wrap("check limits", err)
	}
	n, last := run.Result()
	return n, last, nil
}

// BilledMinutes implements store.LimitQuerier.
func (q txQuerier) BilledMinutes(ctx context.Context, since, until time.Time) (int, error) {
	query, args := store.BilledMinutesSQL(since, until)
	var n int
	if err := q.tx.QueryRow(ctx, rebind(query, 1), args...).Scan(&n); err != nil {
		return 0, q.s.wrap("check the cost cap", err)
	}
	return n, nil
}

// InsertAttemptChecked is the write-ahead record of a call guarded by limits. In one transaction holding the
// placement lock (see the package comment) it refuses a number that has a live call (store.ErrNumberBusy),
// runs check (when not nil) against the history as it stands, then, if check returned nil, supersedes
// p.Supersede, creates or updates p.Verification, and inserts p.Attempt with its "placing" transition, its
// RCML token's hash (p.RCMLToken) and its tracker (p.Tracker), setting the IDs: one commit before the dial.
// Placements are serialised across every instance sharing the database, so concurrent callers see each
// other's attempts and the limits hold exactly.
//
// An error from check is returned unchanged, nothing is written, and the caller must not dial; it may then
// record the refusal with RecordBlocked. A p.Supersede no longer open fails the whole placement with an error
// matching store.ErrConflict. Other failures are database errors, as InsertAttempt's.
func (s *Store) InsertAttemptChecked(ctx context.Context, p store.Placement, check func(ctx context.Context, q store.LimitQuerier) error) error {
	const op = "insert attempt"
	if err := store.CheckPlacement(p); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	a, v := p.Attempt, p.Verification
	var vid, aid int64
	prevVID := a.VerificationID
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.placementKey); err != nil {
			return err
		}
		var busy bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM attempts WHERE number = $1 AND `+store.LiveWhere+`)`,
			a.Number).Scan(&busy); err != nil {
			return err
		}
		if busy {
			return &refused{store.ErrNumberBusy}
		}
		if p.CallerIDRange != "" {
			var rested bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM caller_id_rests WHERE key = $1 AND restored_at = 0)`,
				p.CallerIDRange).Scan(&rested); err != nil {
				return err
			}
			if rested {
				return &refused{store.ErrCallerIDRested}
			}
		}
		var lifted []int64
		if check != nil {
			if err := check(ctx, txQuerier{s: s, tx: tx, used: &lifted}); err != nil {
				return &refused{err}
			}
		}
		if sup := p.Supersede; sup != nil {
			tag, err := tx.Exec(ctx, `UPDATE verifications SET status = $1, updated_at = $2, reason = $3
				WHERE id = $4 AND status IN ($5, $6, $7)`, string(sup.Status), store.Nanos(sup.UpdatedAt), sup.Reason,
				sup.ID, string(record.StatusCalling), string(record.StatusAwaitingCode), string(record.StatusNotDelivered))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("supersede verification %d: %w", sup.ID, store.ErrConflict)
			}
		}
		vid = v.ID
		if vid == 0 {
			var err error
			if vid, err = insertVerificationTx(ctx, tx, v); err != nil {
				return err
			}
		} else if err := updateVerificationTx(ctx, tx, v); err != nil {
			return err
		}
		a.VerificationID = vid
		var err error
		if aid, err = insertAttemptTx(ctx, tx, a, record.StatePlacing, record.SourceCreate, ""); err != nil {
			return err
		}
		if err := linkOverrides(ctx, tx, lifted, aid); err != nil {
			return err
		}
		if p.RCMLToken != nil {
			if _, err := tx.Exec(ctx, `UPDATE attempts SET rcml_path_sha256 = $1 WHERE id = $2`, p.RCMLToken[:], aid); err != nil {
				return err
			}
		}
		if t := p.Tracker; t != nil {
			_, err = tx.Exec(ctx, `INSERT INTO trackers (attempt_id, owner, host, pid, renewed_at) VALUES ($1, $2, $3, $4, $5)`,
				aid, t.Owner, t.Host, t.PID, store.Nanos(p.TrackedAt))
		}
		return err
	})
	if err != nil {
		a.VerificationID = prevVID
		return unrefuse(err)
	}
	v.ID, a.ID = vid, aid
	return nil
}
