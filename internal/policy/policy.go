package policy

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Policy is a compiled, immutable set of Rules: safe for concurrent use by every operator session.
type Policy struct {
	rules         Rules
	countries     map[string]bool // empty: every country (see Rules.AllowedCountries)
	highRisk      map[string]bool
	allowHighRisk map[string]bool
	allowPrefixes []string // trimmed, checked by Validate
	types         map[LineType]bool
	prefixes      []BlockedPrefix
}

// New compiles r, reading r.BlockedPrefixesFile when it is set. It refuses rules with problems (see
// Rules.Problems) and a bad prefixes file (each bad line as FILE:LINE).
func New(r Rules) (*Policy, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	p := &Policy{rules: r, countries: map[string]bool{}, highRisk: map[string]bool{}, allowHighRisk: map[string]bool{},
		types: map[LineType]bool{}}
	for _, c := range r.AllowedCountries {
		p.countries[c] = true
	}
	for _, c := range r.HighRiskCountries {
		p.highRisk[c] = true
	}
	for _, c := range r.AllowHighRisk {
		p.allowHighRisk[c] = true
	}
	for _, s := range r.AllowPrefixes {
		pre, _ := ParsePrefix(s) // checked by Validate
		p.allowPrefixes = append(p.allowPrefixes, pre)
	}
	for _, t := range r.AllowedTypes {
		p.types[t] = true
	}
	for _, s := range r.BlockedPrefixes {
		pre, _ := ParsePrefix(s) // checked by Validate
		p.prefixes = append(p.prefixes, BlockedPrefix{Prefix: pre, Source: "policy.blocked_prefixes"})
	}
	if r.BlockedPrefixesFile != "" {
		more, err := ReadPrefixFile(r.BlockedPrefixesFile)
		if err != nil {
			return nil, err
		}
		p.prefixes = append(p.prefixes, more...)
	}
	return p, nil
}

// Default is the policy of DefaultRules.
func Default() *Policy {
	p, err := New(DefaultRules())
	if err != nil {
		panic("policy: the default rules are invalid: " + err.Error()) // a bug caught by the tests
	}
	return p
}

// Rules returns the rules the policy was built from.
func (p *Policy) Rules() Rules { return p.rules }

// BlockedPrefixes returns every blocked prefix with where it was configured.
func (p *Policy) BlockedPrefixes() []BlockedPrefix { return slices.Clone(p.prefixes) }

// CheckNumber applies the destination rules to a parsed number and returns nil or the refusal: the
// non-geographic ranges (always refused unless policy.allow_prefixes opens one), the allowed countries, the
// high-risk countries (each needs policy.allow_high_risk, whatever the line type), the line types and the
// blocked prefixes. These refusals do not expire: RetryAfter is zero.
func (p *Policy) CheckNumber(n Number) *Refusal {
	var never time.Time
	if ref := p.checkGeo(n); ref != nil {
		return ref
	}
	switch {
	case n.Type == PremiumRate && !p.types[PremiumRate]:
		return refusal(RuleType, "premium-rate numbers are refused: they bill the caller per minute and are the "+
			"usual toll-fraud target", never, never)
	case NeverAllowed(n.Type):
		return refusal(RuleType, string(n.Type)+" numbers are never called: they charge the caller or reach no "+
			"person, the routes toll fraud uses", never, never)
	case !p.types[n.Type]:
		return refusal(RuleType, string(n.Type)+" numbers are not in policy.allowed_types ("+
			allowedList(p.rules.AllowedTypes)+")", never, never)
	}
	for _, b := range p.prefixes {
		if strings.HasPrefix(n.E164, b.Prefix) {
			return refusal(RuleBlockedPrefix, "the number starts with "+b.Prefix+", a blocked prefix ("+
				b.Source+")", never, never)
		}
	}
	return nil
}

// KnownRegion reports whether s is an upper-case ISO 3166 region code with a calling code.
func KnownRegion(s string) bool {
	return len(s) == 2 && s == strings.ToUpper(s) && phonenumbers.GetCountryCodeForRegion(s) != 0
}

// countryLabel is "United States (US)".
func countryLabel(n Number) string {
	if n.Country == "" || n.Country == n.Region {
		return n.Region
	}
	return n.Country + " (" + n.Region + ")"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func allowedList(ts []LineType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// errNoCounter guards CheckLimits against a missing Counter.
var errNoCounter = errors.New("policy: no counter for the limits")
