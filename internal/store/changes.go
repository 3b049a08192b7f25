package store

import (
	"cmp"
	"context"
	"slices"
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
	// Two indexed selects (the unfinished attempts' partial index, attempts_by_update), merged here: an OR,
	// a UNION or an ORDER BY over both makes the engine scan the table.
	if c.Attempts, err = s.attempts(ctx, "read changed attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE `+unfinishedWhere); err != nil {
		return c, err
	}
	updated, err := s.attempts(ctx, "read changed attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.updated_at >= ?`, after)
	if err != nil {
		return c, err
	}
	c.Attempts = MergeAttempts(c.Attempts, updated)
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
		FROM transitions t WHERE t.attempt_id IN (SELECT id FROM attempts WHERE `+unfinishedWhere+`)
		AND t.source = ? AND t.at >= ? ORDER BY t.at, t.id`, record.SourceCallback, after)
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

// MergeAttempts returns the attempts of both lists, each once, oldest first (by creation, then ID).
func MergeAttempts(a, b []record.Attempt) []record.Attempt {
	seen := make(map[int64]bool, len(a))
	for _, x := range a {
		seen[x.ID] = true
	}
	for _, x := range b {
		if !seen[x.ID] {
			a = append(a, x)
			seen[x.ID] = true
		}
	}
	slices.SortFunc(a, func(x, y record.Attempt) int {
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return a
}
