package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// ErrRested is returned by AddRest when the caller-ID range is rested already.
var ErrRested = errors.New("already rested")

// ErrCallerIDRested refuses a placement whose caller ID (Placement.CallerIDRange) was rested after it was
// picked: the caller picks another and places again.
var ErrCallerIDRested = errors.New("the caller ID picked was rested meanwhile")

// AddRest records r (with its ID set) in one write transaction, unless its range is rested already: then it
// returns the rest in force and ErrRested. allow, when not nil, sees the rests in force first and may refuse
// the new one (it would leave a pool with no caller ID): its error is returned unchanged and nothing is
// written. Writes are serialised with the placements, so a placement that starts after the commit sees the
// rest.
func (s *Store) AddRest(ctx context.Context, r *record.Rest, allow func(active []record.Rest) error) error {
	const op = "rest caller ID"
	var existing *record.Rest
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		active, err := activeRests(ctx, tx)
		if err != nil {
			return err
		}
		for _, a := range active {
			if a.Key == r.Key {
				existing = &a
				return nil
			}
		}
		if allow != nil {
			if err := allow(active); err != nil {
				return &refused{err}
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO caller_id_rests (key, alarm, reason, created_at) VALUES (?, ?, ?, ?)`,
			r.Key, r.Alarm, r.Reason, nanos(r.CreatedAt))
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		var ref *refused
		if errors.As(err, &ref) {
			return ref.err
		}
		return err
	}
	if existing != nil {
		*r = *existing
		return fmt.Errorf("%s %s: %w", op, r.Key, ErrRested)
	}
	return nil
}

// ActiveRests returns the caller-ID ranges rested now, oldest first.
func (s *Store) ActiveRests(ctx context.Context) ([]record.Rest, error) {
	out, err := activeRests(ctx, s.r)
	if err != nil {
		return nil, s.wrap("read rested caller IDs", err)
	}
	return out, nil
}

// RestoreRest ends the rest of the range key, by whom and when; ErrNotFound when it is not rested.
func (s *Store) RestoreRest(ctx context.Context, key, by string, at time.Time) (*record.Rest, error) {
	const op = "restore caller ID"
	var r *record.Rest
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM caller_id_rests WHERE key = ? AND restored_at = 0`, key).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("caller IDs %s rested: %w", key, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE caller_id_rests SET restored_at = ?, restored_by = ? WHERE id = ?`,
			nanos(at), by, id); err != nil {
			return err
		}
		r, err = scanRest(tx.QueryRowContext(ctx, `SELECT `+restColumns+` FROM caller_id_rests WHERE id = ?`, id))
		return err
	})
	return r, err
}

// restedWhere selects the rest in force of one range.
const restedWhere = `key = ? AND restored_at = 0`

// restColumns are a rest's columns in record.Rest's order.
const restColumns = `id, key, alarm, reason, created_at, restored_at, restored_by`

// activeRests reads the rests in force through q.
func activeRests(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]record.Rest, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+restColumns+` FROM caller_id_rests WHERE restored_at = 0 ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Rest
	for rows.Next() {
		r, err := scanRest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// scanRest reads one row of restColumns.
func scanRest(sc scanner) (*record.Rest, error) {
	var (
		r                 record.Rest
		created, restored int64
	)
	if err := sc.Scan(&r.ID, &r.Key, &r.Alarm, &r.Reason, &created, &restored, &r.RestoredBy); err != nil {
		return nil, err
	}
	r.CreatedAt, r.RestoredAt = fromNanos(created), fromNanos(restored)
	return &r, nil
}
