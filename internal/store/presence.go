package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// SetPresence replaces instance's console sessions with ps, all seen at now, in one transaction (nil: it
// has none left).
func (s *Store) SetPresence(ctx context.Context, instance string, ps []record.Presence, now time.Time) error {
	return s.write(ctx, "record presence", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM presence WHERE instance = ?`, instance); err != nil {
			return err
		}
		for _, p := range ps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO presence (instance, seat, operator, remote, since, last_input,
				reading_back, number, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, instance, int64(p.Seat), p.Operator,
				p.Remote, nanos(p.Since), nanos(p.LastInput), p.ReadingBack, p.Number, nanos(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Presence returns the console sessions of every instance seen at or after since, oldest session first.
func (s *Store) Presence(ctx context.Context, since time.Time) ([]record.Presence, error) {
	const op = "read presence"
	rows, err := s.r.QueryContext(ctx, `SELECT instance, seat, operator, remote, since, last_input, reading_back, number,
		seen_at FROM presence WHERE seen_at >= ? ORDER BY since, instance, seat`, nanos(since))
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Presence
	for rows.Next() {
		var (
			p                 record.Presence
			seat              int64
			since, last, seen int64
		)
		if err := rows.Scan(&p.Instance, &seat, &p.Operator, &p.Remote, &since, &last, &p.ReadingBack, &p.Number, &seen); err != nil {
			return nil, s.wrap(op, err)
		}
		p.Seat, p.Since, p.LastInput, p.SeenAt = uint64(seat), fromNanos(since), fromNanos(last), fromNanos(seen)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
