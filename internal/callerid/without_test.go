package callerid

import (
	"math/rand/v2"
	"testing"
)

func TestMaskedRange(t *testing.T) {
	tests := []struct {
		key    string
		lo, hi string
		size   uint64
	}{
		{"+44741834••••", "+447418340000", "+447418349999", 10000},
		{"44741834••••", "+447418340000", "+447418349999", 10000},
		{"+4474183404••", "+447418340400", "+447418340499", 100},
		{"+447418340465", "+447418340465", "+447418340465", 1},
	}
	for _, tt := range tests {
		p, err := MaskedRange(tt.key)
		if err != nil {
			t.Fatalf("MaskedRange(%q): %v", tt.key, err)
		}
		if p.Size() != tt.size || !p.Contains(tt.lo) || !p.Contains(tt.hi) {
			t.Errorf("MaskedRange(%q) = %v, want %s to %s", tt.key, p, tt.lo, tt.hi)
		}
	}
	for _, bad := range []string{"", "+", "••••", "+44 7418••••", "+0741834••••", "+4474••", "abc••••", "+44741834••••1"} {
		if _, err := MaskedRange(bad); err == nil {
			t.Errorf("MaskedRange(%q) took it", bad)
		}
	}
}

func TestWithout(t *testing.T) {
	p := mustParse(t, "+447418340000-+447418359999", "15005550006", "447418360465")
	rest, err := MaskedRange("+44741834••••")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Without(rest)
	if got.Size() != p.Size()-10000 || got.Contains("+447418345555") || !got.Contains("+447418350000") ||
		!got.Contains("+15005550006") || !got.Contains("+447418360465") {
		t.Fatalf("Without = %v (%d numbers)", got, got.Size())
	}
	one, _ := MaskedRange("+15005550006")
	if w := p.Without(one).Without(rest); w.Contains("+15005550006") || w.Size() != p.Size()-10001 {
		t.Fatalf("Without twice = %v", w)
	}
	if p.Without(nil) != p || p.Without(mustParse(t, "+33612340000")) != p {
		t.Error("Without a pool it shares nothing with made a new pool")
	}
	if e := mustParse(t, "447418340465").Without(rest); e.Size() != 0 || e.Pick(nil, nil, 4) != "" {
		t.Errorf("a pool wholly rested = %v", e)
	}
}

func TestWithoutMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		p, q := mustParse(t, randomEntries(rng)...), mustParse(t, randomEntries(rng)...)
		got := p.Without(q)
		want := 0
		for _, n := range expand(p) {
			if !q.Contains(n) {
				want++
				if !got.Contains(n) {
					t.Fatalf("case %d: %s lost", i, n)
				}
			}
		}
		if got.Size() != uint64(want) {
			t.Fatalf("case %d: Without holds %d numbers, want %d", i, got.Size(), want)
		}
		for _, n := range expand(got) {
			if q.Contains(n) {
				t.Fatalf("case %d: %s kept", i, n)
			}
		}
	}
}
