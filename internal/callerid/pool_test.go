package callerid

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(t testing.TB, entries ...string) *Pool {
	t.Helper()
	p, err := Parse(entries)
	if err != nil {
		t.Fatalf("Parse(%q): %v", entries, err)
	}
	return p
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		size    uint64
		spans   int
	}{
		{"one number", []string{"447418340465"}, 1, 1},
		{"plus sign", []string{"+447418340465"}, 1, 1},
		{"same number twice, two spellings", []string{"447418340465", "+447418340465"}, 1, 1},
		{"three numbers", []string{"447418340465", "447418340467", "15005550006"}, 3, 3},
		{"neighbours merge", []string{"447418340465", "447418340466"}, 2, 1},
		{"range", []string{"+447418340000-+447418349999"}, 10000, 1},
		{"range without plus", []string{"447418340000-447418349999"}, 10000, 1},
		{"mixed plus", []string{"447418340000-+447418349999"}, 10000, 1},
		{"one-number range", []string{"+447418340000-+447418340000"}, 1, 1},
		{"duplicate ranges", []string{"+447418340000-+447418349999", "+447418340000-+447418349999"}, 10000, 1},
		{"overlapping ranges", []string{"+447418340000-+447418345000", "+447418344000-+447418349999"}, 10000, 1},
		{"nested range", []string{"+447418340000-+447418349999", "+447418341000-+447418341999"}, 10000, 1},
		{"number inside range", []string{"+447418340000-+447418349999", "447418340465"}, 10000, 1},
		{"adjacent ranges", []string{"+447418340000-+447418340999", "+447418341000-+447418341999"}, 2000, 1},
		{"disjoint ranges", []string{"+447418340000-+447418340999", "+447418342000-+447418342999"}, 2000, 2},
		{"different lengths never merge", []string{"99999999", "100000000"}, 2, 2},
		{"shortest and longest", []string{"10000000", "999999999999999"}, 2, 2},
		{"big range", []string{"+15550000000-+15559999999"}, 10_000_000, 1},
		{"huge 15-digit range", []string{"100000000000000-999999999999999"}, 900_000_000_000_000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.entries...)
			if got := p.Size(); got != tt.size {
				t.Errorf("Size() = %d, want %d", got, tt.size)
			}
			if len(p.spans) != tt.spans {
				t.Errorf("%d merged spans %v, want %d", len(p.spans), p.spans, tt.spans)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		entry string
		want  []string // substrings of the message
	}{
		{"", []string{"call.from[1]: is empty", "+447418340000-+447418349999"}},
		{"+44 7418 340465", []string{`call.from[1]: "+44 7418 340465" must be digits`, "no spaces"}},
		{"+", []string{`"+" must be digits`}},
		{"++447418340465", []string{"must be digits"}},
		{"44741834046x", []string{"must be digits"}},
		{"07418340465", []string{"starts with 0", "E.164", `"447418340465"`}},
		{"1234567", []string{"has 7 digits", "8 to 15"}},
		{"1234567890123456", []string{"has 16 digits", "8 to 15"}},
		{"+447418340000-+4474183", []string{"call.from[1]: range", "its last number", "has 7 digits"}},
		{"+447418340000-+44741834999", []string{"range ends must have the same number of digits (12 and 11)",
			"write both ends in full"}},
		{"+447418349999-+447418340000", []string{"starts after it ends",
			`"+447418340000-+447418349999"`}},
		{"+447418340000-", []string{"has no last number"}},
		{"-+447418340000", []string{"has no first number"}},
		{"-", []string{"has no first number"}},
		{"+447418340000-+447418345000-+447418349999", []string{`more than one "-"`}},
		{"+447418340000--447418349999", []string{`more than one "-"`}},
		{"+4474 18340000-+447418349999", []string{"its first number", "must be digits"}},
		{"+447418340000-+44741834999x", []string{"its last number", "must be digits"}},
		{"+447418340000 - +447418349999", []string{"its first number", "must be digits"}},
		{"0447418340-0447418349", []string{"starts with 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			p, err := Parse([]string{"447418340465", tt.entry})
			if err == nil {
				t.Fatalf("Parse accepted %q: %v", tt.entry, p)
			}
			if p != nil {
				t.Errorf("Parse returned a pool with its error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			var ee *EntryError
			if !errors.As(err, &ee) {
				t.Fatalf("error %T is not an *EntryError", err)
			}
			if ee.Key != "call.from" || ee.Index != 1 || ee.Entry != tt.entry {
				t.Errorf("EntryError = %+v, want key call.from, index 1, entry %q", ee, tt.entry)
			}
		})
	}
}

func TestParseEmptyList(t *testing.T) {
	for _, entries := range [][]string{nil, {}} {
		_, err := Parse(entries)
		if err == nil || !strings.HasPrefix(err.Error(), "call.from: is empty: ") {
			t.Errorf("Parse(%#v) error = %v, want call.from: is empty", entries, err)
		}
		var ee *EntryError
		if !errors.As(err, &ee) || ee.Index != -1 {
			t.Errorf("Parse(%#v) error = %#v, want an *EntryError with index -1", entries, err)
		}
	}
}

func TestParseReportsEveryBadEntry(t *testing.T) {
	_, err := ParseKey("call.from_by_country.GB", []string{"x", "447418340465", "123", "+447418349999-+447418340000"})
	if err == nil {
		t.Fatal("no error")
	}
	multi, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T does not unwrap to a list", err)
	}
	var indexes []int
	for _, e := range multi.Unwrap() {
		var ee *EntryError
		if !errors.As(e, &ee) {
			t.Fatalf("%T in the list is not an *EntryError", e)
		}
		indexes = append(indexes, ee.Index)
		if !strings.HasPrefix(e.Error(), "call.from_by_country.GB[") {
			t.Errorf("%q does not start with the key", e)
		}
	}
	if len(indexes) != 3 || indexes[0] != 0 || indexes[1] != 2 || indexes[2] != 3 {
		t.Errorf("bad entries reported at %v, want [0 2 3]", indexes)
	}
	if got := strings.Count(err.Error(), "\n"); got != 2 {
		t.Errorf("joined message has %d line breaks, want 2: %q", got, err)
	}
}

func TestContains(t *testing.T) {
	p := mustParse(t, "+447418340000-+447418340999", "15005550006", "+447418342000-+447418342999")
	for number, want := range map[string]bool{
		"+447418340000": true,
		"447418340999":  true,
		"+447418340500": true,
		"+447418341000": false,
		"+447418341999": false,
		"+447418342000": true,
		"+447418342999": true,
		"+447418343000": false,
		"+15005550006":  true,
		"15005550007":   false,
		"447418339999":  false,
		"":              false,
		"+44 7418":      false,
		"0447418340000": false,
	} {
		if got := p.Contains(number); got != want {
			t.Errorf("Contains(%q) = %v, want %v", number, got, want)
		}
	}
	var nilPool *Pool
	if nilPool.Contains("+447418340000") {
		t.Error("a nil pool contains a number")
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		entries []string
		want    string
	}{
		{[]string{"447418340465"}, "1 number"},
		{[]string{"447418340465", "447418340467", "447418340469"}, "3 numbers"},
		{[]string{"447418340465", "+447418340465"}, "1 number"},
		{[]string{"+447418340000-+447418349999"}, "10,000 numbers in 1 range"},
		{[]string{"+447418340000-+447418349999", "15005550006", "15005550008", "15005550010"},
			"10,003 numbers in 1 range and 3 single numbers"},
		{[]string{"+447418340000-+447418340999", "+447418342000-+447418342999", "15005550006"},
			"2,001 numbers in 2 ranges and 1 single number"},
		{[]string{"+15550000000-+15559999999"}, "10,000,000 numbers in 1 range"},
		{[]string{"447418340465", "447418340466"}, "2 numbers in 1 range"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.entries...).String(); got != tt.want {
			t.Errorf("String() of %q = %q, want %q", tt.entries, got, tt.want)
		}
	}
	var nilPool *Pool
	if got := nilPool.String(); got != "no numbers" {
		t.Errorf("nil pool String() = %q", got)
	}
	if got := (&Pool{}).String(); got != "no numbers" {
		t.Errorf("zero pool String() = %q", got)
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		number string
		digits int
		want   string
	}{
		{"+447418340465", 4, "0465"},
		{"447418340465", 4, "0465"},
		{"+447418340465", 6, "340465"},
		{"+447418340465", 12, "447418340465"},
		{"+447418340465", 20, "447418340465"},
		{"+447418340465", 0, ""},
		{"+447418340465", -1, ""},
		{"", 4, ""},
	}
	for _, tt := range tests {
		if got := Code(tt.number, tt.digits); got != tt.want {
			t.Errorf("Code(%q, %d) = %q, want %q", tt.number, tt.digits, got, tt.want)
		}
	}
}

func TestGroupThousands(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "12345": "12,345", "123456": "123,456",
		"1234567": "1,234,567", "900000000000000": "900,000,000,000,000",
	} {
		if got := groupThousands(in); got != want {
			t.Errorf("groupThousands(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZeroPool(t *testing.T) {
	for _, p := range []*Pool{nil, {}} {
		if p.Size() != 0 || p.DistinctCodes(4) != 0 || p.Pick(nil, nil, 4) != "" {
			t.Errorf("empty pool %#v: size %d, codes %d, pick %q", p, p.Size(), p.DistinctCodes(4),
				p.Pick(nil, nil, 4))
		}
		if got := p.GuessProbability(3, 4); got != 1 {
			t.Errorf("empty pool GuessProbability = %v, want 1", got)
		}
	}
}
