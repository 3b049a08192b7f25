package store

import (
	"context"
	"database/sql"
	"time"
)

// RaiseAlarm records that the alarm id holds, as seen by instance at at. It returns true when this call
// moved it from cleared (or never raised) to raised: that instance announces it (log, audit, webhook); every
// other instance raising it meanwhile gets false and only shows it.
func (s *Store) RaiseAlarm(ctx context.Context, id, instance string, at time.Time) (bool, error) {
	var won bool
	err := s.write(ctx, "raise alarm", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alarm_states (alarm, raised_at, instance) VALUES (?, ?, ?)
			ON CONFLICT (alarm) DO UPDATE SET raised_at = excluded.raised_at, cleared_at = 0, instance = excluded.instance
			WHERE alarm_states.cleared_at != 0`, id, nanos(at), instance)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// ClearAlarm records that the alarm id no longer holds. It returns true when this call moved it from raised
// to cleared: that instance announces the clear.
func (s *Store) ClearAlarm(ctx context.Context, id string, at time.Time) (bool, error) {
	var won bool
	err := s.write(ctx, "clear alarm", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE alarm_states SET cleared_at = ? WHERE alarm = ? AND cleared_at = 0`,
			nanos(at), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// RaisedAlarms returns the IDs of the alarms recorded as raised, in order: those an instance that has gone
// may have left raised are cleared by the next instance that finds they no longer hold.
func (s *Store) RaisedAlarms(ctx context.Context) ([]string, error) {
	const op = "read raised alarms"
	rows, err := s.r.QueryContext(ctx, `SELECT alarm FROM alarm_states WHERE cleared_at = 0 ORDER BY alarm`)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
