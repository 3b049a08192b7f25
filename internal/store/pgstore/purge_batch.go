package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/store"
)

// PurgeBatch applies the retention to at most limit attempts in one short write transaction, from the mode's
// saved high-water mark on, as the SQLite engine's store.Store.PurgeBatch does (the same statements).
func (s *Store) PurgeBatch(ctx context.Context, before time.Time, anonymise bool, limit int) (n int, more bool, err error) {
	mode := store.RetentionMode(anonymise)
	err = s.write(ctx, "purge history", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, rebind(store.PurgeOverridesSQL(anonymise), 1), store.Nanos(before)); err != nil {
			return err
		}
		var mark int64
		if err := tx.QueryRow(ctx, rebind(store.PurgeMarkSQL, 1), mode).Scan(&mark); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		rows, err := tx.Query(ctx, rebind(store.PurgeScanSQL, 1), mark, limit)
		if err != nil {
			return err
		}
		var run store.PurgeRun
		for rows.Next() {
			var (
				id, created int64
				live        bool
			)
			if err := rows.Scan(&id, &created, &live); err != nil {
				rows.Close()
				return err
			}
			if !run.Add(id, created, live, store.Nanos(before)) {
				break
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more = run.More(limit)
		if run.Empty() {
			return nil
		}
		lo, hi := run.Range()
		if anonymise {
			for i, q := range store.PurgeAnonymiseSQL {
				tag, err := tx.Exec(ctx, rebind(q, 1), lo, hi)
				if err != nil {
					return err
				}
				if i == 0 {
					n = int(tag.RowsAffected())
				}
			}
		} else {
			var vids []any
			vrows, err := tx.Query(ctx, rebind(store.PurgeVerificationsSQL, 1), lo, hi)
			if err != nil {
				return err
			}
			for vrows.Next() {
				var id int64
				if err := vrows.Scan(&id); err != nil {
					vrows.Close()
					return err
				}
				vids = append(vids, id)
			}
			vrows.Close()
			if err := vrows.Err(); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, rebind(store.PurgeDeleteAttemptsSQL, 1), lo, hi)
			if err != nil {
				return err
			}
			n = int(tag.RowsAffected())
			if len(vids) > 0 {
				if _, err := tx.Exec(ctx, rebind(store.PurgeDeleteVerificationsSQL(len(vids)), 1), vids...); err != nil {
					return err
				}
			}
		}
		_, err = tx.Exec(ctx, rebind(store.PurgeSaveSQL, 1), mode, hi)
		return err
	})
	return n, more, err
}
