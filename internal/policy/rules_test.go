package policy

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultRulesAreValid(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatalf("DefaultRules: %v", err)
	}
	r := Default().Rules()
	if r.PerNumber != (Limit{3, 10 * time.Minute}) {
		t.Errorf("default per-number limit %v, want 3/10m", r.PerNumber)
	}
	for _, typ := range LineTypes() {
		allowed := typ == Mobile || typ == FixedLineOrMobile
		n := gbMobile
		n.Type = typ
		if got := Default().CheckNumber(n) == nil; got != allowed {
			t.Errorf("default policy allows %s: %v, want %v", typ, got, allowed)
		}
	}
}

func TestRuleProblems(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Rules)
		want string
	}{
		{"premium-rate without the loud key", func(r *Rules) { r.AllowedTypes = append(r.AllowedTypes, PremiumRate) },
			`policy.allowed_types: lists "premium-rate", but premium-rate numbers bill the caller per minute and are ` +
				`the usual toll-fraud target: remove it, or, if you really must call them, also set ` +
				`policy.allow_premium_rate_i_accept_toll_fraud_risk = true`},
		{"loud key without premium-rate", func(r *Rules) { r.AllowPremiumRate = true },
			`policy.allow_premium_rate_i_accept_toll_fraud_risk: is true but allowed_types does not list "premium-rate"`},
		{"shared-cost", func(r *Rules) { r.AllowedTypes = []LineType{Mobile, SharedCost} },
			`policy.allowed_types: "shared-cost" can never be allowed`},
		{"shared-cost even with the loud key", func(r *Rules) {
			r.AllowedTypes, r.AllowPremiumRate = []LineType{Mobile, PremiumRate, SharedCost}, true
		}, `"shared-cost" can never be allowed`},
		{"unknown", func(r *Rules) { r.AllowedTypes = []LineType{Unknown} }, `"unknown" can never be allowed`},
		{"not a type", func(r *Rules) { r.AllowedTypes = []LineType{"mobil"} },
			`"mobil" is not a line type: use mobile, fixed-line, fixed-line-or-mobile, toll-free, premium-rate, voip, personal-number`},
		{"no type", func(r *Rules) { r.AllowedTypes = nil }, "is empty, which refuses every number"},
		{"lower-case country", func(r *Rules) { r.AllowedCountries = []string{"gb"} }, `"gb" must be upper case: use "GB"`},
		{"not a country", func(r *Rules) { r.AllowedCountries = []string{"UK"} }, `"UK" is not a region code`},
		{"bad prefix", func(r *Rules) { r.BlockedPrefixes = []string{"4490"} },
			`policy.blocked_prefixes: "4490": start the prefix with + and the country code, e.g. "+4490"`},
		{"cooldown too short", func(r *Rules) { r.Cooldown = time.Second }, "policy.cooldown: is 1s"},
		{"negative cap", func(r *Rules) { r.DailyCap = -1 }, "policy.daily_cap: is -1"},
		{"cooldown_after", func(r *Rules) { r.CooldownAfter = -2 }, "policy.cooldown_after: is -2"},
		{"window", func(r *Rules) { r.Global = Limit{Count: 1} }, "policy.limit_global: window 0s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(&r)
			err := r.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v\nwant it to contain %q", err, tt.want)
			}
			if _, err := New(r); err == nil {
				t.Fatal("New accepted the rules")
			}
		})
	}
}

func TestPremiumRateNeedsBothKeys(t *testing.T) {
	r := DefaultRules()
	r.AllowedTypes = append(r.AllowedTypes, PremiumRate)
	r.AllowPremiumRate = true
	p, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	n := gbMobile
	n.Type = PremiumRate
	if ref := p.CheckNumber(n); ref != nil {
		t.Fatalf("premium-rate allowed on purpose, still refused: %v", ref)
	}
}

// TestDefaultsAllowTheDemoNumbers: the simulator's demo numbers (+447400123450 to ...459, the last digit
// choosing the outcome) and a US number pass the default destination rules.
func TestDefaultsAllowTheDemoNumbers(t *testing.T) {
	for _, in := range []string{"+447400123450", "+447400123451", "+447400123452", "+447400123453", "+447400123454",
		"+447400123455", "+447400123456", "+447400123457", "+447400123458", "+447400123459", "+12025550123"} {
		n, err := ParseNumber(in, "")
		if err != nil {
			t.Fatal(err)
		}
		if ref := Default().CheckNumber(n); ref != nil {
			t.Errorf("%s refused by default: %v", in, ref)
		}
	}
}
