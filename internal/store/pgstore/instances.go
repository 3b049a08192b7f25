package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/store"
)

// instanceForgotten is how long an instance that stopped beating stays listed (the SQLite engine's figure).
const instanceForgotten = 7 * 24 * time.Hour

// Heartbeat records that in has the history open, as of now, and forgets instances silent for a week.
func (s *Store) Heartbeat(ctx context.Context, in store.Instance, now time.Time) error {
	return s.write(ctx, "record this instance's heartbeat", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO instances (id, host, pid, version, started_at, seen_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
			in.ID, in.Host, in.PID, in.Version, store.Nanos(in.StartedAt), store.Nanos(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM instances WHERE seen_at < $1`, store.Nanos(now.Add(-instanceForgotten)))
		return err
	})
}

// LeaveInstance removes instance id from the list, as it closes the history.
func (s *Store) LeaveInstance(ctx context.Context, id string) error {
	return s.write(ctx, "remove this instance from the list", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM instances WHERE id = $1`, id)
		return err
	})
}

// Instances returns the instances whose last heartbeat is at or after since, most recently seen first, with
// how many calls each follows.
func (s *Store) Instances(ctx context.Context, since time.Time) ([]store.Instance, error) {
	const op = "list instances"
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.host, i.pid, i.version, i.started_at, i.seen_at,
		(SELECT count(*) FROM trackers t WHERE t.owner = i.id) FROM instances i WHERE i.seen_at >= $1
		ORDER BY i.seen_at DESC, i.id`, store.SinceNanos(since))
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []store.Instance
	for rows.Next() {
		var (
			in            store.Instance
			started, seen int64
		)
		if err := rows.Scan(&in.ID, &in.Host, &in.PID, &in.Version, &started, &seen, &in.Tracking); err != nil {
			return nil, s.wrap(op, err)
		}
		in.StartedAt, in.SeenAt = store.FromNanos(started), store.FromNanos(seen)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

// TrackedBy returns the attempts owner holds in the trackers table.
func (s *Store) TrackedBy(ctx context.Context, owner string) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT attempt_id FROM trackers WHERE owner = $1 ORDER BY attempt_id`, owner)
	if err != nil {
		return nil, s.wrap("list tracked calls", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, s.wrap("list tracked calls", err)
	}
	return ids, nil
}

// Engine names the engine: "PostgreSQL".
func (s *Store) Engine() string { return "PostgreSQL" }

// ServerVersion returns the server's version as it reports it (server_version).
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	var v string
	if err := s.pool.QueryRow(ctx, `SHOW server_version`).Scan(&v); err != nil {
		return "", s.wrap("read the server version", err)
	}
	return v, nil
}
