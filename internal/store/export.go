package store

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// ExportOptions select what Export writes.
type ExportOptions struct {
	// Format is "csv" (the default when empty: a header line, then one line per attempt) or "json" (one
	// array of objects).
	Format string
	// Since keeps attempts created at or after it (zero: all).
	Since time.Time
	// Mask, when set, is applied to each customer number written; nil writes numbers as stored.
	Mask func(number string) string
	// MaskCode hides the code digits of the caller ID of an attempt whose verification is not verified (the
	// code of an open verification must not leave before it is read back); nil leaves such a caller ID out.
	MaskCode func(from string) string
}

// ExportColumns returns the CSV header and the JSON keys of Export, in order.
func ExportColumns() []string {
	return []string{"time", "number", "country", "line_type", "from", "call_sid", "state", "status",
		"outcome", "verification_status", "checks", "duration", "operator", "error"}
}

// exportRecord is one exported attempt; the field order is ExportColumns'.
type exportRecord struct {
	Time               string `json:"time"`
	Number             string `json:"number"`
	Country            string `json:"country"`
	LineType           string `json:"line_type"`
	From               string `json:"from"`
	CallSID            string `json:"call_sid"`
	State              string `json:"state"`
	Status             string `json:"status"`
	Outcome            string `json:"outcome"`
	VerificationStatus string `json:"verification_status"`
	Checks             int    `json:"checks"`
	Duration           int    `json:"duration"`
	Operator           string `json:"operator"`
	Error              string `json:"error"`
}

func (r *exportRecord) csv() []string {
	return []string{r.Time, r.Number, r.Country, r.LineType, r.From, r.CallSID, r.State, r.Status, r.Outcome,
		r.VerificationStatus, strconv.Itoa(r.Checks), strconv.Itoa(r.Duration), r.Operator, r.Error}
}

// Export writes the history to w, oldest first, streaming rows as they are read. Times are RFC 3339 in UTC
// with nanoseconds ("" for the zero time).
func (s *Store) Export(ctx context.Context, w io.Writer, o ExportOptions) error {
	const op = "export history"
	return WriteExport(w, o, func(yield func(*record.HistoryRow) error) error {
		rows, err := s.r.QueryContext(ctx, `SELECT `+historyColumns+historyFrom+`ORDER BY a.created_at, a.id`,
			sinceNanos(o.Since))
		if err != nil {
			return s.wrap(op, err)
		}
		defer rows.Close()
		for rows.Next() {
			var h record.HistoryRow
			if err := scanAttempt(rows, &h.Attempt, &h.VerificationStatus, &h.Checks, &h.MaxChecks); err != nil {
				return s.wrap(op, err)
			}
			if err := yield(&h); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
		if err := rows.Err(); err != nil {
			return s.wrap(op, err)
		}
		return nil
	})
}

// recordWriter is one export format.
type recordWriter interface {
	begin() error
	record(r *exportRecord) error
	end() error
}

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) begin() error { return c.w.Write(ExportColumns()) }

func (c *csvWriter) record(r *exportRecord) error { return c.w.Write(r.csv()) }

func (c *csvWriter) end() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes export records as one JSON array, one object a line.
type jsonWriter struct{ jsonArray }

func (j *jsonWriter) record(r *exportRecord) error { return j.add(r) }
