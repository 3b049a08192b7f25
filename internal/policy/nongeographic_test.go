package policy

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// nonGeoNumbers holds one number per entry of nonGeographicCodes: libphonenumber's example where it has one
// (example true, checked against GetExampleNumberForNonGeoEntity), else a synthetic E.164 number.
var nonGeoNumbers = []struct {
	code    int
	number  string
	example bool
}{
	{388, "+388312345678", false},
	{800, "+80012345678", true},
	{808, "+80812345678", true},
	{870, "+870301234567", true},
	{871, "+871123456789", false},
	{872, "+872123456789", false},
	{873, "+873123456789", false},
	{874, "+874123456789", false},
	{875, "+875123456789", false},
	{876, "+876123456789", false},
	{877, "+877123456789", false},
	{878, "+878101234567890", true},
	{879, "+879123456789", false},
	{881, "+881612345678", true},
	{882, "+8823421234", true},
	{883, "+883510012345", true},
	{888, "+88812345678901", true},
	{979, "+979123456789", true},
	{991, "+991123456789", false},
	{999, "+999123456789", false},
}

// TestNonGeographicTableCoversTheList: the table above has exactly one row per listed code, in order, and
// its examples are libphonenumber's.
func TestNonGeographicTableCoversTheList(t *testing.T) {
	codes := NonGeographicCodes()
	if len(codes) != len(nonGeoNumbers) {
		t.Fatalf("%d codes listed, %d numbers in the table", len(codes), len(nonGeoNumbers))
	}
	for i, c := range codes {
		row := nonGeoNumbers[i]
		if row.code != c.Code || !strings.HasPrefix(row.number, c.Prefix()) {
			t.Errorf("row %d is %d %s, the list has %d", i, row.code, row.number, c.Code)
		}
		if c.Service == "" {
			t.Errorf("+%d has no description", c.Code)
		}
		ex := phonenumbers.GetExampleNumberForNonGeoEntity(c.Code)
		switch {
		case row.example && ex == nil:
			t.Errorf("+%d: libphonenumber has no example, the table claims one", c.Code)
		case row.example && phonenumbers.Format(ex, phonenumbers.E164) != row.number:
			t.Errorf("+%d: libphonenumber's example is %s, the table has %s", c.Code,
				phonenumbers.Format(ex, phonenumbers.E164), row.number)
		case !row.example && ex != nil:
			t.Errorf("+%d: libphonenumber has an example (%s): use it", c.Code, phonenumbers.Format(ex, phonenumbers.E164))
		}
	}
}

// TestNonGeographicListMatchesLibphonenumber: every code libphonenumber treats as non-geographic is listed,
// and no listed code belongs to a country. The list is sorted and has no duplicates.
func TestNonGeographicListMatchesLibphonenumber(t *testing.T) {
	codes := NonGeographicCodes()
	listed := map[int]bool{}
	for i, c := range codes {
		if listed[c.Code] || (i > 0 && codes[i-1].Code > c.Code) {
			t.Errorf("+%d: duplicate or out of order", c.Code)
		}
		listed[c.Code] = true
		if r := phonenumbers.GetRegionCodeForCountryCode(c.Code); r != "001" && r != phonenumbers.UNKNOWN_REGION {
			t.Errorf("+%d is the country code of %s, not a non-geographic code", c.Code, r)
		}
	}
	for code := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if !listed[code] {
			t.Errorf("libphonenumber treats +%d as non-geographic, but nonGeographicCodes lacks it", code)
		}
	}
	for code := range phonenumbers.GetSupportedCallingCodes() {
		if phonenumbers.GetRegionCodeForCountryCode(code) == "001" && !listed[code] {
			t.Errorf("+%d has no country in libphonenumber, but nonGeographicCodes lacks it", code)
		}
	}
	// The list is a copy: changing it changes nothing.
	codes[0].Code = 44
	if NonGeographicCodes()[0].Code == 44 {
		t.Error("NonGeographicCodes returns the list itself")
	}
}

// nonGeoPolicies are the configurations under which every non-geographic number must stay refused: the
// simulator's defaults, a real account with countries, and the most open configuration there is.
func nonGeoPolicies(t *testing.T) map[string]*Policy {
	t.Helper()
	open := DefaultRules()
	open.RealAccount = true
	open.AllowAllCountries = true
	open.AllowHighRisk = DefaultHighRiskCountries()
	open.AllowedTypes = []LineType{Mobile, FixedLine, FixedLineOrMobile, TollFree, PremiumRate, VoIP, PersonalNumber}
	open.AllowPremiumRate = true
	real := DefaultRules()
	real.RealAccount = true
	real.AllowedCountries = []string{"GB", "IE", "US"}
	ps := map[string]*Policy{"simulator defaults": Default()}
	for name, r := range map[string]Rules{"real account, GB IE US": real, "real account, everything allowed": open} {
		p, err := New(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ps[name] = p
	}
	return ps
}

// TestNonGeographicAlwaysRefused: one number per non-geographic code, each refused under every policy:
// by ParseNumber when no numbering plan knows the code, else by policy.allow_prefixes.
func TestNonGeographicAlwaysRefused(t *testing.T) {
	ps := nonGeoPolicies(t)
	for _, row := range nonGeoNumbers {
		t.Run(row.number, func(t *testing.T) {
			n, err := ParseNumber(row.number, "")
			if err != nil {
				if row.example {
					t.Fatalf("libphonenumber's own example %s does not parse: %v", row.number, err)
				}
				// Refused at intake: no numbering plan knows the code. Should one appear in libphonenumber,
				// the number parses and the policy below refuses it.
				if !strings.Contains(err.Error(), "invalid country code") {
					t.Errorf("%s refused at intake for another reason: %v", row.number, err)
				}
				return
			}
			if n.Region != "001" {
				t.Fatalf("%s parses as a number of %s", row.number, n.Region)
			}
			for name, p := range ps {
				ref := p.CheckNumber(n)
				if ref == nil {
					t.Fatalf("%s: %s (%s) allowed", name, row.number, n.Type)
				}
				if ref.Rule != RuleNonGeographic || !strings.Contains(ref.Error(), "refused by policy.allow_prefixes: +") ||
					!strings.Contains(ref.Error(), "a non-geographic range") {
					t.Errorf("%s: %s refused by %s: %v", name, row.number, ref.Rule, ref)
				}
			}
		})
	}
}

func TestNonGeographicMessage(t *testing.T) {
	n, err := ParseNumber("+870 301 234 567", "")
	if err != nil {
		t.Fatal(err)
	}
	want := "refused by policy.allow_prefixes: +870 is Inmarsat (satellite), a non-geographic range: calls there " +
		"are billed at satellite or premium rates and are a favourite of toll fraud, so they are refused unless " +
		"policy.allow_prefixes lists a prefix of the number; this number may not be called under the current policy"
	if got := Default().CheckNumber(n); got == nil || got.Error() != want {
		t.Fatalf("CheckNumber = %v\nwant %s", got, want)
	}
}

// TestAllowPrefixesOpenOneRange: an allow_prefixes entry opens its range and nothing else; the line types
// and the blocked prefixes still apply inside it.
func TestAllowPrefixesOpenOneRange(t *testing.T) {
	r := DefaultRules()
	r.RealAccount = true
	r.AllowedCountries = []string{"GB"}
	r.AllowPrefixes = []string{"+8816", " +800 "}
	r.BlockedPrefixes = []string{"+88161"}
	p, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"+881712345678": RuleNonGeographic, // Iridium too, but outside +8816
		"+881612345678": RuleBlockedPrefix, // inside the range, but blocked
		"+881622345678": "",                // inside the range
		"+8823421234":   RuleNonGeographic, // another range
		"+80012345678":  RuleType,          // opened, but toll-free is not an allowed type
		"+870301234567": RuleNonGeographic,
	} {
		n, err := ParseNumber(in, "")
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		ref := p.CheckNumber(n)
		switch {
		case want == "" && ref != nil:
			t.Errorf("%s refused: %v", in, ref)
		case want != "" && (ref == nil || ref.Rule != want):
			t.Errorf("%s: got %v, want a refusal by %s", in, ref, want)
		}
	}
}

func TestAllowPrefixesProblems(t *testing.T) {
	for in, want := range map[string]string{
		"+44":   `policy.allow_prefixes: "+44" is not inside a non-geographic code (+388, +800, +808, +870`,
		"+88":   `"+88" is not inside a non-geographic code`,
		"+8":    `"+8" is not inside a non-geographic code`,
		"8816":  `policy.allow_prefixes: "8816": start the prefix with + and the country code, e.g. "+8816"`,
		"+88 1": `"+88 1" is not an E.164 prefix`,
		"":      "policy.allow_prefixes: empty prefix",
	} {
		r := DefaultRules()
		r.AllowPrefixes = []string{in}
		err := r.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("allow_prefixes %q: Validate = %v\nwant it to contain %q", in, err, want)
		}
	}
	r := DefaultRules()
	for _, c := range NonGeographicCodes() {
		r.AllowPrefixes = append(r.AllowPrefixes, c.Prefix(), c.Prefix()+"1")
	}
	if err := r.Validate(); err != nil {
		t.Errorf("every non-geographic code refused as an allow prefix: %v", err)
	}
}
