package callerid

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// DistinctCodes returns how many different codes (last codeDigits digits of the number) the pool can
// produce: the real entropy of a flash-call verification, whatever codeDigits is. It is computed on the
// merged ranges, never by listing numbers. A range of 10^codeDigits numbers or more yields every code, so
// for numbers at least codeDigits long the count is at most 10^codeDigits. A number shorter than codeDigits
// is its own code; such numbers (only when codeDigits exceeds 8) each add one. An empty pool has 0 codes;
// codeDigits <= 0 means the code is always "", 1 code.
func (p *Pool) DistinctCodes(codeDigits int) uint64 {
	if p.Size() == 0 {
		return 0
	}
	if codeDigits <= 0 {
		return 1
	}
	var short uint64    // numbers shorter than codeDigits: each is a distinct code
	var residues []span // code values, as intervals of residues modulo 10^codeDigits
	full := false
	m := uint64(0)
	for _, s := range p.spans {
		if s.digits() < codeDigits {
			short += s.len()
			continue
		}
		m = pow10(codeDigits) // codeDigits <= s.digits() <= MaxDigits, so no overflow
		if full {
			continue
		}
		if s.len() >= m {
			full = true
			continue
		}
		a, b := s.lo%m, s.hi%m
		if a <= b {
			residues = append(residues, span{a, b})
		} else { // the suffixes wrap around: ...9998, ...9999, ...0000, ...0001
			residues = append(residues, span{a, m - 1}, span{0, b})
		}
	}
	if full {
		return m + short
	}
	sort.Slice(residues, func(i, j int) bool { return residues[i].lo < residues[j].lo })
	var long uint64
	var cur span
	for i, r := range residues {
		switch {
		case i == 0:
			cur = r
		case r.lo <= cur.hi+1:
			cur.hi = max(cur.hi, r.hi)
		default:
			long += cur.len()
			cur = r
		}
	}
	if len(residues) > 0 {
		long += cur.len()
	}
	return long + short
}

// GuessProbability returns the chance that someone who was never called passes verification by guessing:
// with maxChecks read-backs allowed and the pool's distinct codes equally likely, min(1, maxChecks /
// DistinctCodes(codeDigits)). It is 0 when maxChecks <= 0 and 1 for an empty pool (no code to protect).
func (p *Pool) GuessProbability(maxChecks, codeDigits int) float64 {
	if maxChecks <= 0 {
		return 0
	}
	codes := p.DistinctCodes(codeDigits)
	if codes == 0 {
		return 1
	}
	return math.Min(1, float64(maxChecks)/float64(codes))
}

// FormatOdds spells a probability as odds for the console header and doctor: 0.0003 -> "1 in 3,333" (1/p
// rounded, with thousands separators). Odds under 10 keep one decimal so that a weak pool does not look
// certain: 0.75 -> "1 in 1.3", 0.4 -> "1 in 2.5", 0.5 -> "1 in 2". p >= 1 gives "1 in 1"; p <= 0 (or NaN)
// gives "none".
func FormatOdds(p float64) string {
	switch {
	case math.IsNaN(p) || p <= 0:
		return "none"
	case p >= 1:
		return "1 in 1"
	}
	x := 1 / p
	if x < 10 {
		s := strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64)
		return "1 in " + strings.TrimSuffix(s, ".0")
	}
	return "1 in " + groupThousands(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
}
