package callerid

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// span is the inclusive range of numbers lo..hi. All of a span's numbers have the same number of digits:
// E.164 numbers never start with 0, so a number's value fixes its spelling and its length.
type span struct {
	lo, hi uint64
}

// len returns how many numbers the span holds.
func (s span) len() uint64 { return s.hi - s.lo + 1 }

// digits returns how many digits each of the span's numbers has.
func (s span) digits() int { return digitCount(s.lo) }

// exampleRange is the range the error messages show.
const exampleRange = `"+447418340000-+447418349999"`

// notDigits is parseNumber's complaint about a number with something other than digits in it.
const notDigits = `must be digits with an optional leading "+", e.g. "447418340465" (no spaces, dashes or ` +
	`brackets)`

// parseEntry reads one caller-ID list entry, a number or a range, and returns its span or what is wrong
// with it, worded for the person editing the configuration.
func parseEntry(e string) (span, string) {
	if e == "" {
		return span{}, `is empty: give a caller ID such as "447418340465" or a range such as ` + exampleRange
	}
	first, last, isRange := strings.Cut(e, "-")
	if !isRange {
		v, problem := parseNumber(e)
		if problem == notDigits {
			problem += `, or a range of two such numbers joined by "-", e.g. ` + exampleRange
		}
		if problem != "" {
			return span{}, fmt.Sprintf("%q %s", e, problem)
		}
		return span{v, v}, ""
	}
	if strings.Contains(last, "-") {
		return span{}, fmt.Sprintf(`%q has more than one "-": a range is two numbers joined by a single "-", `+
			"e.g. %s (no dashes inside the numbers)", e, exampleRange)
	}
	if first == "" || last == "" {
		missing := "first"
		if first != "" {
			missing = "last"
		}
		return span{}, fmt.Sprintf(`range %q has no %s number: a range is two numbers joined by "-", e.g. %s`,
			e, missing, exampleRange)
	}
	lo, problem := parseNumber(first)
	if problem != "" {
		return span{}, fmt.Sprintf("range %q: its first number %q %s", e, first, problem)
	}
	hi, problem := parseNumber(last)
	if problem != "" {
		return span{}, fmt.Sprintf("range %q: its last number %q %s", e, last, problem)
	}
	if dl, dh := digitCount(lo), digitCount(hi); dl != dh {
		return span{}, fmt.Sprintf("range %q: range ends must have the same number of digits (%d and %d): "+
			"write both ends in full, e.g. %s", e, dl, dh, exampleRange)
	}
	if lo > hi {
		return span{}, fmt.Sprintf("range %q starts after it ends: write the smaller number first: %q",
			e, formatNumber(hi)+"-"+formatNumber(lo))
	}
	return span{lo, hi}, ""
}

// parseNumber reads a number, digits with an optional leading "+", and returns its value, or the end of a
// sentence that starts with the quoted input and says what is wrong with it.
func parseNumber(s string) (uint64, string) {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || !allDigits(digits) {
		return 0, notDigits
	}
	if digits[0] == '0' {
		return 0, `starts with 0: write the number in E.164 form, country code first and no trunk prefix, ` +
			`e.g. "447418340465" rather than "07418340465"`
	}
	if n := len(digits); n < MinDigits || n > MaxDigits {
		return 0, fmt.Sprintf("has %d digits: an E.164 caller ID has %d to %d, country code included",
			n, MinDigits, MaxDigits)
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil { // cannot happen for 15 digits or fewer; kept so a change of limits stays safe
		return 0, "is not a number: " + err.Error()
	}
	return v, ""
}

// allDigits reports whether s is made of ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digitCount returns how many decimal digits v has (1 for 0).
func digitCount(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// pow10 returns 10^n for 0 <= n <= 19.
func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// mergeSpans sorts spans and merges those that overlap or touch, keeping numbers of different lengths in
// different spans (99999999 and 100000000 touch but have different codes' shapes).
func mergeSpans(in []span) []span {
	spans := append([]span(nil), in...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 {
			cur := &out[n-1]
			overlaps := s.lo <= cur.hi
			adjacent := s.lo == cur.hi+1 && digitCount(s.lo) == digitCount(cur.hi)
			if overlaps || adjacent {
				cur.hi = max(cur.hi, s.hi)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
