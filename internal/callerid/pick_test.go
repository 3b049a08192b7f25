package callerid

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// seeded returns a deterministic randomness source for Pick.
func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// allowedNumbers lists, by brute force, the numbers of a small pool Pick may return.
func allowedNumbers(p *Pool, avoid []string, codeDigits int) []string {
	avoided := map[string]bool{}
	for _, c := range avoid {
		avoided[c] = true
	}
	var out []string
	for _, n := range expand(p) {
		if !avoided[Code(n, codeDigits)] {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return expand(p)
	}
	return out
}

func TestPickReturnsPoolNumbers(t *testing.T) {
	p := mustParse(t, "+447418340000-+447418349999", "15005550006", "447418350465")
	for range 1000 {
		n := p.Pick(nil, nil, 4)
		if !p.Contains(n) || n[0] != '+' {
			t.Fatalf("Pick() = %q, not a +number of the pool", n)
		}
	}
}

func TestPickSingleNumber(t *testing.T) {
	p := mustParse(t, "447418340465")
	for _, avoid := range [][]string{nil, {"0465"}, {"1234"}} {
		if got := p.Pick(nil, avoid, 4); got != "+447418340465" {
			t.Errorf("Pick(avoid %q) = %q, want the only number", avoid, got)
		}
	}
}

func TestPickAvoidsCodes(t *testing.T) {
	p := mustParse(t, "447418340465", "447418350465", "447418340466")
	rng := seeded(1)
	for range 500 {
		if got := p.Pick(rng, []string{"0465"}, 4); got != "+447418340466" {
			t.Fatalf("Pick(avoid 0465) = %q, want the only number with another code", got)
		}
	}
	// Every code avoided: the pool has nothing better, so any number will do.
	seen := map[string]bool{}
	for range 500 {
		seen[p.Pick(rng, []string{"0465", "0466"}, 4)] = true
	}
	if len(seen) != 3 {
		t.Errorf("with every code avoided, Pick returned %v, want all 3 numbers", seen)
	}
}

func TestPickAvoidInBigRange(t *testing.T) {
	// 10^6 numbers but only 10 codes of 1 digit: avoiding 9 of them leaves 100,000 numbers, a tenth of the
	// pool, which rejection sampling alone would often miss.
	p := mustParse(t, "+447410000000-+447410999999")
	avoid := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}
	rng := seeded(2)
	for range 2000 {
		if got := p.Pick(rng, avoid, 1); Code(got, 1) != "9" || !p.Contains(got) {
			t.Fatalf("Pick = %q, want a pool number ending in 9", got)
		}
	}
	// One 4-digit code avoided in a pool with 100 numbers per code.
	for range 2000 {
		if got := p.Pick(rng, []string{"0465"}, 4); Code(got, 4) == "0465" {
			t.Fatalf("Pick = %q with code 0465 avoided", got)
		}
	}
}

func TestPickIgnoresCodesThatMatchNothing(t *testing.T) {
	p := mustParse(t, "447418340465", "447418340466")
	rng := seeded(3)
	seen := map[string]bool{}
	for range 200 {
		seen[p.Pick(rng, []string{"", "abcd", "12345", "465", "04650", "+0465"}, 4)] = true
	}
	if len(seen) != 2 {
		t.Errorf("Pick returned %v, want both numbers (no avoid code applies)", seen)
	}
}

func TestPickDuplicateAvoidCodes(t *testing.T) {
	// Counting a duplicate twice would make the allowed count wrong, and Pick panic or skip numbers.
	p := mustParse(t, "447418340465", "447418340466", "447418340467")
	rng := seeded(4)
	seen := map[string]bool{}
	for range 300 {
		n := p.Pick(rng, []string{"0465", "0465", "0465"}, 4)
		if Code(n, 4) == "0465" {
			t.Fatalf("Pick = %q, code avoided", n)
		}
		seen[n] = true
	}
	if len(seen) != 2 {
		t.Errorf("Pick returned %v, want the 2 allowed numbers", seen)
	}
}

func TestPickMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	src := seeded(5)
	for i := range 300 {
		entries := randomEntries(rng)
		p := mustParse(t, entries...)
		numbers := expand(p)
		d := 1 + rng.IntN(10)
		var avoid []string
		for range rng.IntN(4) {
			if rng.IntN(4) == 0 {
				avoid = append(avoid, fmt.Sprintf("%0*d", d, rng.IntN(10)))
			} else {
				avoid = append(avoid, Code(numbers[rng.IntN(len(numbers))], d))
			}
		}
		allowed := allowedNumbers(p, avoid, d)
		// kth must enumerate exactly the allowed numbers, in order.
		av := newAvoidSet(avoid, d)
		total := p.Size()
		for _, s := range p.spans {
			total -= av.count(s, s.lo, s.hi)
		}
		if total == 0 { // every code avoided: Pick ignores the list
			av = avoidSet{}
		}
		var listed []string
		for _, s := range p.spans {
			for k := range s.len() - av.count(s, s.lo, s.hi) {
				listed = append(listed, formatNumber(av.kth(s, k)))
			}
		}
		if !slices.Equal(listed, allowed) {
			t.Fatalf("case %d %q, %d digits, avoid %q: kth lists %d numbers, brute force %d",
				i, entries, d, avoid, len(listed), len(allowed))
		}
		ok := map[string]bool{}
		for _, n := range allowed {
			ok[n] = true
		}
		for range 50 {
			if n := p.Pick(src, avoid, d); !ok[n] {
				t.Fatalf("case %d %q, %d digits, avoid %q: Pick = %q, not allowed", i, entries, d, avoid, n)
			}
		}
	}
}

// chiSquare returns Pearson's statistic of counts against a uniform distribution.
func chiSquare(counts map[string]int, categories, draws int) float64 {
	expected := float64(draws) / float64(categories)
	var x float64
	for _, c := range counts {
		x += (float64(c) - expected) * (float64(c) - expected) / expected
	}
	x += float64(categories-len(counts)) * expected // categories never drawn
	return x
}

func TestPickIsUniform(t *testing.T) {
	// Ten numbers over three spans of different sizes: uniform over numbers, not over spans.
	p := mustParse(t, "447418340465", "+447418340100-+447418340106", "15005550006", "15005550010")
	const draws = 100_000
	rng := seeded(6)
	counts := map[string]int{}
	for range draws {
		counts[p.Pick(rng, nil, 4)]++
	}
	// 9 degrees of freedom: the statistic exceeds 27.9 one time in 1,000 for a uniform pick. The seed is
	// fixed, so the test is deterministic.
	if x := chiSquare(counts, 10, draws); x > 27.9 || len(counts) != 10 {
		t.Errorf("counts %v: chi-square %.1f over 10 numbers, not uniform", counts, x)
	}

	// With codes avoided, uniform over the allowed numbers.
	avoid := []string{"0100", "0465", "0010"}
	counts = map[string]int{}
	for range draws {
		counts[p.Pick(rng, avoid, 4)]++
	}
	if x := chiSquare(counts, 7, draws); x > 22.5 || len(counts) != 7 { // 6 degrees of freedom, p = 0.001
		t.Errorf("counts %v: chi-square %.1f over 7 allowed numbers, not uniform", counts, x)
	}
}

func TestUniformHasNoModuloBias(t *testing.T) {
	// n = 3 * 2^62: without rejection, results below 2^62 would come twice as often as the others.
	n := uint64(3) << 62
	rng := seeded(7)
	low := 0
	const draws = 30_000
	for range draws {
		if uniform(rng, n) < 1<<62 {
			low++
		}
	}
	if low < draws/3-600 || low > draws/3+600 {
		t.Errorf("%d of %d draws in the first third, want about %d", low, draws, draws/3)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy source unplugged") }

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func TestPickSurvivesBadReaders(t *testing.T) {
	p := mustParse(t, "+447418340000-+447418340009")
	for name, r := range map[string]interface {
		Read([]byte) (int, error)
	}{"failing": failingReader{}, "always zero": zeroReader{}} {
		seen := map[string]bool{}
		for range 300 {
			n := p.Pick(r, nil, 4)
			if !p.Contains(n) {
				t.Fatalf("%s reader: Pick = %q, not in the pool", name, n)
			}
			seen[n] = true
		}
		// A failing reader falls back to crypto/rand; a reader stuck on zeros is rejected (2^64 mod 10 = 6,
		// so 0 is a biased draw) until Pick gives up on it and reads crypto/rand.
		if len(seen) < 5 {
			t.Errorf("%s reader: only %d distinct picks in 300: crypto/rand was not used", name, len(seen))
		}
	}
}

func TestPickConcurrent(t *testing.T) {
	p := mustParse(t, "+447418340000-+447418349999", "+15005550000-+15005550099", "33612345678")
	avoid := []string{"0465", "0000"}
	const goroutines, picks = 32, 500
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range picks {
				n := p.Pick(nil, avoid, 4)
				if !p.Contains(n) || Code(n, 4) == "0465" || Code(n, 4) == "0000" {
					errs <- fmt.Sprintf("goroutine %d pick %d: %q", g, i, n)
					return
				}
				if i%100 == 0 && (p.DistinctCodes(4) != 10000 || p.Size() != 10101 || p.String() == "") {
					errs <- fmt.Sprintf("goroutine %d: pool changed under concurrent use", g)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkPick(b *testing.B) {
	p := mustParse(b, "+447410000000-+447410999999")
	b.Run("crypto", func(b *testing.B) {
		for b.Loop() {
			_ = p.Pick(nil, nil, 4)
		}
	})
	b.Run("crypto/avoid-2", func(b *testing.B) {
		avoid := []string{"0465", "1234"}
		for b.Loop() {
			_ = p.Pick(nil, avoid, 4)
		}
	})
	b.Run("seeded/avoid-2", func(b *testing.B) {
		rng := seeded(8)
		avoid := []string{"0465", "1234"}
		for b.Loop() {
			_ = p.Pick(rng, avoid, 4)
		}
	})
	b.Run("crypto/parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = p.Pick(nil, []string{"0465"}, 4)
			}
		})
	})
	many := make([]string, 0, 1000)
	for i := range 1000 {
		many = append(many, fmt.Sprintf("+4474183%04d0-+4474183%04d4", i, i))
	}
	pm := mustParse(b, many...)
	b.Run("1000-ranges/avoid-2", func(b *testing.B) {
		avoid := []string{"0000", "1234"}
		for b.Loop() {
			_ = pm.Pick(nil, avoid, 4)
		}
	})
}
