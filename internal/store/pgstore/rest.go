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

// restColumns are a rest's columns in record.Rest's order.
const restColumns = `id, key, alarm, reason, created_at, restored_at, restored_by`

// scanRest reads one row of restColumns.
func scanRest(row pgx.Row) (*record.Rest, error) {
	var (
		r                 record.Rest
		created, restored int64
	)
	if err := row.Scan(&r.ID, &r.Key, &r.Alarm, &r.Reason, &created, &restored, &r.RestoredBy); err != nil {
		return nil, err
	}
	r.CreatedAt, r.RestoredAt = store.FromNanos(created), store.FromNanos(restored)
	return &r, nil
}

// AddRest records r (with its ID set), unless its range is rested already: then it returns the rest in force
// and store.ErrRested. allow, when not nil, sees the rests in force first and may refuse the new one: its
// error is returned unchanged and nothing is written. The transaction holds the placement lock, so rests are
// decided one at a time across instances and a placement that starts after the commit sees the rest.
func (s *Store) AddRest(ctx context.Context, r *record.Rest, allow func(active []record.Rest) error) error {
	const op = "rest caller ID"
	var existing *record.Rest
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.placementKey); err != nil {
			return err
		}
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
		return tx.QueryRow(ctx, `INSERT INTO caller_id_rests (key, alarm, reason, created_at) VALUES ($1, $2, $3, $4)
			RETURNING id`, r.Key, r.Alarm, r.Reason, store.Nanos(r.CreatedAt)).Scan(&r.ID)
	})
	if err != nil {
		return unrefuse(err)
	}
	if existing != nil {
		*r = *existing
		return fmt.Errorf("%s %s: %w", op, r.Key, store.ErrRested)
	}
	return nil
}

// ActiveRests returns the caller-ID ranges rested now, oldest first.
func (s *Store) ActiveRests(ctx context.Context) ([]record.Rest, error) {
	out, err := activeRests(ctx, s.pool)
	if err != nil {
		return nil, s.wrap("read rested caller IDs", err)
	}
	return out, nil
}

// RestoreRest ends the rest of the range key, by whom and when; store.ErrNotFound when it is not rested.
func (s *Store) RestoreRest(ctx context.Context, key, by string, at time.Time) (*record.Rest, error) {
	const op = "restore caller ID"
	var r *record.Rest
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		var err error
		r, err = scanRest(tx.QueryRow(ctx, `UPDATE caller_id_rests SET restored_at = $1, restored_by = $2
			WHERE key = $3 AND restored_at = 0 RETURNING `+restColumns, store.Nanos(at), by, key))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("caller IDs %s rested: %w", key, store.ErrNotFound)
		}
		return err
	})
	return r, err
}

// activeRests reads the rests in force through q.
func activeRests(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) ([]record.Rest, error) {
	rows, err := q.Query(ctx, `SELECT `+restColumns+` FROM caller_id_rests WHERE restored_at = 0 ORDER BY created_at, id`)
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
