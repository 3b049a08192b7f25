package record

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// HistoryFilter is what the history's "/" finds, parsed: every term must match (AND). The store answers it
// from indexes over the whole history; ParseHistoryFilter reads it from what the operator typed.
type HistoryFilter struct {
	// Text is the filter as typed.
	Text string
	// Tails are 3 to 8 trailing digits of the number (customers give the last 4).
	Tails []string
	// Numbers are whole numbers in E.164; "" stands for a long digit word that is no number (matches nothing).
	Numbers []string
	// Operators are the start of the name of an operator who placed one of the verification's calls, in
	// lower case (operator names compare without case).
	Operators []string
	// SIDs are fragments of one of its calls' SIDs, in lower case: "ca…" is the start of the call part (what
	// follows the instance ID), anything else its last characters.
	SIDs []string
	// Results are result words: each matches the verification's status or one of its calls' outcomes or
	// Restcomm statuses, by the values it names.
	Results []ResultTerm
	// Since keeps verifications created at or after it; Until those created before it (zero: no bound).
	Since, Until time.Time
}

// ResultTerm is one result word and the values it stands for (the ones it is the start of).
type ResultTerm struct {
	// Word is the word typed.
	Word string
	// Statuses, Outcomes and CallStatuses are the verification statuses, attempt outcomes and Restcomm call
	// statuses the word names.
	Statuses     []Status
	Outcomes     []Outcome
	CallStatuses []string
}

// Active reports whether the filter selects anything at all.
func (f HistoryFilter) Active() bool {
	return len(f.Tails)+len(f.Numbers)+len(f.Operators)+len(f.SIDs)+len(f.Results) > 0 ||
		!f.Since.IsZero() || !f.Until.IsZero()
}

// MinTailDigits and MaxTailDigits bound how many trailing digits a filter word matches on their own.
const (
	MinTailDigits = 3
	MaxTailDigits = 8
)

// MaxSIDTail is how many trailing characters of a call SID the store indexes.
const MaxSIDTail = 8

// allStatuses, allOutcomes and callStatuses are the result vocabulary.
var (
	allStatuses = []Status{StatusCalling, StatusAwaitingCode, StatusNotDelivered, StatusVerified, StatusFailed,
		StatusExpired, StatusCanceled, StatusSuperseded, StatusBlocked}
	allOutcomes = []Outcome{OutcomeDelivered, OutcomeAnswered, OutcomeBusy, OutcomeFailed, OutcomeNotFound,
		OutcomeNotDelivered, OutcomeUnknown}
	callStatuses = []string{"queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"}
)

// minResultWord is the shortest word read as a result: "ca" would name calling and canceled, but it is also
// the start of operators' names and SIDs.
const minResultWord = 3

// ParseHistoryFilter reads a filter text. Words (separated by spaces) are:
//
//   - 3 to 8 digits: the end of the number ("3450" finds +447400123450);
//   - a whole number in any format the number input takes ("+44 7400 123450", "07400123450" in the default
//     region, "447400123450"): wholeNumber reads it, the number input's own parser;
//   - since:DATE and until:DATE (2026-11-30, in loc): created on or after, on or before that day;
//   - op:NAME, sid:FRAGMENT, is:RESULT say what a word is; without a prefix a word that starts a result
//     (verified, busy, no-answer, ...) is a result, a word of hex digits that holds a digit or starts with "ca"
//     is a call SID fragment, and any other word the start of an operator's name.
//
// The error says which word is wrong and what to type instead.
func ParseHistoryFilter(text string, loc *time.Location, wholeNumber func(string) (string, bool)) (HistoryFilter, error) {
	f := HistoryFilter{Text: strings.TrimSpace(text)}
	if loc == nil {
		loc = time.Local
	}
	words := strings.Fields(f.Text)
	for i := 0; i < len(words); i++ {
		w := words[i]
		if numberish(w) {
			// A number may be typed with spaces: join the longest run of number-like words that reads as one.
			j := i + 1
			for j < len(words) && numberish(words[j]) {
				j++
			}
			if j-i > 1 {
				if e164, ok := readNumber(strings.Join(words[i:j], ""), wholeNumber); ok {
					f.Numbers = append(f.Numbers, e164)
					i = j - 1
					continue
				}
			}
			if err := f.addDigits(w, wholeNumber); err != nil {
				return HistoryFilter{}, err
			}
			continue
		}
		if err := f.addWord(w, loc); err != nil {
			return HistoryFilter{}, err
		}
	}
	return f, nil
}

// addDigits adds one number-like word: a tail of 3 to 8 digits, or a whole number.
func (f *HistoryFilter) addDigits(w string, wholeNumber func(string) (string, bool)) error {
	d := digitsOf(w)
	if len(d) >= MinTailDigits && len(d) <= MaxTailDigits && !strings.HasPrefix(w, "+") {
		f.Tails = append(f.Tails, d)
		return nil
	}
	if len(d) < MinTailDigits {
		return fmt.Errorf("%q: type at least %d digits (the end of the number) or a whole number", w, MinTailDigits)
	}
	e164, _ := readNumber(w, wholeNumber)
	f.Numbers = append(f.Numbers, e164)
	return nil
}

// readNumber reads a whole number, also when its international "+" was left out.
func readNumber(s string, wholeNumber func(string) (string, bool)) (string, bool) {
	if wholeNumber == nil {
		return "", false
	}
	if e164, ok := wholeNumber(s); ok {
		return e164, true
	}
	if !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "0") {
		return wholeNumber("+" + s)
	}
	return "", false
}

// addWord adds a word that is not a number.
func (f *HistoryFilter) addWord(w string, loc *time.Location) error {
	lw := strings.ToLower(w)
	kind, val, hasKind := strings.Cut(lw, ":")
	if !hasKind {
		kind, val = "", lw
	}
	switch kind {
	case "since", "until":
		day, err := time.ParseInLocation("2006-01-02", val, loc)
		if err != nil {
			return fmt.Errorf("%q: %s: wants a date like 2026-11-30", w, kind)
		}
		if kind == "since" {
			f.Since = day
		} else {
			f.Until = day.AddDate(0, 0, 1)
		}
		return nil
	case "op", "operator":
		if val == "" {
			return fmt.Errorf("%q: op: wants the start of an operator's name, e.g. op:alice", w)
		}
		f.Operators = append(f.Operators, val)
		return nil
	case "sid":
		if !sidFragment(val) {
			return fmt.Errorf("%q: sid: wants the start (CA…) or the last characters of a call SID", w)
		}
		f.SIDs = append(f.SIDs, val)
		return nil
	case "is", "result":
		t, ok := resultTerm(val, 1)
		if !ok {
			return fmt.Errorf("%q: is: wants a result such as verified, failed, expired, busy or no-answer", w)
		}
		f.Results = append(f.Results, t)
		return nil
	case "":
	default:
		if hasKind {
			return fmt.Errorf("%q: unknown %s: (use since:, until:, op:, sid: or is:)", w, kind)
		}
	}
	if t, ok := resultTerm(lw, minResultWord); ok {
		f.Results = append(f.Results, t)
		return nil
	}
	if sidFragment(lw) && (strings.HasPrefix(lw, "ca") || strings.ContainsAny(lw, "0123456789")) {
		f.SIDs = append(f.SIDs, lw)
		return nil
	}
	f.Operators = append(f.Operators, lw)
	return nil
}

// resultTerm returns the values a word is the start of, if any (and the word is at least minLen long).
func resultTerm(w string, minLen int) (ResultTerm, bool) {
	t := ResultTerm{Word: w}
	if len(w) < minLen {
		return t, false
	}
	for _, s := range allStatuses {
		if strings.HasPrefix(string(s), w) {
			t.Statuses = append(t.Statuses, s)
		}
	}
	for _, o := range allOutcomes {
		if strings.HasPrefix(string(o), w) {
			t.Outcomes = append(t.Outcomes, o)
		}
	}
	for _, c := range callStatuses {
		if strings.HasPrefix(c, w) {
			t.CallStatuses = append(t.CallStatuses, c)
		}
	}
	return t, len(t.Statuses)+len(t.Outcomes)+len(t.CallStatuses) > 0
}

// sidFragment reports whether w can be part of a call SID: 4 or more hex digits, or "ca" and hex digits.
func sidFragment(w string) bool {
	h := strings.TrimPrefix(w, "ca")
	if len(w) < 4 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// numberish reports whether a word is made of what a typed number holds: digits, a leading "+", and the
// separators the number input ignores; with at least one digit.
func numberish(w string) bool {
	hasDigit := false
	for i, r := range w {
		switch {
		case r >= '0' && r <= '9':
			hasDigit = true
		case r == '+' && i == 0, r == '-', r == '.', r == '(', r == ')', r == '/':
		default:
			return false
		}
	}
	return hasDigit
}

// digitsOf keeps the digits of s.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HistorySort is the column the history is sorted on.
type HistorySort string

// History sort columns: time runs newest first; number, result and operator run in ascending order, equal
// values in the order of their verification IDs.
const (
	SortTime     HistorySort = "time"
	SortNumber   HistorySort = "number"
	SortResult   HistorySort = "result"
	SortOperator HistorySort = "operator"
)

// HistorySorts lists the sort columns in the order `s` cycles through them.
var HistorySorts = []HistorySort{SortTime, SortNumber, SortResult, SortOperator}

// Next returns the sort column after s in HistorySorts.
func (s HistorySort) Next() HistorySort {
	for i, x := range HistorySorts {
		if x == s {
			return HistorySorts[(i+1)%len(HistorySorts)]
		}
	}
	return SortTime
}

// Valid reports whether s is one of the sort columns.
func (s HistorySort) Valid() bool {
	for _, x := range HistorySorts {
		if x == s {
			return true
		}
	}
	return false
}

// HistoryKey is a verification's place in a sort order: keyset pagination continues from it, so a page
// stays the same while newer verifications are added.
type HistoryKey struct {
	// At is the verification's creation time (SortTime).
	At time.Time
	// Text is its number, status or operator (the other sorts).
	Text string
	// ID breaks ties.
	ID int64
}

// KeyOf returns v's key in sort order s.
func KeyOf(v *Verification, s HistorySort) HistoryKey {
	k := HistoryKey{At: v.CreatedAt, ID: v.ID}
	switch s {
	case SortNumber:
		k.Text = v.Number
	case SortResult:
		k.Text = string(v.Status)
	case SortOperator:
		k.Text = v.Operator
	}
	return k
}

// HistoryPage asks for one page of the history: verifications matching Filter, in Sort order, after (or,
// with Backward, before) the key After; the first page when After is nil.
type HistoryPage struct {
	// Filter selects the verifications.
	Filter HistoryFilter
	// Sort is the order ("" is SortTime).
	Sort HistorySort
	// After is the key the page continues from (exclusive); nil for the start.
	After *HistoryKey
	// Backward asks for the rows just before After instead (still returned in sort order).
	Backward bool
	// Limit is the most rows returned (1 to MaxHistoryPage; 0 is DefaultHistoryPage).
	Limit int
	// Count asks for the number of verifications the filter matches too.
	Count bool
}

// DefaultHistoryPage and MaxHistoryPage bound HistoryPage.Limit.
const (
	DefaultHistoryPage = 100
	MaxHistoryPage     = 1000
)

// MaxHistoryCount is where HistoryPage.Count stops counting (HistoryResult.TotalCapped).
const MaxHistoryCount = 10_000

// ErrBadHistoryPage is returned for a page request the store cannot answer (an unknown sort column).
var ErrBadHistoryPage = errors.New("bad history page request")

// PageLimit is q.Limit within its bounds.
func (q HistoryPage) PageLimit() int {
	switch {
	case q.Limit <= 0:
		return DefaultHistoryPage
	case q.Limit > MaxHistoryPage:
		return MaxHistoryPage
	}
	return q.Limit
}

// VerificationRow is one line of the history: a verification with its newest attempt and how many it has.
type VerificationRow struct {
	// Verification is the verification as stored.
	Verification
	// Latest is its newest attempt with the verification's status and checks (Latest.ID is 0 when it has none
	// yet).
	Latest HistoryRow
	// Attempts is how many calls it made (or tried to).
	Attempts int
}

// HistoryResult is one page of the history.
type HistoryResult struct {
	// Rows are the page's verifications in sort order.
	Rows []VerificationRow
	// More reports whether rows follow in the direction asked for.
	More bool
	// Total is how many verifications the filter matches (only when asked for, -1 otherwise), counted up
	// to a cap (MaxHistoryCount, or less for a filter that only has broad words such as a result).
	Total int
	// TotalCapped reports that counting stopped at the cap: there are Total matches or more.
	TotalCapped bool
}
