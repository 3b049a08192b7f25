package store

import (
	"context"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// ChangedSince returns the rows another process may have changed for the screens: every unfinished attempt,
// the attempts and verifications updated at or after since, and the callbacks recorded since for unfinished
// attempts. Each process calls it once a poll interval with since a little in the past (see verify's feed), so
// the unfinished set is always complete and a row committed late is still seen.
func (s *Store) ChangedSince(ctx context.Context, since time.Time) (Changes, error) {
	var c Changes
	var err error
	after := sinceNanos(since)
	c.Attempts, err = s.attempts(ctx, "read changed attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.`+unfinishedWhere+` OR a.updated_at >= ? ORDER BY a.created_at, a.id`, after)
	if err != nil {
		return c, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE updated_at >= ?
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
	trs, err := s.r.QueryContext(ctx, `SELECT t.id, t.attempt_id, t.at, t.status, t.source, t.detail
		FROM attempts a JOIN transitions t ON t.attempt_id = a.id
		WHERE a.`+unfinishedWhere+` AND t.source = ? AND t.at >= ? ORDER BY t.at, t.id`, record.SourceCallback, after)
	if err != nil {
		return c, s.wrap("read recorded callbacks", err)
	}
	defer trs.Close()
	for trs.Next() {
		var (
			t  record.Transition
			at int64
		)
		if err := trs.Scan(&t.ID, &t.AttemptID, &at, &t.Status, &t.Source, &t.Detail); err != nil {
			return c, s.wrap("read recorded callbacks", err)
		}
		t.At = fromNanos(at)
		c.Callbacks = append(c.Callbacks, t)
	}
	if err := trs.Err(); err != nil {
		return c, s.wrap("read recorded callbacks", err)
	}
	return c, nil
}
