package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Tracker names a process that follows calls: a random ID of its own (fresh every run), and where it runs.
type Tracker struct {
	// Owner is the process's random ID.
	Owner string
	// Host and PID say where it runs, so a process on the same host can tell at once that it is gone.
	Host string
	PID  int
}

// TrackerGone reports whether the tracker t, last heard of at renewed, is gone: when alive, given t's host
// and PID, says so, or when it has not renewed since staleBefore.
type TrackerGone func(t Tracker, renewed time.Time) bool

// ClaimTracking makes me the tracker of attempt attemptID, in one write transaction, unless another tracker
// holds it that gone says is still there: then it reports false and changes nothing. A tracker that already
// holds it keeps it (and renews).
func (s *Store) ClaimTracking(ctx context.Context, attemptID int64, me Tracker, now time.Time, gone TrackerGone) (bool, error) {
	claimed := false
	err := s.write(ctx, "claim the tracking of a call", func(tx *sql.Tx) error {
		var (
			cur     Tracker
			renewed int64
		)
		err := tx.QueryRowContext(ctx, `SELECT owner, host, pid, renewed_at FROM trackers WHERE attempt_id = ?`,
			attemptID).Scan(&cur.Owner, &cur.Host, &cur.PID, &renewed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case cur.Owner != me.Owner && !gone(cur, fromNanos(renewed)):
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO trackers (attempt_id, owner, host, pid, renewed_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (attempt_id) DO UPDATE SET owner = excluded.owner,
			host = excluded.host, pid = excluded.pid, renewed_at = excluded.renewed_at`,
			attemptID, me.Owner, me.Host, me.PID, nanos(now))
		claimed = err == nil
		return err
	})
	return claimed, err
}

// RenewTracking tells the others that owner is still there, for every unfinished call it tracks, and
// forgets its claims on calls that have ended.
func (s *Store) RenewTracking(ctx context.Context, owner string, now time.Time) error {
	return s.write(ctx, "renew the tracking of calls", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM trackers WHERE owner = ? AND attempt_id NOT IN
			(SELECT id FROM attempts WHERE `+unfinishedWhere+`)`, owner); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE trackers SET renewed_at = ? WHERE owner = ?`, nanos(now), owner)
		return err
	})
}

// ReleaseTracking gives up owner's tracking of attempt attemptID (0: of every attempt), so the next process
// need not wait to take it over.
func (s *Store) ReleaseTracking(ctx context.Context, attemptID int64, owner string) error {
	return s.write(ctx, "release the tracking of calls", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM trackers WHERE owner = ? AND (? = 0 OR attempt_id = ?)`,
			owner, attemptID, attemptID)
		return err
	})
}

// TrackedBy returns the attempts owner holds in the trackers table: after a renewal, a process compares them
// with the calls it follows, and stops following those another process has taken over.
func (s *Store) TrackedBy(ctx context.Context, owner string) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT attempt_id FROM trackers WHERE owner = ? ORDER BY attempt_id`, owner)
	if err != nil {
		return nil, s.wrap("list tracked calls", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap("list tracked calls", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list tracked calls", err)
	}
	return out, nil
}
