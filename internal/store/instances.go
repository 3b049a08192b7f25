package store

import (
	"context"
	"database/sql"
	"time"
)

// instanceForgotten is how long an instance that stopped beating stays listed before a heartbeat of another
// removes it.
const instanceForgotten = 7 * 24 * time.Hour

// Heartbeat records that in has the history open, as of now, and forgets instances silent for a week.
func (s *Store) Heartbeat(ctx context.Context, in Instance, now time.Time) error {
	return s.write(ctx, "record this instance's heartbeat", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO instances (id, host, pid, version, started_at, seen_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
			in.ID, in.Host, in.PID, in.Version, nanos(in.StartedAt), nanos(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM instances WHERE seen_at < ?`, nanos(now.Add(-instanceForgotten)))
		return err
	})
}

// LeaveInstance removes instance id from the list, as it closes the history.
func (s *Store) LeaveInstance(ctx context.Context, id string) error {
	return s.write(ctx, "remove this instance from the list", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM instances WHERE id = ?`, id)
		return err
	})
}

// Instances returns the instances whose last heartbeat is at or after since, most recently seen first, with
// how many calls each follows.
func (s *Store) Instances(ctx context.Context, since time.Time) ([]Instance, error) {
	const op = "list instances"
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.host, i.pid, i.version, i.started_at, i.seen_at,
		(SELECT count(*) FROM trackers t WHERE t.owner = i.id) FROM instances i WHERE i.seen_at >= ?
		ORDER BY i.seen_at DESC, i.id`, sinceNanos(since))
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []Instance
	for rows.Next() {
		var (
			in            Instance
			started, seen int64
		)
		if err := rows.Scan(&in.ID, &in.Host, &in.PID, &in.Version, &started, &seen, &in.Tracking); err != nil {
			return nil, s.wrap(op, err)
		}
		in.StartedAt, in.SeenAt = fromNanos(started), fromNanos(seen)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
