package callerid

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSelectorFor(t *testing.T) {
	def := mustParse(t, "+447418340000-+447418349999")
	us := mustParse(t, "+15005550000-+15005550099")
	fr := mustParse(t, "33612345678")
	s := NewSelector(def, map[string]*Pool{"US": us, "fr": fr, "DE": nil, "IT": {}})
	tests := []struct {
		region string
		want   *Pool
	}{
		{"US", us}, {"us", us}, {"FR", fr}, {"Fr", fr}, {"GB", def}, {"", def}, {"DE", def}, {"IT", def},
	}
	for _, tt := range tests {
		if got := s.For(tt.region); got != tt.want {
			t.Errorf("For(%q) = %v, want %v", tt.region, got, tt.want)
		}
	}
	if got := s.Regions(); !slices.Equal(got, []string{"FR", "US"}) {
		t.Errorf("Regions() = %v, want [FR US] (nil and empty pools dropped)", got)
	}
	if s.Default() != def {
		t.Error("Default() is not the default pool")
	}
}

func TestSelectorCopiesItsMap(t *testing.T) {
	us := mustParse(t, "+15005550000-+15005550099")
	m := ByCountry{"US": us}
	s := NewSelector(nil, m)
	delete(m, "US")
	if s.For("US") != us {
		t.Error("deleting from the caller's map changed the selector")
	}
	if s.For("GB") != nil {
		t.Error("For an unlisted region with no default pool should be nil")
	}
}

func TestSelectorCaseCollision(t *testing.T) {
	a, b := mustParse(t, "15005550006"), mustParse(t, "15005550007")
	for range 20 { // map order varies from run to run; the choice must not
		if got := NewSelector(nil, map[string]*Pool{"gb": b, "GB": a}).For("GB"); got != a {
			t.Fatalf("For(GB) = %v, want the pool of the key that sorts first (GB)", got)
		}
	}
}

func TestSelectorWorst(t *testing.T) {
	def := mustParse(t, "+447418340000-+447418349999") // 10,000 codes
	us := mustParse(t, "+15005550000-+15005550099")    // 100 codes
	fr := mustParse(t, "33612345678")                  // 1 code
	tests := []struct {
		name       string
		s          *Selector
		wantRegion string
		want       float64
	}{
		{"default only", NewSelector(def, nil), "", 3.0 / 10000},
		{"weaker country", NewSelector(def, ByCountry{"US": us}), "US", 3.0 / 100},
		{"weakest country", NewSelector(def, ByCountry{"US": us, "FR": fr}), "FR", 1},
		{"weak default", NewSelector(fr, ByCountry{"US": us}), "", 1},
		{"no default", NewSelector(nil, ByCountry{"US": us}), "US", 3.0 / 100},
		{"tie goes to the default", NewSelector(us, ByCountry{"CA": us}), "", 3.0 / 100},
		{"no pools at all", NewSelector(nil, nil), "", 1},
		{"nil selector", nil, "", 1},
	}
	for _, tt := range tests {
		region, p := tt.s.Worst(3, 4)
		if region != tt.wantRegion || math.Abs(p-tt.want) > 1e-12 {
			t.Errorf("%s: Worst = (%q, %v), want (%q, %v)", tt.name, region, p, tt.wantRegion, tt.want)
		}
		if got := tt.s.WorstGuessProbability(3, 4); got != p {
			t.Errorf("%s: WorstGuessProbability = %v, Worst says %v", tt.name, got, p)
		}
	}
}

func TestNilSelector(t *testing.T) {
	var s *Selector
	if s.For("GB") != nil || s.Default() != nil || s.Regions() != nil {
		t.Error("a nil selector should have no pools")
	}
}

func TestParseByCountry(t *testing.T) {
	by, err := ParseByCountry("call.from_by_country", map[string][]string{
		"gb": {"+447418340000-+447418349999"},
		"US": {"15005550006", "15005550007"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if by["GB"].Size() != 10000 || by["US"].Size() != 2 || len(by) != 2 {
		t.Errorf("ParseByCountry = %v", by)
	}
	s := NewSelector(nil, by)
	if s.For("gb") != by["GB"] {
		t.Error("the parsed map does not feed a selector")
	}
}

func TestParseByCountryErrors(t *testing.T) {
	_, err := ParseByCountry("call.from_by_country", map[string][]string{
		"GB":  {"447418340465", "bad"},
		"gb":  {"447418340466"},
		"USA": {"15005550006"},
		"FR":  {},
		"DE":  {"4930123456"},
	})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"call.from_by_country.FR: is empty",
		`call.from_by_country.GB[1]: "bad" must be digits`,
		`call.from_by_country.gb: the same country as "call.from_by_country.GB"`,
		`call.from_by_country.USA: "USA" is not a country`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "DE") {
		t.Errorf("error %q mentions the good DE list", msg)
	}
	// Countries in alphabetical order, so the message is the same every run.
	if i, j := strings.Index(msg, ".FR:"), strings.Index(msg, ".USA:"); i > j {
		t.Errorf("FR reported after USA: %q", msg)
	}
	var ee *EntryError
	if !errors.As(err, &ee) || ee.Key != "call.from_by_country.FR" {
		t.Errorf("first EntryError = %+v, want the FR list's", ee)
	}
}
