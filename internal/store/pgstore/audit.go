package pgstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// AddAudit appends e to the audit chain and sets e.ID. In one transaction holding the audit lock (see the
// package comment) it reads the newest entry and writes the next ID with the hash chained to it, so the chain
// stays one unbroken line however many instances write. Entries can never be changed or deleted: the table's
// triggers refuse UPDATE, DELETE and TRUNCATE.
func (s *Store) AddAudit(ctx context.Context, e *record.AuditEntry) error {
	const op = "add audit entry"
	if err := store.CheckAuditEntry(e); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	entry := *e
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.auditKey); err != nil {
			return err
		}
		var (
			last int64
			prev []byte
		)
		err := tx.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&last, &prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if len(prev) != sha256.Size {
			prev = make([]byte, sha256.Size)
		}
		entry.ID = last + 1
		sum := store.AuditHash(prev, &entry)
		_, err = tx.Exec(ctx, `INSERT INTO audit
			(id, at, operator, remote, action, number, verification_id, attempt_id, detail, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, entry.ID, store.Nanos(entry.At), entry.Operator,
			entry.Remote, string(entry.Action), entry.Number, entry.VerificationID, entry.AttemptID, entry.Detail,
			prev, sum[:])
		return err
	})
	if err != nil {
		return err
	}
	e.ID = entry.ID
	return nil
}

const auditColumns = `id, at, operator, remote, action, number, verification_id, attempt_id, detail`

// auditWhere builds the WHERE clause of q, with placeholders from $1.
func auditWhere(q record.AuditQuery) (string, []any) {
	w := []string{"true"}
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		w = append(w, fmt.Sprintf(cond, len(args)))
	}
	if !q.Since.IsZero() {
		add("at >= $%d", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		add("at < $%d", q.Until.UnixNano())
	}
	if q.Operator != "" {
		add("operator = $%d", q.Operator)
	}
	if q.Action != "" {
		add("action = $%d", string(q.Action))
	}
	return strings.Join(w, " AND "), args
}

// Audit returns the entries q selects, newest first.
func (s *Store) Audit(ctx context.Context, q record.AuditQuery) ([]record.AuditEntry, error) {
	where, args := auditWhere(q)
	var limit any // NULL: no limit
	if q.Limit > 0 {
		limit = q.Limit
	}
	var out []record.AuditEntry
	err := s.auditRows(ctx, "read audit log", `SELECT `+auditColumns+` FROM audit WHERE `+where+
		fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT $%d`, len(args)+1), append(args, limit), func(e *record.AuditEntry) error {
		out = append(out, *e)
		return nil
	})
	return out, err
}

// ExportAudit writes the audit entries q selects (q.Limit is ignored) to w, oldest first, as the SQLite
// engine does (store.WriteAuditExport): format "csv" (the default when empty) or "json".
func (s *Store) ExportAudit(ctx context.Context, w io.Writer, format string, q record.AuditQuery) error {
	const op = "export audit log"
	where, args := auditWhere(q)
	return store.WriteAuditExport(w, format, func(yield func(*record.AuditEntry) error) error {
		return s.auditRows(ctx, op, `SELECT `+auditColumns+` FROM audit WHERE `+where+` ORDER BY at, id`, args, yield)
	})
}

// auditRows runs query and hands each entry to fn.
func (s *Store) auditRows(ctx context.Context, op, query string, args []any, fn func(*record.AuditEntry) error) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return s.wrap(op, err)
		}
		if err := fn(&e); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// scanAudit reads one row of auditColumns, followed by extra destinations.
func scanAudit(row pgx.Row, extra ...any) (record.AuditEntry, error) {
	var (
		e      record.AuditEntry
		at     int64
		action string
	)
	err := row.Scan(append([]any{&e.ID, &at, &e.Operator, &e.Remote, &action, &e.Number, &e.VerificationID,
		&e.AttemptID, &e.Detail}, extra...)...)
	e.At, e.Action = store.FromNanos(at), record.Action(action)
	return e, err
}

// AuditHead returns where the chain ends now: one lookup of the newest entry by the primary key, O(log n)
// whatever the log's length (store.HeadOfChain says why that holds the count too).
func (s *Store) AuditHead(ctx context.Context) (store.AuditHead, error) {
	var (
		last int64
		hash []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&last, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return store.AuditHead{}, s.wrap("read the audit chain's head", err)
	}
	return store.HeadOfChain(last, hash), nil
}

// VerifyAudit walks the whole chain, oldest first (store.AuditChain, as the SQLite engine does), and returns
// its head, or a *store.ChainError naming the first entry that was changed, inserted, or that follows
// removed ones.
func (s *Store) VerifyAudit(ctx context.Context) (store.AuditHead, error) {
	const op = "verify the audit log"
	var chain store.AuditChain
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+`, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return chain.Head(), s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var prev, own []byte
		e, err := scanAudit(rows, &prev, &own)
		if err != nil {
			return chain.Head(), s.wrap(op, err)
		}
		if err := chain.Next(&e, prev, own); err != nil {
			return chain.Head(), err
		}
	}
	if err := rows.Err(); err != nil {
		return chain.Head(), s.wrap(op, err)
	}
	return chain.Head(), nil
}

// AuditHolds reports whether an entry of the audit log has hash: whether a head logged earlier is still in
// the chain.
func (s *Store) AuditHolds(ctx context.Context, hash [sha256.Size]byte) (bool, error) {
	var held bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit WHERE hash = $1)`, hash[:]).Scan(&held); err != nil {
		return false, s.wrap("look for an audit chain head", err)
	}
	return held, nil
}
