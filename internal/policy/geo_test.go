package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// irsfNumbers are the IRSF destinations of the security review, every one of which the old defaults dialled.
var irsfNumbers = []string{"+5351234567", "+37121234567", "+21620123456", "+25271123456", "+23225123456",
	"+6907290", "+870301234567", "+881612345678", "+8823421234"}

// sampleRegions are the 20 countries whose example numbers of every type the destination table covers.
var sampleRegions = []string{"GB", "US", "DE", "FR", "ES", "IT", "NL", "IE", "CU", "LV", "TN", "SO", "SL", "TK",
	"JM", "DO", "IN", "BR", "NG", "PH"}

// mustPolicy compiles the default rules changed by edit.
func mustPolicy(t *testing.T, edit func(*Rules)) *Policy {
	t.Helper()
	r := DefaultRules()
	edit(&r)
	p, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, in string) Number {
	t.Helper()
	n, err := ParseNumber(in, "")
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	return n
}

// sample is one number of the destination table and what it is.
type sample struct {
	name string // "GB mobile", or the IRSF number
	num  Number
}

// destinationSamples returns the IRSF numbers and libphonenumber's example of every type for every sample
// region. An example's own region can differ from the one asked for (Jamaica's premium-rate example is
// +1 900, a US number): the expectations go by the parsed number.
func destinationSamples(t *testing.T) []sample {
	t.Helper()
	var out []sample
	for _, in := range irsfNumbers {
		out = append(out, sample{"IRSF " + in, mustParse(t, in)})
	}
	for _, region := range sampleRegions {
		for typ := phonenumbers.FIXED_LINE; typ < phonenumbers.UNKNOWN; typ++ {
			pn := phonenumbers.GetExampleNumberForType(region, typ)
			if pn == nil {
				continue
			}
			n := mustParse(t, phonenumbers.Format(pn, phonenumbers.E164))
			out = append(out, sample{region + " " + string(lineType(typ)) + " " + n.E164, n})
		}
	}
	return out
}

// TestDestinationsByConfiguration is the table of what is dialled: the IRSF numbers and one example number
// of every libphonenumber type for 20 countries, under the configurations that matter. Nothing outside
// allowed_countries is dialled, no high-risk country without allow_high_risk, no non-geographic range ever;
// the simulator's defaults dial every valid mobile of every country.
func TestDestinationsByConfiguration(t *testing.T) {
	callable := func(n Number) bool { return n.Type == Mobile || n.Type == FixedLineOrMobile }
	highRisk := func(n Number) bool { return slices.Contains(DefaultHighRiskCountries(), n.Region) }
	configs := []struct {
		name   string
		edit   func(*Rules)
		dialed func(Number) bool
	}{
		{"real account, allowed_countries GB IE", func(r *Rules) {
			r.RealAccount, r.AllowedCountries = true, []string{"GB", "IE"}
		}, func(n Number) bool { return (n.Region == "GB" || n.Region == "IE") && callable(n) }},
		{"real account, allow_all_countries", func(r *Rules) {
			r.RealAccount, r.AllowAllCountries = true, true
		}, func(n Number) bool { return n.Region != "001" && !highRisk(n) && callable(n) }},
		{"real account, CU TN GB listed, CU allowed as high risk", func(r *Rules) {
			r.RealAccount, r.AllowedCountries, r.AllowHighRisk = true, []string{"CU", "TN", "GB"}, []string{"CU"}
		}, func(n Number) bool { return (n.Region == "CU" || n.Region == "GB") && callable(n) }},
		{"simulator defaults", func(*Rules) {},
			func(n Number) bool { return n.Region != "001" && callable(n) }},
		{"simulator, allow_all_countries (rehearsing production)", func(r *Rules) { r.AllowAllCountries = true },
			func(n Number) bool { return n.Region != "001" && !highRisk(n) && callable(n) }},
	}
	samples := destinationSamples(t)
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			p := mustPolicy(t, c.edit)
			dialled := 0
			for _, s := range samples {
				ref := p.CheckNumber(s.num)
				if want := c.dialed(s.num); (ref == nil) != want {
					t.Errorf("%s (%s, %s): dialled %v, want %v (%v)", s.name, s.num.Region, s.num.Type, ref == nil, want, ref)
				}
				if ref == nil {
					dialled++
				}
			}
			if dialled == 0 {
				t.Error("nothing at all is dialled")
			}
			t.Logf("%d of %d numbers dialled", dialled, len(samples))
		})
	}
}

// TestSimulatorDialsEveryValidMobile: with no configuration the simulator dials libphonenumber's mobile
// example of every sample country, the IRSF ones included, but none of the non-geographic IRSF numbers.
func TestSimulatorDialsEveryValidMobile(t *testing.T) {
	for _, region := range sampleRegions {
		n := exampleOf(t, region, phonenumbers.MOBILE)
		if ref := Default().CheckNumber(n); ref != nil {
			t.Errorf("%s mobile %s refused by the simulator defaults: %v", region, n.E164, ref)
		}
	}
	for _, in := range irsfNumbers {
		n := mustParse(t, in)
		ref := Default().CheckNumber(n)
		if nonGeo := n.Region == "001"; nonGeo != (ref != nil) {
			t.Errorf("%s (%s): refused %v, want %v: %v", in, n.Region, ref != nil, nonGeo, ref)
		}
	}
}

// TestIRSFNumbersRefusedWithARealAccount: each sampled IRSF number, with the rule that refuses it, under a
// real account's two ways of choosing countries.
func TestIRSFNumbersRefusedWithARealAccount(t *testing.T) {
	listed := mustPolicy(t, func(r *Rules) { r.RealAccount, r.AllowedCountries = true, []string{"GB"} })
	all := mustPolicy(t, func(r *Rules) { r.RealAccount, r.AllowAllCountries = true, true })
	for _, tt := range []struct {
		number, region, listedRule, allRule string
	}{
		{"+5351234567", "CU", RuleCountry, RuleHighRisk},
		{"+37121234567", "LV", RuleCountry, RuleHighRisk},
		{"+21620123456", "TN", RuleCountry, RuleHighRisk},
		{"+25271123456", "SO", RuleCountry, RuleHighRisk},
		{"+23225123456", "SL", RuleCountry, RuleHighRisk},
		{"+6907290", "TK", RuleCountry, RuleHighRisk},
		{"+870301234567", "001", RuleNonGeographic, RuleNonGeographic},
		{"+881612345678", "001", RuleNonGeographic, RuleNonGeographic},
		{"+8823421234", "001", RuleNonGeographic, RuleNonGeographic},
	} {
		n := mustParse(t, tt.number)
		if n.Region != tt.region {
			t.Errorf("%s is in %s, want %s", tt.number, n.Region, tt.region)
		}
		for _, c := range []struct {
			p    *Policy
			rule string
		}{{listed, tt.listedRule}, {all, tt.allRule}} {
			if ref := c.p.CheckNumber(n); ref == nil || ref.Rule != c.rule {
				t.Errorf("%s: %v, want a refusal by %s", tt.number, ref, c.rule)
			}
		}
	}
}

// TestHighRiskFixedLines: Tunisian, Jamaican and Dominican fixed lines pass libphonenumber as
// fixed-line-or-mobile, an allowed type; they are refused unless their country is allowed and listed in
// allow_high_risk.
func TestHighRiskFixedLines(t *testing.T) {
	for _, region := range []string{"TN", "JM", "DO"} {
		n := exampleOf(t, region, phonenumbers.FIXED_LINE)
		if n.Type != FixedLineOrMobile {
			t.Fatalf("%s fixed line %s is %s: the test assumes fixed-line-or-mobile", region, n.E164, n.Type)
		}
		for _, tt := range []struct {
			name string
			edit func(*Rules)
			rule string // "" dialled
		}{
			{"not listed", func(r *Rules) { r.RealAccount, r.AllowedCountries = true, []string{"GB"} }, RuleCountry},
			{"every country", func(r *Rules) { r.RealAccount, r.AllowAllCountries = true, true }, RuleHighRisk},
			{"listed only", func(r *Rules) { r.RealAccount, r.AllowedCountries = true, []string{"GB", region} }, RuleHighRisk},
			{"simulator rehearsing", func(r *Rules) { r.AllowedCountries = []string{region} }, RuleHighRisk},
			{"listed and allowed", func(r *Rules) {
				r.RealAccount, r.AllowedCountries, r.AllowHighRisk = true, []string{region}, []string{region}
			}, ""},
			{"every country, allowed", func(r *Rules) {
				r.RealAccount, r.AllowAllCountries, r.AllowHighRisk = true, true, []string{region}
			}, ""},
		} {
			ref := mustPolicy(t, tt.edit).CheckNumber(n)
			switch {
			case tt.rule == "" && ref != nil:
				t.Errorf("%s %s, %s: refused: %v", region, n.E164, tt.name, ref)
			case tt.rule != "" && (ref == nil || ref.Rule != tt.rule):
				t.Errorf("%s %s, %s: %v, want a refusal by %s", region, n.E164, tt.name, ref, tt.rule)
			}
		}
	}
}

func TestHighRiskMessage(t *testing.T) {
	p := mustPolicy(t, func(r *Rules) { r.RealAccount, r.AllowAllCountries = true, true })
	want := `refused by policy.allow_high_risk: Cuba (CU) is in policy.high_risk_countries, destinations with a ` +
		`record of toll fraud: to call it, add "CU" to policy.allow_high_risk; this number may not be called ` +
		`under the current policy`
	if got := p.CheckNumber(mustParse(t, "+5351234567")); got == nil || got.Error() != want {
		t.Fatalf("CheckNumber = %v\nwant %s", got, want)
	}
}

// TestHighRiskListCanChange: high_risk_countries can be extended (GB) and emptied.
func TestHighRiskListCanChange(t *testing.T) {
	gb := mustParse(t, "+447400123456")
	cu := mustParse(t, "+5351234567")
	more := mustPolicy(t, func(r *Rules) {
		r.RealAccount, r.AllowAllCountries = true, true
		r.HighRiskCountries = append(r.HighRiskCountries, "GB")
	})
	if ref := more.CheckNumber(gb); ref == nil || ref.Rule != RuleHighRisk {
		t.Errorf("GB made high-risk: %v", ref)
	}
	none := mustPolicy(t, func(r *Rules) { r.RealAccount, r.AllowAllCountries, r.HighRiskCountries = true, true, nil })
	if ref := none.CheckNumber(cu); ref != nil {
		t.Errorf("no high-risk list, CU still refused: %v", ref)
	}
}

func TestDefaultHighRiskCountries(t *testing.T) {
	hr := DefaultHighRiskCountries()
	if !slices.IsSorted(hr) || len(slices.Compact(slices.Clone(hr))) != len(hr) {
		t.Errorf("not sorted or with duplicates: %v", hr)
	}
	for _, c := range hr {
		if !KnownRegion(c) {
			t.Errorf("%q is not a region libphonenumber knows", c)
		}
		if CountryName(c) == c {
			t.Errorf("%s has no name in CountryName", c)
		}
	}
	for _, c := range []string{"CU", "LV", "TN", "SO", "SL", "TK", "JM", "DO"} {
		if !slices.Contains(hr, c) {
			t.Errorf("%s is not high-risk by default", c)
		}
	}
	hr[0] = "GB"
	if DefaultHighRiskCountries()[0] == "GB" {
		t.Error("DefaultHighRiskCountries returns the list itself")
	}
}

// TestRealAccountMustChooseCountries: geo permissions deny by default on a real account.
func TestRealAccountMustChooseCountries(t *testing.T) {
	r := DefaultRules()
	r.RealAccount = true
	err := r.Validate()
	for _, want := range []string{"policy.allowed_countries: is empty, and calls go to a real Restcomm account",
		`allowed_countries = ["GB", "IE"]`, "policy.allow_all_countries = true on purpose"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v\nwant it to contain %q", err, want)
		}
	}
	if _, err := New(r); err == nil {
		t.Error("New accepted a real account with no countries")
	}
	for name, edit := range map[string]func(*Rules){
		"countries listed":  func(r *Rules) { r.AllowedCountries = []string{"GB"} },
		"all, on purpose":   func(r *Rules) { r.AllowAllCountries = true },
		"the simulator":     func(r *Rules) { r.RealAccount = false },
		"high risk allowed": func(r *Rules) { r.AllowedCountries, r.AllowHighRisk = []string{"GB", "LV"}, []string{"LV"} },
	} {
		r := DefaultRules()
		r.RealAccount = true
		edit(&r)
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestGeoProblems(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Rules)
		want string
	}{
		{"both ways of choosing", func(r *Rules) { r.AllowAllCountries, r.AllowedCountries = true, []string{"GB", "IE"} },
			"policy.allow_all_countries: is true but allowed_countries lists GB, IE: keep one"},
		{"high risk allowed but not listed", func(r *Rules) {
			r.AllowedCountries, r.AllowHighRisk = []string{"GB"}, []string{"CU"}
		}, `policy.allow_high_risk: lists "CU", which allowed_countries does not: add "CU" to allowed_countries as well`},
		{"unknown high-risk country", func(r *Rules) { r.HighRiskCountries = []string{"CU", "XX"} },
			`policy.high_risk_countries: "XX" is not a region code`},
		{"lower-case high-risk country", func(r *Rules) { r.HighRiskCountries = []string{"cu"} },
			`policy.high_risk_countries: "cu" must be upper case: use "CU"`},
		{"unknown allowance", func(r *Rules) { r.AllowHighRisk = []string{"UK"} },
			`policy.allow_high_risk: "UK" is not a region code`},
		{"lower-case allowance", func(r *Rules) { r.AllowHighRisk = []string{"lv"} },
			`policy.allow_high_risk: "lv" must be upper case: use "LV"`},
		{"non-geographic code as a country", func(r *Rules) { r.AllowedCountries = []string{"001"} },
			`policy.allowed_countries: "001" is not a region code`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(&r)
			if err := r.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Rules)
		want []string
	}{
		{"simulator defaults", func(*Rules) {}, []string{
			"countries: every country (the simulator with no policy.allowed_countries; a real account must list " +
				"them), high-risk ones included",
			"non-geographic ranges refused: +388, +800, +808, +870, +871, +872, +873, +874, +875, +876, +877, +878, " +
				"+879, +881, +882, +883, +888, +979, +991, +999",
			"line types: mobile, fixed-line-or-mobile (policy.allowed_types)",
			"blocked prefixes: 0",
		}},
		{"countries listed", func(r *Rules) {
			r.RealAccount, r.AllowedCountries, r.AllowHighRisk = true, []string{"IE", "GB", "CU", "LV"}, []string{"CU"}
			r.AllowPrefixes, r.BlockedPrefixes, r.BlockedPrefixesFile = []string{"+8816"}, []string{"+4470"}, "blocked.txt"
		}, []string{
			"countries: CU, GB, IE, LV (policy.allowed_countries)",
			"high-risk countries refused: LV (listed in policy.allowed_countries, but not in policy.allow_high_risk); " +
				"allowed on purpose (policy.allow_high_risk): CU",
			"non-geographic ranges refused: +388, +800, +808, +870, +871, +872, +873, +874, +875, +876, +877, +878, " +
				"+879, +881, +882, +883, +888, +979, +991, +999; except (policy.allow_prefixes): +8816",
			"line types: mobile, fixed-line-or-mobile (policy.allowed_types)",
			"blocked prefixes: 1, and those of blocked.txt",
		}},
		{"no high-risk country listed", func(r *Rules) { r.RealAccount, r.AllowedCountries = true, []string{"GB"} },
			[]string{"countries: GB (policy.allowed_countries)", "high-risk countries refused: none of the allowed countries"}},
		{"every country", func(r *Rules) { r.RealAccount, r.AllowAllCountries, r.AllowHighRisk = true, true, []string{"LV"} },
			[]string{"countries: every country (policy.allow_all_countries = true) but the high-risk ones",
				"high-risk countries refused: AC, AG, CK, CU, DM, DO, GD, JM, KI, MR, MS, NR, NU, PG, SB, SL, SO, TC, " +
					"TK, TN, TV, VG, VU; allowed on purpose (policy.allow_high_risk): LV"}},
		{"no high-risk list", func(r *Rules) { r.RealAccount, r.AllowAllCountries, r.HighRiskCountries = true, true, nil },
			[]string{"high-risk countries refused: none (policy.high_risk_countries is empty)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(&r)
			got := r.Describe()
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Describe lacks\n  %q\ngot\n  %s", w, strings.Join(got, "\n  "))
				}
			}
		})
	}
}

func TestPolicyDescribeCountsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blocked.txt")
	if err := os.WriteFile(path, []byte("+4490\n+4491\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := mustPolicy(t, func(r *Rules) { r.BlockedPrefixes, r.BlockedPrefixesFile = []string{"+4470"}, path })
	got := p.Describe()
	if last := got[len(got)-1]; last != "blocked prefixes: 3" {
		t.Errorf("last line %q, want %q", last, "blocked prefixes: 3")
	}
	if got[0] != Default().Describe()[0] {
		t.Errorf("first line %q", got[0])
	}
}
