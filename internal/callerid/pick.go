package callerid

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"slices"
	"sort"
)

// Pick returns a caller ID from the pool, "+" and digits, chosen uniformly at random among the numbers whose
// code (last codeDigits digits, see Code) is not in avoidCodes. Pass the previous code for the destination
// to never ring it with the same code twice in a row, and the codes already tried to make a retry use a new
// one. When every number of the pool has an avoided code, avoidCodes is ignored and the pick is uniform
// over the whole pool (a pool with one code can do no better). Codes that match nothing are ignored.
//
// r is the randomness source; nil means crypto/rand, which is what production must use (a guessable caller
// ID is a guessable code). Tests may inject a deterministic reader; should it fail or run dry, Pick reads
// crypto/rand instead rather than return a predictable number. r must be safe for concurrent use if Pick is
// called concurrently with it (crypto/rand is).
//
// Pick never lists the pool: it counts the allowed numbers of each range arithmetically, draws an index
// below that count and finds the number with that index by binary search, so a pick costs
// O(ranges × avoided codes + log(range size) × avoided codes) with no allocation proportional to the pool.
// It returns "" for an empty pool.
func (p *Pool) Pick(r io.Reader, avoidCodes []string, codeDigits int) string {
	if p.Size() == 0 {
		return ""
	}
	if r == nil {
		r = rand.Reader
	}
	av := newAvoidSet(avoidCodes, codeDigits)
	allowed := p.size
	if !av.empty() {
		for _, s := range p.spans {
			allowed -= av.count(s, s.lo, s.hi)
		}
		if allowed == 0 {
			av, allowed = avoidSet{}, p.size
		}
	}
	k := uniform(r, allowed)
	if av.empty() {
		i := sort.Search(len(p.cum), func(i int) bool { return p.cum[i] > k })
		before := uint64(0)
		if i > 0 {
			before = p.cum[i-1]
		}
		return formatNumber(p.spans[i].lo + (k - before))
	}
	for _, s := range p.spans {
		a := s.len() - av.count(s, s.lo, s.hi)
		if k < a {
			return formatNumber(av.kth(s, k))
		}
		k -= a
	}
	panic("callerid: allowed numbers miscounted") // unreachable: allowed is the sum of the spans' counts
}

// maxRejections bounds how many draws uniform rejects from an injected reader before it reads crypto/rand:
// a random source has each draw rejected with probability below n / 2^64, so a long run of rejections means
// the reader is stuck (a test's constant reader) and would loop forever.
const maxRejections = 64

// uniform returns a number in [0, n) drawn uniformly from r (n >= 1), rejecting the draws that would bias
// the modulo.
func uniform(r io.Reader, n uint64) uint64 {
	if n <= 1 {
		return 0
	}
	threshold := -n % n // 2^64 mod n: values below it would make small results more likely
	var b [8]byte
	for tries := 0; ; tries++ {
		if tries >= maxRejections {
			r = rand.Reader
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it aborts the program instead)
		}
		if v := binary.LittleEndian.Uint64(b[:]); v >= threshold {
			return v % n
		}
	}
}

// avoidSet is a list of codes to avoid, turned into what they match.
type avoidSet struct {
	digits int
	// mod is 10^digits when numbers that long exist (digits <= MaxDigits), else 0.
	mod uint64
	// residues are codes of exactly digits digits: they match the numbers at least digits long whose value
	// modulo mod equals them.
	residues []uint64
	// exact are codes shorter than digits: each is the code of the number with that value when the number
	// is shorter than digits.
	exact []uint64
}

// newAvoidSet reads avoidCodes for codes of codeDigits digits, dropping duplicates and codes that cannot be
// the code of any caller ID.
func newAvoidSet(avoidCodes []string, codeDigits int) avoidSet {
	av := avoidSet{digits: max(codeDigits, 0)}
	if av.digits <= MaxDigits {
		av.mod = pow10(av.digits)
	}
	for _, c := range avoidCodes {
		switch {
		case !allDigits(c):
		case len(c) == av.digits && av.mod != 0:
			v := uint64(0)
			for i := 0; i < len(c); i++ {
				v = v*10 + uint64(c[i]-'0')
			}
			av.residues = append(av.residues, v)
		case len(c) < av.digits && len(c) >= MinDigits && len(c) <= MaxDigits && c[0] != '0':
			v, problem := parseNumber(c)
			if problem == "" {
				av.exact = append(av.exact, v)
			}
		}
	}
	slices.Sort(av.residues)
	av.residues = slices.Compact(av.residues)
	slices.Sort(av.exact)
	av.exact = slices.Compact(av.exact)
	return av
}

// empty reports whether the set avoids nothing.
func (av avoidSet) empty() bool { return len(av.residues) == 0 && len(av.exact) == 0 }

// count returns how many numbers of lo..hi, a part of span s, have an avoided code.
func (av avoidSet) count(s span, lo, hi uint64) uint64 {
	var n uint64
	if s.digits() >= av.digits {
		for _, r := range av.residues {
			n += countResidue(lo, hi, r, av.mod)
		}
		return n
	}
	for _, v := range av.exact {
		if lo <= v && v <= hi {
			n++
		}
	}
	return n
}

// kth returns the number of span s that is the k-th (from 0) whose code is not avoided; k must be below
// their count.
func (av avoidSet) kth(s span, k uint64) uint64 {
	// Find the smallest x with more than k allowed numbers in s.lo..x.
	lo, hi := s.lo, s.hi
	for lo < hi {
		mid := lo + (hi-lo)/2
		if allowed := mid - s.lo + 1 - av.count(s, s.lo, mid); allowed > k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// countResidue returns how many n in lo..hi have n % m == r.
func countResidue(lo, hi, r, m uint64) uint64 {
	upTo := func(x uint64) uint64 { // how many n in 0..x have n % m == r
		if x < r {
			return 0
		}
		return (x-r)/m + 1
	}
	if lo == 0 {
		return upTo(hi)
	}
	return upTo(hi) - upTo(lo-1)
}
