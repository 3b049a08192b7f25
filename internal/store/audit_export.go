package store

import (
	"context"
	"io"

	"github.com/flashcall/flashcall/internal/record"
)

// AuditColumns returns the CSV header and the JSON keys of ExportAudit, in order.
func AuditColumns() []string {
	return []string{"time", "operator", "remote", "action", "number", "verification_id", "attempt_id", "detail"}
}

// auditRecord is one exported audit entry; the field order is AuditColumns'.
type auditRecord struct {
	Time           string `json:"time"`
	Operator       string `json:"operator"`
	Remote         string `json:"remote"`
	Action         string `json:"action"`
	Number         string `json:"number"`
	VerificationID int64  `json:"verification_id"`
	AttemptID      int64  `json:"attempt_id"`
	Detail         string `json:"detail"`
}

// ExportAudit writes the audit entries q selects (q.Limit is ignored) to w, oldest first: format "csv" (the
// default when empty: a header line, then one line per entry) or "json" (one array of objects). Times are
// RFC 3339 in UTC with nanoseconds. Numbers are as stored: masked.
func (s *Store) ExportAudit(ctx context.Context, w io.Writer, format string, q record.AuditQuery) error {
	const op = "export audit log"
	where, args := auditWhere(q)
	return WriteAuditExport(w, format, func(yield func(*record.AuditEntry) error) error {
		return s.auditRows(ctx, op, `SELECT `+auditColumns+` FROM audit WHERE `+where+` ORDER BY at, id`, args,
			func(e record.AuditEntry) error { return yield(&e) })
	})
}
