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

// pauseColumns are a pause's columns in record.Pause's order.
const pauseColumns = `id, scope, key, alarm, reason, created_at, resumed_at, resumed_by`

// scanPause reads one row of pauseColumns.
func scanPause(row pgx.Row) (*record.Pause, error) {
	var (
		p                record.Pause
		scope            string
		created, resumed int64
	)
	if err := row.Scan(&p.ID, &scope, &p.Key, &p.Alarm, &p.Reason, &created, &resumed, &p.ResumedBy); err != nil {
		return nil, err
	}
	p.Scope, p.CreatedAt, p.ResumedAt = record.PauseScope(scope), store.FromNanos(created), store.FromNanos(resumed)
	return &p, nil
}

// AddPause records p (with its ID set), unless its scope and key are paused already: then it returns the
// pause in force and store.ErrPaused. Instances raising the same alarm at once pause it once (the unique
// index of pauses in force decides).
func (s *Store) AddPause(ctx context.Context, p *record.Pause) error {
	const op = "record pause"
	var existing *record.Pause
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO pauses (scope, key, alarm, reason, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (scope, key) WHERE resumed_at = 0 DO NOTHING RETURNING id`,
			string(p.Scope), p.Key, p.Alarm, p.Reason, store.Nanos(p.CreatedAt)).Scan(&p.ID)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		existing, err = scanPause(tx.QueryRow(ctx, `SELECT `+pauseColumns+` FROM pauses
			WHERE scope = $1 AND key = $2 AND resumed_at = 0`, string(p.Scope), p.Key))
		return err
	})
	if err != nil {
		return err
	}
	if existing != nil {
		*p = *existing
		return fmt.Errorf("%s %s %s: %w", op, p.Scope, p.Key, store.ErrPaused)
	}
	return nil
}

// ActivePauses returns the pauses in force, oldest first.
func (s *Store) ActivePauses(ctx context.Context) ([]record.Pause, error) {
	ps, err := activePauses(ctx, s.pool)
	if err != nil {
		return nil, s.wrap("read pauses", err)
	}
	return ps, nil
}

// ActivePauses implements store.LimitQuerier: the pauses in force read in the placement's transaction.
func (q txQuerier) ActivePauses(ctx context.Context) ([]record.Pause, error) {
	return activePauses(ctx, q.tx)
}

// activePauses reads the pauses in force through q.
func activePauses(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) ([]record.Pause, error) {
	rows, err := q.Query(ctx, `SELECT `+pauseColumns+` FROM pauses WHERE resumed_at = 0 ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Pause
	for rows.Next() {
		p, err := scanPause(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// ResumePause ends the pause id, by whom and when; store.ErrNotFound when there is no such pause in force.
func (s *Store) ResumePause(ctx context.Context, id int64, by string, at time.Time) (*record.Pause, error) {
	const op = "resume pause"
	var p *record.Pause
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		var err error
		p, err = scanPause(tx.QueryRow(ctx, `UPDATE pauses SET resumed_at = $1, resumed_by = $2
			WHERE id = $3 AND resumed_at = 0 RETURNING `+pauseColumns, store.Nanos(at), by, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("pause in force", id)
		}
		return err
	})
	return p, err
}

// LastResumed returns the newest pause of scope and key that a supervisor resumed, or nil when there is none.
func (s *Store) LastResumed(ctx context.Context, scope record.PauseScope, key string) (*record.Pause, error) {
	p, err := scanPause(s.pool.QueryRow(ctx, `SELECT `+pauseColumns+` FROM pauses
		WHERE scope = $1 AND key = $2 AND resumed_at > 0 ORDER BY resumed_at DESC, id DESC LIMIT 1`, string(scope), key))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, s.wrap("read resumed pauses", err)
	}
	return p, nil
}
