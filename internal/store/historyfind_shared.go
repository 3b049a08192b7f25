package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
)

// This file holds what both engines share to answer a history page (record.HistoryPage): how a tail is
// turned into an index range, which columns each sort uses, and how a page read backwards is put in order.

// Reverse returns s with its characters in reverse order: trailing digits (or SID characters) become a
// prefix, which an index answers with a range.
func Reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// PrefixEnd returns the smallest string greater than every string that starts with p, for the range
// [p, PrefixEnd(p)) (p is not empty; a last byte of 0xff is carried).
func PrefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return p + "\xff"
}

// EscapeLike escapes the LIKE wildcards of s, with \ as the escape character.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SortColumn is the verifications column a sort orders by (besides id), and whether it runs newest first.
func SortColumn(s record.HistorySort) (column string, descending bool, err error) {
	switch s {
	case record.SortTime, "":
		return "created_at", true, nil
	case record.SortNumber:
		return "number", false, nil
	case record.SortResult:
		return "status", false, nil
	case record.SortOperator:
		return "operator", false, nil
	}
	return "", false, fmt.Errorf("%w: unknown sort column %q (time, number, result or operator)", record.ErrBadHistoryPage, s)
}

// KeyValue is the stored value of a key's sort column.
func KeyValue(k *record.HistoryKey, s record.HistorySort) any {
	if s == record.SortTime || s == "" {
		return nanos(k.At)
	}
	return k.Text
}

// FinishPage trims a page read with one row more than asked for, puts a backward page in sort order, and
// reports whether rows follow.
func FinishPage(rows []record.VerificationRow, q record.HistoryPage) ([]record.VerificationRow, bool) {
	more := len(rows) > q.PageLimit()
	if more {
		rows = rows[:q.PageLimit()]
	}
	if q.Backward {
		slices.Reverse(rows)
	}
	return rows, more
}

// FillLatest puts each row's newest attempt (found among attempts by the ID in Latest.ID) into Latest, with
// the verification's status and checks; a verification without attempts gets its own number, operator and
// time there (and Latest.ID 0).
func FillLatest(rows []record.VerificationRow, attempts []record.Attempt) {
	byID := make(map[int64]*record.Attempt, len(attempts))
	for i := range attempts {
		byID[attempts[i].ID] = &attempts[i]
	}
	for i := range rows {
		r := &rows[i]
		if a, ok := byID[r.Latest.ID]; ok {
			r.Latest.Attempt = *a
		} else {
			// No call yet: the line shows the verification itself.
			r.Latest.Attempt = record.Attempt{VerificationID: r.ID, Number: r.Number, Country: r.Country,
				Operator: r.Operator, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
		}
		r.Latest.VerificationStatus, r.Latest.Checks, r.Latest.MaxChecks = r.Status, r.Checks, r.MaxChecks
		if r.Latest.VerificationID == 0 {
			r.Latest.VerificationID = r.ID
		}
	}
}
