package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// ErrConflict means a verification to be superseded was no longer open when the write came: someone else
// changed it meanwhile.
var ErrConflict = errors.New("the verification changed meanwhile: look at it again and retry")

// CallFilter selects the calls a limit counts. Empty fields match every call.
type CallFilter struct {
	// Number matches one E.164 number exactly.
	Number string
	// Prefix matches the numbers that start with it (the per-prefix limit asks for a number's range,
	// policy.PrefixOf, which its index serves directly).
	Prefix string
	// Operator matches the calls one operator placed (as stored in Attempt.Operator).
	Operator string
	// Until, when set, matches only the calls created at or before it.
	Until time.Time
}

// LimitQuerier reads the counters that fraud limits check. InsertAttemptChecked hands one to its check
// function inside its write transaction, so no other write can come between the check and the insert.
// Calls are attempts that may have rung a phone: blocked and not-placed attempts are not counted.
type LimitQuerier interface {
	// CountCalls counts the calls matching f created strictly after since.
	CountCalls(ctx context.Context, f CallFilter, since time.Time) (int, error)
	// NthCall returns the creation time of the n-th oldest (1-based) call matching f created after since,
	// or the zero time when there are fewer.
	NthCall(ctx context.Context, f CallFilter, since time.Time, n int) (time.Time, error)
	// UndeliveredStreak looks at up to max of the newest ended calls to number and returns how many of them
	// in a row, newest first, were not delivered (busy, failed, not found, never rang, or reported as not
	// received by the customer), and when the newest of those ended.
	UndeliveredStreak(ctx context.Context, number string, max int) (int, time.Time, error)
	// LastLocked returns the UpdatedAt of the newest verification of number that failed (locked after too
	// many wrong read-backs), or the zero time.
	LastLocked(ctx context.Context, number string) (time.Time, error)
	// BilledMinutes sums the minutes billed by the calls created strictly after since and, when until is
	// set, at or before it: an answered call's minutes (rounded up, at least one), one for a call whose
	// outcome is not known yet (its worst case), none for the others.
	BilledMinutes(ctx context.Context, since, until time.Time) (int, error)
	// UseOverride uses the oldest pending override of rule for number at t, if there is one: it is marked
	// used in this transaction and linked to the attempt the placement inserts (see record.Override).
	UseOverride(ctx context.Context, number, rule string, t time.Time) (bool, error)
	// ActivePauses returns the pauses in force, oldest first, read in this transaction (a placement must not
	// wait for a second connection while it holds the placement lock).
	ActivePauses(ctx context.Context) ([]record.Pause, error)
}

// countedWhere selects the attempts that count as calls.
const countedWhere = `state NOT IN ('` + string(record.StateBlocked) + `', '` + string(record.StateNotPlaced) + `')`

// Placement is what InsertAttemptChecked writes in one transaction.
type Placement struct {
	// Verification is created when its ID is 0 (and its ID set), otherwise written over the stored one.
	Verification *record.Verification
	// Supersede, when set, is an open verification stored as given (its Status should be
	// StatusSuperseded). It must still be open in the database, or the whole placement fails with
	// ErrConflict.
	Supersede *record.Verification
	// Attempt is the write-ahead attempt (State "placing" when empty); its VerificationID and ID are set.
	Attempt *record.Attempt
	// RCMLToken, when set, is the SHA-256 of the token in the call's own RCML and callback addresses, stored
	// with the attempt (see SetRCMLTokenHash).
	RCMLToken *RCMLTokenHash
	// Tracker, when set, is recorded as the process that follows the new attempt's call, renewed at
	// TrackedAt (see ClaimTracking).
	Tracker *Tracker
	// TrackedAt is when Tracker's claim was made.
	TrackedAt time.Time
	// CallerIDRange, when set, is the range of the attempt's caller ID as a rest names it (record.Rest.Key):
	// the placement fails with ErrCallerIDRested, writing nothing, when that range is rested.
	CallerIDRange string
}

// txQuerier is the LimitQuerier of one write transaction.
type txQuerier struct {
	s    *Store
	tx   *sql.Tx
	used *[]int64 // the overrides UseOverride used
}

// CountCalls implements LimitQuerier.
func (q txQuerier) CountCalls(ctx context.Context, f CallFilter, since time.Time) (int, error) {
	query, args := f.CountSQL(since)
	var n int
	if err := q.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, q.s.wrap("check limits", err)
	}
	return n, nil
}

// NthCall implements LimitQuerier.
func (q txQuerier) NthCall(ctx context.Context, f CallFilter, since time.Time, n int) (time.Time, error) {
	if n < 1 {
		return time.Time{}, nil
	}
	query, args := f.NthSQL(since, n)
	var at int64
	err := q.tx.QueryRowContext(ctx, query, args...).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, q.s.wrap("check limits", err)
	}
	return fromNanos(at), nil
}

// LastLocked implements LimitQuerier.
func (q txQuerier) LastLocked(ctx context.Context, number string) (time.Time, error) {
	var at sql.NullInt64
	err := q.tx.QueryRowContext(ctx, `SELECT max(updated_at) FROM verifications WHERE number = ? AND status = ?`,
		number, record.StatusFailed).Scan(&at)
	if err != nil {
		return time.Time{}, q.s.wrap("check limits", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromNanos(at.Int64), nil
}

// UndeliveredStreak implements LimitQuerier.
func (q txQuerier) UndeliveredStreak(ctx context.Context, number string, max int) (int, time.Time, error) {
	if max < 1 {
		return 0, time.Time{}, nil
	}
	rows, err := q.tx.QueryContext(ctx, `SELECT outcome, no_call_reported, ended_at, updated_at FROM attempts
		WHERE number = ? AND state = ? ORDER BY created_at DESC, id DESC LIMIT ?`, number, record.StateEnded, max)
	if err != nil {
		return 0, time.Time{}, q.s.wrap("check limits", err)
	}
	defer rows.Close()
	var run UndeliveredRun
	for rows.Next() {
		var (
			outcome        record.Outcome
			noCall         bool
			ended, updated int64
		)
		if err := rows.Scan(&outcome, &noCall, &ended, &updated); err != nil {
			return 0, time.Time{}, q.s.wrap("check limits", err)
		}
		if !run.Add(outcome, noCall, fromNanos(ended), fromNanos(updated)) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return 0, time.Time{}, q.s.wrap("check limits", err)
	}
	n, last := run.Result()
	return n, last, nil
}

// ErrNumberBusy refuses an attempt to a number that already has a call being placed, live, or of unknown
// outcome still being looked up: one live call per number, decided in the transaction that writes the
// attempt, so it holds across sessions and processes.
var ErrNumberBusy = errors.New("a call to this number is already live")

// liveWhere selects the attempts that hold their number: being placed, live, or of unknown outcome and not
// yet given up on.
const liveWhere = `(state IN ('placing', 'live') OR (state = 'unknown' AND ended_at = 0))`

// refused carries the check function's error out of the transaction it rolls back.
type refused struct{ err error }

// Error returns the check's message.
func (r *refused) Error() string { return r.err.Error() }

// InsertAttemptChecked is the write-ahead record of a call guarded by limits. In one BEGIN IMMEDIATE
// transaction it runs check (when not nil) against the history as it stands, then, if check returned nil,
// supersedes p.Supersede, creates or updates p.Verification, and inserts p.Attempt with its "placing"
// transition, its RCML token's hash (p.RCMLToken) and its tracker (p.Tracker), setting the IDs: everything
// written before the call is dialled, in one commit. Writes are serialised (one connection here, the database lock between
// processes), so concurrent callers see each other's attempts and limits hold exactly.
//
// An error from check is returned unchanged, nothing is written, and the caller must not dial; it may then
// record the refusal with RecordBlocked. Other failures are database errors, as InsertAttempt's.
func (s *Store) InsertAttemptChecked(ctx context.Context, p Placement, check func(ctx context.Context, q LimitQuerier) error) error {
	const op = "insert attempt"
	if err := CheckPlacement(p); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	a, v := p.Attempt, p.Verification
	var vid, aid int64
	prevVID := a.VerificationID
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		var busy int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM attempts WHERE number = ? AND `+liveWhere,
			a.Number).Scan(&busy); err != nil {
			return err
		}
		if busy > 0 {
			return &refused{ErrNumberBusy}
		}
		if p.CallerIDRange != "" {
			var rested int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM caller_id_rests WHERE `+restedWhere,
				p.CallerIDRange).Scan(&rested); err != nil {
				return err
			}
			if rested > 0 {
				return &refused{ErrCallerIDRested}
			}
		}
		var lifted []int64
		if check != nil {
			if err := check(ctx, txQuerier{s: s, tx: tx, used: &lifted}); err != nil {
				return &refused{err}
			}
		}
		if sup := p.Supersede; sup != nil {
			res, err := tx.ExecContext(ctx, `UPDATE verifications SET status = ?, updated_at = ?, reason = ?
				WHERE id = ? AND status IN (?, ?, ?)`, sup.Status, nanos(sup.UpdatedAt), sup.Reason, sup.ID,
				record.StatusCalling, record.StatusAwaitingCode, record.StatusNotDelivered)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(err, fmt.Errorf("supersede verification %d: %w", sup.ID, ErrConflict))
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
			if _, err := tx.ExecContext(ctx, `UPDATE attempts SET rcml_path_sha256 = ? WHERE id = ?`, p.RCMLToken[:], aid); err != nil {
				return err
			}
		}
		if t := p.Tracker; t != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO trackers (attempt_id, owner, host, pid, renewed_at) VALUES (?, ?, ?, ?, ?)`,
				aid, t.Owner, t.Host, t.PID, nanos(p.TrackedAt))
		}
		return err
	})
	if err != nil {
		a.VerificationID = prevVID
		var r *refused
		if errors.As(err, &r) {
			return r.err
		}
		return err
	}
	v.ID, a.ID = vid, aid
	return nil
}
