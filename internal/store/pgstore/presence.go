package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// SetPresence replaces instance's console sessions with ps, all seen at now, in one transaction (nil: it
// has none left).
func (s *Store) SetPresence(ctx context.Context, instance string, ps []record.Presence, now time.Time) error {
	return s.write(ctx, "record presence", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM presence WHERE instance = $1`, instance); err != nil {
			return err
		}
		for _, p := range ps {
			if _, err := tx.Exec(ctx, `INSERT INTO presence (instance, seat, operator, remote, since, last_input,
				reading_back, number, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, instance, int64(p.Seat),
				p.Operator, p.Remote, store.Nanos(p.Since), store.Nanos(p.LastInput), p.ReadingBack, p.Number,
				store.Nanos(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Presence returns the console sessions of every instance seen at or after since, oldest session first.
func (s *Store) Presence(ctx context.Context, since time.Time) ([]record.Presence, error) {
	const op = "read presence"
	rows, err := s.pool.Query(ctx, `SELECT instance, seat, operator, remote, since, last_input, reading_back, number,
		seen_at FROM presence WHERE seen_at >= $1 ORDER BY since, instance, seat`, store.Nanos(since))
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
		p.Seat, p.Since, p.LastInput, p.SeenAt = uint64(seat), store.FromNanos(since), store.FromNanos(last), store.FromNanos(seen)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}
