package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
)

// AddAudit appends e to the audit log and sets e.ID. Entries can never be changed or deleted: the table's
// triggers refuse UPDATE and DELETE.
func (s *Store) AddAudit(ctx context.Context, e *record.AuditEntry) error {
	const op = "add audit entry"
	if err := CheckAuditEntry(e); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	entry := *e
	if err := s.write(ctx, op, func(tx *sql.Tx) error { return insertAuditTx(ctx, tx, &entry) }); err != nil {
		return err
	}
	e.ID = entry.ID
	return nil
}

// where builds the WHERE clause of q.
func auditWhere(q record.AuditQuery) (string, []any) {
	w := []string{"1"}
	var args []any
	if !q.Since.IsZero() {
		w, args = append(w, "at >= ?"), append(args, q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		w, args = append(w, "at < ?"), append(args, q.Until.UnixNano())
	}
	if q.Operator != "" {
		w, args = append(w, "operator = ?"), append(args, q.Operator)
	}
	if q.Action != "" {
		w, args = append(w, "action = ?"), append(args, q.Action)
	}
	return strings.Join(w, " AND "), args
}

const auditColumns = `id, at, operator, remote, action, number, verification_id, attempt_id, detail`

// Audit returns the entries q selects, newest first.
func (s *Store) Audit(ctx context.Context, q record.AuditQuery) ([]record.AuditEntry, error) {
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = -1
	}
	where, args := auditWhere(q)
	var out []record.AuditEntry
	err := s.auditRows(ctx, "read audit log", `SELECT `+auditColumns+` FROM audit WHERE `+where+
		` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit), func(e record.AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// auditRows runs query and hands each entry to fn.
func (s *Store) auditRows(ctx context.Context, op, query string, args []any, fn func(record.AuditEntry) error) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e  record.AuditEntry
			at int64
		)
		if err := rows.Scan(&e.ID, &at, &e.Operator, &e.Remote, &e.Action, &e.Number, &e.VerificationID,
			&e.AttemptID, &e.Detail); err != nil {
			return s.wrap(op, err)
		}
		e.At = fromNanos(at)
		if err := fn(e); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}
