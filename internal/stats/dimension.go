package stats

import (
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Dimension is what a breakdown groups by.
type Dimension string

// The breakdowns.
const (
	ByCountry  Dimension = "country"
	ByPrefix   Dimension = "prefix"
	ByCLI      Dimension = "cli"
	ByOperator Dimension = "operator"
	ByLineType Dimension = "line-type"
	ByResult   Dimension = "result"
	ByHour     Dimension = "hour"
	ByDay      Dimension = "day"
)

// Dimensions lists every breakdown, in the order `flashcall report --by` documents them.
// ByPrefix is not among them: a prefix with a masked number's last digits is nearly the whole number, so
// prefixes are for the alarms, which must name the range they act on, and not for reports.
var Dimensions = []Dimension{ByCountry, ByCLI, ByOperator, ByHour, ByDay, ByLineType, ByResult}

// ParseDimension reads a --by value, with an error that lists what is accepted.
func ParseDimension(s string) (Dimension, error) {
	for _, d := range Dimensions {
		if string(d) == s {
			return d, nil
		}
	}
	names := make([]string, len(Dimensions))
	for i, d := range Dimensions {
		names[i] = string(d)
	}
	return "", fmt.Errorf("%s is not a breakdown: use one of %s", record.Quote(s), strings.Join(names, ", "))
}

// PrefixHidden is how many trailing digits a prefix leaves out: a prefix is the number less its last 4
// digits, the range of 10,000 numbers a carrier or a fraud ring works on (what the alarms watch).
const PrefixHidden = 4

// Label is the heading of the dimension's key column.
func (d Dimension) Label() string {
	switch d {
	case ByCLI:
		return "caller ID"
	case ByLineType:
		return "line type"
	}
	return string(d)
}

// timeKeyed reports whether the dimension's keys are times (sorted in time order, not by volume).
func (d Dimension) timeKeyed() bool { return d == ByHour || d == ByDay }

// key is the row's key under d. A caller ID shows its range only (its code digits hidden, record.MaskCode),
// an operator the person (the key's name without its fingerprint).
func (d Dimension) key(r *record.StatRow, codeDigits int, loc *time.Location) string {
	var k string
	switch d {
	case ByCountry:
		k = r.Country
	case ByPrefix:
		if n := len(r.Number); n > PrefixHidden {
			k = r.Number[:n-PrefixHidden]
		}
	case ByCLI:
		if r.From != "" {
			k = record.MaskCode(r.From, codeDigits)
		}
	case ByOperator:
		k, _, _ = strings.Cut(r.Operator, " (")
	case ByLineType:
		k = r.LineType
	case ByResult:
		k = string(r.VerificationStatus)
		if r.State == record.StateBlocked {
			k = string(record.StatusBlocked)
		}
	case ByHour:
		k = r.CreatedAt.In(loc).Format("2006-01-02 15:00")
	case ByDay:
		k = r.CreatedAt.In(loc).Format("2006-01-02")
	}
	if k == "" {
		return "none"
	}
	return k
}
