// Package callerid models the pool of caller IDs a flash call may ring from. The code a customer reads back
// is the last code_digits digits of the calling number, so the pool is the code's entropy: this package
// parses the pool (single numbers and ranges, never expanded in memory), counts its distinct codes, says how
// likely a guesser is to pass, and picks caller IDs uniformly at random with a cryptographic source.
//
// A Pool is immutable once parsed and safe for concurrent use.
package callerid

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultKey is the configuration key Parse names in its errors.
const DefaultKey = "call.from"

// MinDigits and MaxDigits bound the length of a caller ID: an E.164 number, country code included, has at
// most 15 digits, and none of the numbers a business can rent is shorter than 8.
const (
	MinDigits = 8
	MaxDigits = 15
)

// Pool is a set of caller IDs, stored as sorted, disjoint ranges of numbers. The zero value and nil are an
// empty pool.
type Pool struct {
	spans []span   // sorted by lo, disjoint; each span's numbers all have the same number of digits
	cum   []uint64 // cum[i] is how many numbers spans[:i+1] hold
	size  uint64   // distinct numbers, the sum of the spans' lengths
}

// EntryError is one problem with one entry of a caller-ID list. Parse and ParseKey return every problem
// they find joined with errors.Join, so errors.As finds the first and a caller that wants them all can
// unwrap the join (interface{ Unwrap() []error }).
type EntryError struct {
	// Key is the configuration key of the list, e.g. "call.from".
	Key string
	// Index is the entry's position in the list, or -1 when the problem is with the list as a whole.
	Index int
	// Entry is the entry as written ("" when Index is -1).
	Entry string
	// Problem says what is wrong and how to fix it.
	Problem string
}

// Error reads like "call.from[2]: range "+447418349999-+447418340000" starts after it ends: ...".
func (e *EntryError) Error() string {
	if e.Index < 0 {
		return e.Key + ": " + e.Problem
	}
	return fmt.Sprintf("%s[%d]: %s", e.Key, e.Index, e.Problem)
}

// Parse reads the caller-ID list of the call.from setting: see ParseKey.
func Parse(entries []string) (*Pool, error) {
	return ParseKey(DefaultKey, entries)
}

// ParseKey reads a caller-ID list whose configuration key is key (used in error messages, e.g.
// "call.from_by_country.GB"). Each entry is a number, 8 to 15 digits with an optional leading "+"
// ("447418340465", "+447418340465"), or an inclusive range of two such numbers of the same length joined by
// "-" ("+447418340000-+447418349999"). Duplicate and overlapping entries are allowed and counted once. An
// empty list, or any bad entry, is an error naming every bad entry; the pool is then nil.
func ParseKey(key string, entries []string) (*Pool, error) {
	if len(entries) == 0 {
		return nil, &EntryError{Key: key, Index: -1, Problem: "is empty: list at least one caller ID you may " +
			`call from, e.g. ["447418340465"], or a range you rent, e.g. ["+447418340000-+447418349999"]`}
	}
	var errs []error
	spans := make([]span, 0, len(entries))
	for i, e := range entries {
		s, problem := parseEntry(e)
		if problem != "" {
			errs = append(errs, &EntryError{Key: key, Index: i, Entry: e, Problem: problem})
			continue
		}
		spans = append(spans, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return newPool(spans), nil
}

// newPool sorts and merges spans into a Pool.
func newPool(spans []span) *Pool {
	merged := mergeSpans(spans)
	p := &Pool{spans: merged, cum: make([]uint64, len(merged))}
	for i, s := range merged {
		p.size += s.len()
		p.cum[i] = p.size
	}
	return p
}

// Size returns how many distinct numbers the pool holds.
func (p *Pool) Size() uint64 {
	if p == nil {
		return 0
	}
	return p.size
}

// Contains reports whether number (digits with an optional leading "+") is in the pool.
func (p *Pool) Contains(number string) bool {
	if p == nil {
		return false
	}
	v, problem := parseNumber(number)
	if problem != "" {
		return false
	}
	i := sort.Search(len(p.spans), func(i int) bool { return p.spans[i].hi >= v })
	return i < len(p.spans) && p.spans[i].lo <= v
}

// String describes the pool for messages: "1 number", "3 numbers", "10,000 numbers in 1 range",
// "10,003 numbers in 1 range and 3 single numbers". Ranges and single numbers are counted after merging, so
// overlapping entries, or neighbouring numbers listed one by one, count as one range.
func (p *Pool) String() string {
	if p.Size() == 0 {
		return "no numbers"
	}
	ranges, singles := 0, 0
	for _, s := range p.spans {
		if s.lo == s.hi {
			singles++
		} else {
			ranges++
		}
	}
	total := plural(p.size, "number", "numbers")
	if ranges == 0 {
		return total
	}
	out := total + " in " + plural(uint64(ranges), "range", "ranges")
	if singles > 0 {
		out += " and " + plural(uint64(singles), "single number", "single numbers")
	}
	return out
}

// Code returns the code a customer reads back when called from number: its last codeDigits digits, or all
// of them when the number is shorter. A leading "+" is ignored; codeDigits <= 0 gives "".
func Code(number string, codeDigits int) string {
	digits := strings.TrimPrefix(number, "+")
	if codeDigits <= 0 {
		return ""
	}
	if len(digits) <= codeDigits {
		return digits
	}
	return digits[len(digits)-codeDigits:]
}

// formatNumber spells v the way the pool returns numbers: E.164 with a leading "+".
func formatNumber(v uint64) string {
	return "+" + strconv.FormatUint(v, 10)
}

// plural spells n with thousands separators and the right noun.
func plural(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return groupThousands(strconv.FormatUint(n, 10)) + " " + many
}

// groupThousands inserts "," every three digits from the right of a string of digits.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
