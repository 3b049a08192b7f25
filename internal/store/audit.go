package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Audit actions: what an operator (or flashcall itself) did.
const (
	// AuditCallPlaced: a flash call was requested (Detail says whether it was created, and its SID).
	AuditCallPlaced = "call-placed"
	// AuditRefusal: the fraud policy refused a call (Detail is the refusal).
	AuditRefusal = "refusal"
	// AuditHangUp: an operator hung up a live call.
	AuditHangUp = "hang-up"
	// AuditCodeChecked: a read-back was checked (Detail says whether it matched; never the digits).
	AuditCodeChecked = "code-checked"
	// AuditCancel: an operator canceled a verification.
	AuditCancel = "cancel"
	// AuditNoCall: an operator recorded that the customer got no call.
	AuditNoCall = "no-call-reported"
	// AuditSupersede: an open verification was replaced by a fresh one.
	AuditSupersede = "supersede"
	// AuditReveal: an operator revealed a full number on purpose.
	AuditReveal = "reveal"
	// AuditExport: history or audit log was exported (Detail says what, and whether numbers were revealed).
	AuditExport = "export"
	// AuditPurge: attempts older than the retention were purged or anonymised (Detail has the count).
	AuditPurge = "purge"
	// AuditConfigLoaded: a configuration was loaded (Detail names its source).
	AuditConfigLoaded = "config-loaded"
	// AuditExpired: a verification's window passed before a correct read-back.
	AuditExpired = "expired"
)

// AuditEntry is one line of the append-only audit log: who did what, when, from where. It never holds a full
// phone number (Number is masked: AddAudit refuses an unmasked one) nor a code.
type AuditEntry struct {
	// ID is assigned by AddAudit.
	ID int64
	// At is when it happened (set by the caller; the store keeps no clock).
	At time.Time
	// Operator is who did it; Remote where from ("local", or the SSH client's address).
	Operator, Remote string
	// Action is one of the Audit constants.
	Action string
	// Number is the masked number concerned, e.g. "+44*******456", or "".
	Number string
	// VerificationID and AttemptID are the rows concerned (0: none).
	VerificationID, AttemptID int64
	// Detail says more, in words.
	Detail string
}

// AuditQuery selects audit entries. The zero value selects all.
type AuditQuery struct {
	// Since and Until bound At: Since <= At < Until (zero: unbounded).
	Since, Until time.Time
	// Operator and Action, when set, must match exactly.
	Operator, Action string
	// Limit is the most entries returned (0 or less: all).
	Limit int
}

// unmasked reports a value that is a whole phone number: "+" and more than 4 digits, none of them hidden.
func unmasked(number string) bool {
	d, ok := strings.CutPrefix(number, "+")
	if !ok || len(d) <= 4 {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AddAudit appends e to the audit log and sets e.ID. Entries can never be changed or deleted: the table's
// triggers refuse UPDATE and DELETE.
func (s *Store) AddAudit(ctx context.Context, e *AuditEntry) error {
	const op = "add audit entry"
	if e.Action == "" {
		return errors.New(op + ": no action")
	}
	if unmasked(e.Number) {
		return errors.New(op + ": the audit log holds masked numbers only")
	}
	var id int64
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO audit
			(at, operator, remote, action, number, verification_id, attempt_id, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, nanos(e.At), e.Operator, e.Remote, e.Action, e.Number,
			e.VerificationID, e.AttemptID, e.Detail)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	e.ID = id
	return nil
}

// where builds the WHERE clause of q.
func (q AuditQuery) where() (string, []any) {
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
func (s *Store) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = -1
	}
	where, args := q.where()
	var out []AuditEntry
	err := s.auditRows(ctx, "read audit log", `SELECT `+auditColumns+` FROM audit WHERE `+where+
		` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit), func(e AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// auditRows runs query and hands each entry to fn.
func (s *Store) auditRows(ctx context.Context, op, query string, args []any, fn func(AuditEntry) error) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e  AuditEntry
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
