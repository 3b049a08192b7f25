package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// ErrPaused is returned by AddPause when the scope is paused already.
var ErrPaused = errors.New("already paused")

// AddPause records p (with its ID set), unless its scope and key are paused already: then it returns the
// pause in force and ErrPaused. Two instances raising the same alarm at once pause it once.
func (s *Store) AddPause(ctx context.Context, p *record.Pause) error {
	const op = "record pause"
	var existing *record.Pause
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		e, err := scanPause(tx.QueryRowContext(ctx, `SELECT `+pauseColumns+` FROM pauses
			WHERE scope = ? AND key = ? AND resumed_at = 0`, string(p.Scope), p.Key))
		switch {
		case err == nil:
			existing = e
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO pauses (scope, key, alarm, reason, created_at) VALUES (?, ?, ?, ?, ?)`,
			string(p.Scope), p.Key, p.Alarm, p.Reason, nanos(p.CreatedAt))
		if err != nil {
			return err
		}
		p.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	if existing != nil {
		*p = *existing
		return fmt.Errorf("%s %s %s: %w", op, p.Scope, p.Key, ErrPaused)
	}
	return nil
}

// ActivePauses returns the pauses in force, oldest first.
func (s *Store) ActivePauses(ctx context.Context) ([]record.Pause, error) {
	ps, err := activePauses(ctx, s.r)
	if err != nil {
		return nil, s.wrap("read pauses", err)
	}
	return ps, nil
}

// ActivePauses implements LimitQuerier.
func (q txQuerier) ActivePauses(ctx context.Context) ([]record.Pause, error) {
	return activePauses(ctx, q.tx)
}

// activePauses reads the pauses in force through q.
func activePauses(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]record.Pause, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+pauseColumns+` FROM pauses WHERE resumed_at = 0 ORDER BY created_at, id`)
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

// ResumePause ends the pause id, by whom and when; ErrNotFound when there is no such pause in force.
func (s *Store) ResumePause(ctx context.Context, id int64, by string, at time.Time) (*record.Pause, error) {
	const op = "resume pause"
	var p *record.Pause
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE pauses SET resumed_at = ?, resumed_by = ? WHERE id = ? AND resumed_at = 0`,
			nanos(at), by, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("pause in force", id)
		}
		p, err = scanPause(tx.QueryRowContext(ctx, `SELECT `+pauseColumns+` FROM pauses WHERE id = ?`, id))
		return err
	})
	return p, err
}

// LastResumed returns the newest pause of scope and key that a supervisor resumed, or nil when there is none.
func (s *Store) LastResumed(ctx context.Context, scope record.PauseScope, key string) (*record.Pause, error) {
	p, err := scanPause(s.r.QueryRowContext(ctx, `SELECT `+pauseColumns+` FROM pauses
		WHERE scope = ? AND key = ? AND resumed_at > 0 ORDER BY resumed_at DESC, id DESC LIMIT 1`, string(scope), key))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, s.wrap("read resumed pauses", err)
	}
	return p, nil
}

// pauseColumns are a pause's columns in record.Pause's order.
const pauseColumns = `id, scope, key, alarm, reason, created_at, resumed_at, resumed_by`

// scanPause reads one row of pauseColumns.
func scanPause(sc scanner) (*record.Pause, error) {
	var (
		p                record.Pause
		scope            string
		created, resumed int64
	)
	if err := sc.Scan(&p.ID, &scope, &p.Key, &p.Alarm, &p.Reason, &created, &resumed, &p.ResumedBy); err != nil {
		return nil, err
	}
	p.Scope, p.CreatedAt, p.ResumedAt = record.PauseScope(scope), fromNanos(created), fromNanos(resumed)
	return &p, nil
}
