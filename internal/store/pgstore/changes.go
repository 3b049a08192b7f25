package pgstore

import (
	"context"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// ChangedSince returns the rows another instance may have changed for the screens: every unfinished attempt,
// the attempts and verifications updated at or after since, and the callbacks recorded since for unfinished
// attempts (store.Store.ChangedSince says how the feed uses it).
func (s *Store) ChangedSince(ctx context.Context, since time.Time) (store.Changes, error) {
	var c store.Changes
	var err error
	after := store.SinceNanos(since)
	// Two indexed selects, merged here (store.Store.ChangedSince says why).
	if c.Attempts, err = s.attempts(ctx, "read changed attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE `+store.UnfinishedWhere); err != nil {
		return c, err
	}
	updated, err := s.attempts(ctx, "read changed attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.updated_at >= $1`, after)
	if err != nil {
		return c, err
	}
	c.Attempts = store.MergeAttempts(c.Attempts, updated)
	rows, err := s.pool.Query(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE updated_at >= $1
		ORDER BY updated_at, id`, after)
	if err != nil {
		return c, s.wrap("read changed verifications", err)
	}
	for rows.Next() {
		v, err := scanVerification(rows)
		if err != nil {
			rows.Close()
			return c, s.wrap("read changed verifications", err)
		}
		c.Verifications = append(c.Verifications, *v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, s.wrap("read changed verifications", err)
	}
	trs, err := s.pool.Query(ctx, `SELECT t.id, t.attempt_id, t.at, t.status, t.source, t.detail
		FROM transitions t WHERE t.attempt_id IN (SELECT id FROM attempts WHERE `+store.UnfinishedWhere+`)
		AND t.source = $1 AND t.at >= $2 ORDER BY t.at, t.id`,
		string(record.SourceCallback), after)
	if err != nil {
		return c, s.wrap("read recorded callbacks", err)
	}
	defer trs.Close()
	for trs.Next() {
		var (
			t      record.Transition
			at     int64
			source string
		)
		if err := trs.Scan(&t.ID, &t.AttemptID, &at, &t.Status, &source, &t.Detail); err != nil {
			return c, s.wrap("read recorded callbacks", err)
		}
		t.At, t.Source = store.FromNanos(at), record.Source(source)
		c.Callbacks = append(c.Callbacks, t)
	}
	if err := trs.Err(); err != nil {
		return c, s.wrap("read recorded callbacks", err)
	}
	return c, nil
}
