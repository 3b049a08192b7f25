package callerid

import (
	"fmt"
	"strings"
)

// maskRune is the character record.MaskCode hides a code digit behind.
const maskRune = '•'

// MaskedRange reads a caller-ID range as the figures and the alarms name it (record.MaskCode: a caller ID
// whose last digits are hidden, "+44741834••••") and returns the pool of every number it stands for, the
// hidden digits taking every value: +447418340000 to +447418349999. A key with nothing hidden is that one
// number. The numbers must be E.164 caller IDs (MinDigits to MaxDigits digits, no leading 0).
func MaskedRange(key string) (*Pool, error) {
	body := strings.TrimPrefix(key, "+")
	digits := strings.TrimRight(body, string(maskRune))
	hidden := len([]rune(body[len(digits):]))
	if digits == "" || !allDigits(digits) {
		return nil, fmt.Errorf("%q is not a caller-ID range: write it as flashcall alarms lists it, digits with the "+
			"code's hidden behind •, e.g. \"+44741834••••\"", key)
	}
	lo, problem := parseNumber(digits + strings.Repeat("0", hidden))
	if problem != "" {
		return nil, fmt.Errorf("%q is not a caller-ID range: %s", key, problem)
	}
	return newPool([]span{{lo, lo + pow10(hidden) - 1}}), nil
}

// Without returns the pool less the numbers of q (p itself when they share none). It is computed on the
// ranges, never by listing numbers.
func (p *Pool) Without(q *Pool) *Pool {
	if p.Size() == 0 || q.Size() == 0 {
		return p
	}
	var out []span
	changed := false
	for _, s := range p.spans {
		rest := []span{s}
		for _, cut := range q.spans {
			if cut.hi < s.lo || cut.lo > s.hi {
				continue
			}
			changed = true
			var next []span
			for _, r := range rest {
				if r.lo < cut.lo {
					next = append(next, span{r.lo, min(r.hi, cut.lo-1)})
				}
				if r.hi > cut.hi {
					next = append(next, span{max(r.lo, cut.hi+1), r.hi})
				}
			}
			rest = next
		}
		out = append(out, rest...)
	}
	if !changed {
		return p
	}
	return newPool(out)
}
