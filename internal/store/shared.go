package store

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// This file holds what every history engine shares with this one (the PostgreSQL engine in
// internal/store/pgstore uses it): how times are stored, which rows a word like "live" selects, how the
// audit chain is hashed and walked, how a placement is validated and how exports are written. Keeping one
// copy is what makes the engines give the same answers; the contract suite in internal/store/storetest
// checks that they do.

// SQL fragments shared by the engines, in the SQL both SQLite and PostgreSQL accept. Each selects, from the
// attempts table, the rows one rule of the flow is about.
const (
	// UnfinishedWhere selects the attempts a stopped process may have left behind (placing, live, unknown).
	UnfinishedWhere = unfinishedWhere
	// LiveWhere selects the attempts that hold their number: "one live call per number".
	LiveWhere = liveWhere
	// CountedWhere selects the attempts that count as calls for the limits (not blocked, not not-placed).
	CountedWhere = countedWhere
	// FinalStatuses is the parenthesised list of the final verification statuses, for "status IN".
	FinalStatuses = finalStatuses
)

// Nanos is how every engine stores a time: nanoseconds since the Unix epoch, 0 for the zero time.
func Nanos(t time.Time) int64 { return nanos(t) }

// FromNanos is the inverse of Nanos; times come back in UTC.
func FromNanos(n int64) time.Time { return fromNanos(n) }

// SinceNanos is the lower bound of created_at that HistoryQuery.Since and ExportOptions.Since select
// (everything when since is zero).
func SinceNanos(since time.Time) int64 { return sinceNanos(since) }

// CheckVerification refuses a verification without a number or with a status that is not one.
func CheckVerification(v *record.Verification) error { return validVerification(v) }

// CheckPlacement validates p as InsertAttemptChecked needs it, giving p.Attempt the State "placing" when it
// has none. The error names what is wrong, without the operation.
func CheckPlacement(p Placement) error {
	a, v := p.Attempt, p.Verification
	if a == nil || v == nil {
		return errors.New("a placement needs a verification and an attempt")
	}
	if a.State == "" {
		a.State = record.StatePlacing
	}
	if !a.State.Valid() {
		return fmt.Errorf("unknown attempt state %q", a.State)
	}
	if err := validVerification(v); err != nil {
		return err
	}
	if p.Supersede != nil {
		if err := validVerification(p.Supersede); err != nil {
			return err
		}
	}
	return nil
}

// CheckAuditEntry refuses an audit entry without an action or with a whole phone number: the log holds
// masked numbers only.
func CheckAuditEntry(e *record.AuditEntry) error {
	if e.Action == "" {
		return errors.New("no action")
	}
	if record.Unmasked(e.Number) {
		return errors.New("the audit log holds masked numbers only")
	}
	return nil
}

// AuditHash is the hash of audit entry e chained to prev (the entry before it's hash, or 32 zero bytes for
// the first): SHA-256 over a version tag, prev and every field of e, each length-prefixed. Every engine
// stores the same hashes, so a log verifies the same wherever it is kept.
func AuditHash(prev []byte, e *record.AuditEntry) [sha256.Size]byte { return auditHash(prev, e) }

// AuditChain walks an audit log oldest first, as VerifyAudit does: Next takes each entry with its stored
// hashes and returns a *ChainError at the first that does not follow from the ones before it. The zero
// value is ready for the first entry.
type AuditChain struct {
	head AuditHead
	prev []byte
}

// Next checks entry e, stored with prevHash and hash, against the entries before it.
func (c *AuditChain) Next(e *record.AuditEntry, prevHash, hash []byte) error {
	if c.prev == nil {
		c.prev = make([]byte, sha256.Size)
	}
	sum := auditHash(prevHash, e)
	switch {
	case len(hash) != sha256.Size || string(sum[:]) != string(hash):
		return &ChainError{ID: e.ID, Problem: "was changed after it was written (its hash does not match its content)"}
	case e.ID != c.head.LastID+1:
		return &ChainError{ID: e.ID, Problem: fmt.Sprintf("follows entry %d: the entries between were removed", c.head.LastID)}
	case string(prevHash) != string(c.prev):
		return &ChainError{ID: e.ID, Problem: fmt.Sprintf("does not follow entry %d: it was inserted, or entry %d was rewritten", c.head.LastID, c.head.LastID)}
	}
	c.prev = append(c.prev[:0], hash...)
	c.head.Entries++
	c.head.LastID = e.ID
	copy(c.head.Hash[:], hash)
	return nil
}

// Head returns the head of the entries checked so far.
func (c *AuditChain) Head() AuditHead { return c.head }

// UndeliveredRun folds the newest ended calls to a number, newest first, into LimitQuerier.UndeliveredStreak's
// answer. The zero value is an empty run.
type UndeliveredRun struct {
	n    int
	last time.Time
	over bool
}

// Add takes the next older ended call and reports whether the run may go on (false once a delivered call
// ended it).
func (r *UndeliveredRun) Add(outcome record.Outcome, noCallReported bool, endedAt, updatedAt time.Time) bool {
	if r.over {
		return false
	}
	if !noCallReported && !outcome.Unreached() {
		r.over = true
		return false
	}
	if r.n == 0 {
		r.last = endedAt
		if endedAt.IsZero() {
			r.last = updatedAt
		}
	}
	r.n++
	return true
}

// Result returns how many calls in a row were not delivered, and when the newest of them ended.
func (r *UndeliveredRun) Result() (int, time.Time) { return r.n, r.last }

// WriteExport writes history rows to w as Export does (the format and masking of o; o.Since is the caller's
// to apply). rows hands each row, oldest first, to yield, and stops at yield's first error (a failure to
// write). WriteExport returns rows' error as it is, so rows names the operation in every error it returns,
// its own and yield's; WriteExport names "export history" in the errors it makes itself.
func WriteExport(w io.Writer, o ExportOptions, rows func(yield func(*record.HistoryRow) error) error) error {
	const op = "export history"
	var enc recordWriter
	switch o.Format {
	case "", "csv":
		enc = &csvWriter{w: csv.NewWriter(w)}
	case "json":
		enc = &jsonWriter{jsonArray{w: bufio.NewWriter(w)}}
	default:
		return fmt.Errorf("%s: unknown format %q: use csv or json", op, o.Format)
	}
	mask := o.Mask
	if mask == nil {
		mask = func(n string) string { return n }
	}
	if err := enc.begin(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	err := rows(func(h *record.HistoryRow) error {
		from := h.From
		if h.VerificationStatus != record.StatusVerified {
			from = ""
			if o.MaskCode != nil {
				from = o.MaskCode(h.From)
			}
		}
		rec := exportRecord{
			Number: mask(h.Number), Country: h.Country, LineType: h.LineType, From: from,
			CallSID: h.CallSID, State: string(h.State), Status: h.Status, Outcome: string(h.Outcome),
			VerificationStatus: string(h.VerificationStatus), Checks: h.Checks, Duration: h.Duration,
			Operator: h.Operator, Error: h.Error,
		}
		if !h.CreatedAt.IsZero() {
			rec.Time = h.CreatedAt.Format(time.RFC3339Nano)
		}
		return enc.record(&rec)
	})
	if err != nil {
		return err
	}
	if err := enc.end(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// WriteAuditExport writes audit entries to w as ExportAudit does, in format "csv" (or "") or "json". entries
// hands each entry, oldest first, to yield, and stops at yield's first error. As with WriteExport, entries'
// error is returned as it is (entries names the operation in it), and WriteAuditExport names "export audit
// log" in its own.
func WriteAuditExport(w io.Writer, format string, entries func(yield func(*record.AuditEntry) error) error) error {
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
		jw := &jsonArray{w: bufio.NewWriter(w)}
		if err := jw.begin(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		write = func(r *auditRecord) error { return jw.add(r) }
		end = jw.end
	default:
		return fmt.Errorf("%s: unknown format %q: use csv or json", op, format)
	}
	err := entries(func(e *record.AuditEntry) error {
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

// jsonArray writes one JSON array, an object per line.
type jsonArray struct {
	w *bufio.Writer
	n int
}

func (j *jsonArray) begin() error {
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonArray) add(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sep := ",\n"
	if j.n == 0 {
		sep = "\n"
	}
	j.n++
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	_, err = j.w.Write(b)
	return err
}

func (j *jsonArray) end() error {
	tail := "\n]\n"
	if j.n == 0 {
		tail = "]\n"
	}
	if _, err := j.w.WriteString(tail); err != nil {
		return err
	}
	return j.w.Flush()
}

// Pending returns what the change function added, for the engine that writes it after the function
// returns: the checks, the attempts to write over their stored rows, the transitions, and whether V itself
// is to be written (false after Unchanged).
func (m *VerificationChange) Pending() (checks []record.Check, attempts []record.Attempt, transitions []record.Transition, writeV bool) {
	return m.checks, m.attempts, m.transitions, !m.unchanged
}
