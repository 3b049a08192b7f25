package store

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

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
	var write func(r *auditRecord) error
	var end func() error
	switch format {
	case "", "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(AuditColumns()); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		write = func(r *auditRecord) error {
			return cw.Write([]string{r.Time, r.Operator, r.Remote, r.Action, r.Number,
				strconv.FormatInt(r.VerificationID, 10), strconv.FormatInt(r.AttemptID, 10), r.Detail})
		}
		end = func() error { cw.Flush(); return cw.Error() }
	case "json":
		bw := bufio.NewWriter(w)
		n := 0
		if _, err := bw.WriteString("["); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		write = func(r *auditRecord) error {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			sep := ",\n"
			if n == 0 {
				sep = "\n"
			}
			n++
			if _, err := bw.WriteString(sep); err != nil {
				return err
			}
			_, err = bw.Write(b)
			return err
		}
		end = func() error {
			tail := "\n]\n"
			if n == 0 {
				tail = "]\n"
			}
			if _, err := bw.WriteString(tail); err != nil {
				return err
			}
			return bw.Flush()
		}
	default:
		return fmt.Errorf("%s: unknown format %q: use csv or json", op, format)
	}
	where, args := auditWhere(q)
	err := s.auditRows(ctx, op, `SELECT `+auditColumns+` FROM audit WHERE `+where+` ORDER BY at, id`, args,
		func(e record.AuditEntry) error {
			r := auditRecord{Operator: e.Operator, Remote: e.Remote, Action: string(e.Action), Number: e.Number,
				VerificationID: e.VerificationID, AttemptID: e.AttemptID, Detail: e.Detail}
			if !e.At.IsZero() {
				r.Time = e.At.Format(time.RFC3339Nano)
			}
			return write(&r)
		})
	if err != nil {
		return err
	}
	if err := end(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
