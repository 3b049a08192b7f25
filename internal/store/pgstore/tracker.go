package pgstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/store"
)

// ClaimTracking makes me the tracker of attempt attemptID, in one transaction holding the attempt's tracking
// lock (an advisory lock keyed on its ID, taken whether or not a tracker row exists yet), unless another
// tracker holds it that gone says is still there: then it reports false and changes nothing. A tracker that
// already holds it keeps it (and renews). Two instances claiming one call at once are serialised by the lock,
// so only one of them gets it.
func (s *Store) ClaimTracking(ctx context.Context, attemptID int64, me store.Tracker, now time.Time, gone store.TrackerGone) (bool, error) {
	claimed := false
	err := s.write(ctx, "claim the tracking of a call", func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.lockKey("tracking", strconv.FormatInt(attemptID, 10))); err != nil {
			return err
		}
		var (
			cur     store.Tracker
			renewed int64
		)
		err := tx.QueryRow(ctx, `SELECT owner, host, pid, renewed_at FROM trackers WHERE attempt_id = $1`,
			attemptID).Scan(&cur.Owner, &cur.Host, &cur.PID, &renewed)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case cur.Owner != me.Owner && !gone(cur, store.FromNanos(renewed)):
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO trackers (attempt_id, owner, host, pid, renewed_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (attempt_id) DO UPDATE SET owner = excluded.owner,
			host = excluded.host, pid = excluded.pid, renewed_at = excluded.renewed_at`,
			attemptID, me.Owner, me.Host, me.PID, store.Nanos(now))
		claimed = err == nil
		return err
	})
	return claimed, err
}

// RenewTracking tells the others that owner is still there, for every unfinished call it tracks, and
// forgets its claims on calls that have ended.
func (s *Store) RenewTracking(ctx context.Context, owner string, now time.Time) error {
	return s.write(ctx, "renew the tracking of calls", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM trackers WHERE owner = $1 AND attempt_id NOT IN
			(SELECT id FROM attempts WHERE `+store.UnfinishedWhere+`)`, owner); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE trackers SET renewed_at = $1 WHERE owner = $2`, store.Nanos(now), owner)
		return err
	})
}

// ReleaseTracking gives up owner's tracking of attempt attemptID (0: of every attempt), so the next process
// need not wait to take it over.
func (s *Store) ReleaseTracking(ctx context.Context, attemptID int64, owner string) error {
	return s.write(ctx, "release the tracking of calls", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM trackers WHERE owner = $1 AND ($2::bigint = 0 OR attempt_id = $2::bigint)`, owner, attemptID)
		return err
	})
}
