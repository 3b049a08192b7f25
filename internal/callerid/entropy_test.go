package callerid

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestDistinctCodes(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		digits  int
		want    uint64
	}{
		{"one number", []string{"447418340465"}, 4, 1},
		{"three numbers, three codes", []string{"447418340465", "447418340466", "447418350467"}, 4, 3},
		{"same code from two numbers", []string{"447418340465", "447418350465"}, 4, 1},
		{"same code, other countries", []string{"447418340465", "15005550465", "33612340465"}, 4, 1},
		{"10,000 range, 4 digits", []string{"+447418340000-+447418349999"}, 4, 10000},
		{"10,000 range, 3 digits", []string{"+447418340000-+447418349999"}, 3, 1000},
		{"10,000 range, 5 digits", []string{"+447418340000-+447418349999"}, 5, 10000},
		{"10,000 unaligned range, 4 digits", []string{"+447418340500-+447418350499"}, 4, 10000},
		{"1,000 range, 4 digits", []string{"+447418340000-+447418340999"}, 4, 1000},
		{"wrapping range", []string{"+447418349990-+447418350009"}, 4, 20},
		{"wrapping range, 2 digits", []string{"+447418349990-+447418350009"}, 2, 20},
		{"wrapping range, 1 digit", []string{"+447418349990-+447418350009"}, 1, 10},
		{"wrapping, one short of all", []string{"+447418340001-+447418349999", "+447418350001-+447418350001"},
			4, 9999},
		{"wrap closes the gap", []string{"+447418340001-+447418350000"}, 4, 10000},
		{"two ranges with the same suffixes", []string{"+447418340000-+447418340999",
			"+447418350000-+447418350999"}, 4, 1000},
		{"two ranges overlapping in suffix", []string{"+447418340000-+447418340999",
			"+447418350500-+447418351499"}, 4, 1500},
		{"two ranges, adjacent suffixes", []string{"+447418340000-+447418340999",
			"+447418351000-+447418351999"}, 4, 2000},
		{"huge range caps", []string{"100000000000000-999999999999999"}, 8, 100_000_000},
		{"code as long as the number", []string{"10000000-10000999"}, 8, 1000},
		{"code longer than short numbers", []string{"99999990-99999999", "100000000-100000009"}, 9, 20},
		{"short number equal to a long number's residue", []string{"12345678", "1012345678"}, 9, 2},
		{"codeDigits 0", []string{"+447418340000-+447418349999"}, 0, 1},
		{"codeDigits negative", []string{"447418340465"}, -3, 1},
		{"codeDigits beyond E.164", []string{"+447418340000-+447418340009"}, 25, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.entries...)
			if got := p.DistinctCodes(tt.digits); got != tt.want {
				t.Errorf("DistinctCodes(%d) = %d, want %d", tt.digits, got, tt.want)
			}
			if tt.want <= 100_000 && p.Size() <= 100_000 {
				if brute := bruteDistinctCodes(p, tt.digits); brute != tt.want {
					t.Errorf("brute force counts %d codes, the table says %d", brute, tt.want)
				}
			}
		})
	}
}

// expand lists every number of a (small) pool.
func expand(p *Pool) []string {
	var out []string
	for _, s := range p.spans {
		for v := s.lo; v <= s.hi; v++ {
			out = append(out, formatNumber(v))
		}
	}
	return out
}

// bruteDistinctCodes counts the codes of a small pool by listing its numbers.
func bruteDistinctCodes(p *Pool, codeDigits int) uint64 {
	seen := map[string]bool{}
	for _, n := range expand(p) {
		seen[Code(n, codeDigits)] = true
	}
	return uint64(len(seen))
}

// randomEntries returns a few small random ranges and numbers, clustered so that they overlap, touch and
// wrap around code boundaries, sometimes straddling a change of length (99999999 / 100000000).
func randomEntries(rng *rand.Rand) []string {
	bases := []uint64{99_990_000, 100_000_000, 447_418_340_000, 1_000_000_000, 99_999_999_000}
	base := bases[rng.IntN(len(bases))]
	n := 1 + rng.IntN(6)
	entries := make([]string, 0, n)
	for range n {
		lo := base - 3000 + rng.Uint64N(6000)
		if lo < 10_000_000 {
			lo = 10_000_000
		}
		hi := lo
		if rng.IntN(3) > 0 {
			hi = lo + rng.Uint64N(1200)
		}
		// Keep both ends the same length, as Parse requires.
		if digitCount(hi) != digitCount(lo) {
			hi = pow10(digitCount(lo)) - 1
		}
		plus := ""
		if rng.IntN(2) == 0 {
			plus = "+"
		}
		if lo == hi && rng.IntN(2) == 0 {
			entries = append(entries, plus+strconv.FormatUint(lo, 10))
		} else {
			entries = append(entries, fmt.Sprintf("%s%d-%s%d", plus, lo, plus, hi))
		}
	}
	return entries
}

func TestDistinctCodesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		entries := randomEntries(rng)
		p := mustParse(t, entries...)
		numbers := expand(p)
		if uint64(len(numbers)) != p.Size() {
			t.Fatalf("case %d %q: Size() = %d, %d distinct numbers listed", i, entries, p.Size(), len(numbers))
		}
		seen := map[string]bool{}
		for _, n := range numbers {
			if seen[n] {
				t.Fatalf("case %d %q: %s listed twice after merging", i, entries, n)
			}
			seen[n] = true
		}
		for d := 0; d <= 12; d++ {
			got, want := p.DistinctCodes(d), bruteDistinctCodes(p, d)
			if got != want {
				t.Fatalf("case %d %q: DistinctCodes(%d) = %d, brute force %d", i, entries, d, got, want)
			}
		}
	}
}

func TestGuessProbability(t *testing.T) {
	one := mustParse(t, "447418340465")
	twenty := mustParse(t, "+447418340000-+447418340019")
	block := mustParse(t, "+447418340000-+447418349999")
	tests := []struct {
		name      string
		pool      *Pool
		maxChecks int
		digits    int
		want      float64
	}{
		{"one caller ID is no verification", one, 3, 4, 1},
		{"one caller ID, one check", one, 1, 4, 1},
		{"twenty numbers", twenty, 1, 4, 1.0 / 20},
		{"twenty numbers, 3 checks", twenty, 3, 4, 3.0 / 20},
		{"twenty numbers, 1 digit", twenty, 3, 1, 3.0 / 10},
		{"block of 10,000", block, 3, 4, 3.0 / 10000},
		{"block, 3 digits", block, 3, 3, 3.0 / 1000},
		{"more checks than codes", twenty, 50, 4, 1},
		{"no checks", block, 0, 4, 0},
		{"negative checks", block, -1, 4, 0},
	}
	for _, tt := range tests {
		if got := tt.pool.GuessProbability(tt.maxChecks, tt.digits); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: GuessProbability(%d, %d) = %v, want %v", tt.name, tt.maxChecks, tt.digits, got, tt.want)
		}
	}
}

func TestFormatOdds(t *testing.T) {
	tests := []struct {
		p    float64
		want string
	}{
		{3.0 / 10000, "1 in 3,333"},
		{1.0 / 10000, "1 in 10,000"},
		{3.0 / 1000, "1 in 333"},
		{3.0 / 20, "1 in 6.7"},
		{1.0 / 20, "1 in 20"},
		{0.1, "1 in 10"},
		{0.5, "1 in 2"},
		{0.4, "1 in 2.5"},
		{0.75, "1 in 1.3"},
		{0.999, "1 in 1"},
		{1, "1 in 1"},
		{2, "1 in 1"},
		{1.0 / 1_000_000, "1 in 1,000,000"},
		{3.0 / 100_000_000, "1 in 33,333,333"},
		{1.0 / 999.6, "1 in 1,000"},
		{0.1001, "1 in 10"},
		{0, "none"},
		{-0.5, "none"},
		{math.NaN(), "none"},
		{math.Inf(1), "1 in 1"},
	}
	for _, tt := range tests {
		if got := FormatOdds(tt.p); got != tt.want {
			t.Errorf("FormatOdds(%v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}
