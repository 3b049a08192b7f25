package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/store"
)

// RaiseAlarm records that the alarm id holds, as seen by instance at at; true when this call moved it from
// cleared (or never raised) to raised, so that this instance announces it. Concurrent raisers wait on the
// row and find it raised.
func (s *Store) RaiseAlarm(ctx context.Context, id, instance string, at time.Time) (bool, error) {
	var won bool
	err := s.write(ctx, "raise alarm", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO alarm_states (alarm, raised_at, instance) VALUES ($1, $2, $3)
			ON CONFLICT (alarm) DO UPDATE SET raised_at = excluded.raised_at, cleared_at = 0, instance = excluded.instance
			WHERE alarm_states.cleared_at <> 0`, id, store.Nanos(at), instance)
		won = tag.RowsAffected() == 1
		return err
	})
	return won, err
}

// ClearAlarm records that the alarm id no longer holds; true when this call moved it from raised to cleared.
func (s *Store) ClearAlarm(ctx context.Context, id string, at time.Time) (bool, error) {
	var won bool
	err := s.write(ctx, "clear alarm", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE alarm_states SET cleared_at = $1 WHERE alarm = $2 AND cleared_at = 0`,
			store.Nanos(at), id)
		won = tag.RowsAffected() == 1
		return err
	})
	return won, err
}

// RaisedAlarms returns the IDs of the alarms recorded as raised, in order.
func (s *Store) RaisedAlarms(ctx context.Context) ([]string, error) {
	const op = "read raised alarms"
	rows, err := s.pool.Query(ctx, `SELECT alarm FROM alarm_states WHERE cleared_at = 0 ORDER BY alarm`)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.wrap(op, err)
	}
	return ids, nil
}
