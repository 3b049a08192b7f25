package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
)

// TestBadPolicySettings is the table of bad [policy] and [history] retention settings and what the user
// sees for each.
func TestBadPolicySettings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "blocked.txt", "# ranges\n+4490\n4470 # no plus\n\n+44 70\n", 0o600)
	tests := []struct {
		name, content string
		want          []string
	}{
		{"limit in words", "[policy]\nlimit_per_number = \"3 per 10 minutes\"\n",
			[]string{`bad.toml:2: policy.limit_per_number: "3 per 10 minutes" is not a limit: write calls/window, e.g. "3/10m"`}},
		{"limit as a number", "[policy]\nlimit_global = 300\n",
			[]string{`bad.toml:2: policy.limit_global: "300" is not a limit: write calls/window, e.g. "3/10m"`}},
		{"window without a unit", "[policy]\nlimit_per_prefix = \"10/10\"\n",
			[]string{`bad.toml:2: policy.limit_per_prefix: "10/10": the window "10" has no unit`}},
		{"premium-rate without the loud key", "[policy]\nallowed_types = [\"mobile\", \"premium-rate\"]\n",
			[]string{`policy.allowed_types: lists "premium-rate", but premium-rate numbers bill the caller per minute`,
				"policy.allow_premium_rate_i_accept_toll_fraud_risk = true"}},
		{"the loud key alone", "[policy]\nallow_premium_rate_i_accept_toll_fraud_risk = true\n",
			[]string{`policy.allow_premium_rate_i_accept_toll_fraud_risk: is true but allowed_types does not list "premium-rate"`}},
		{"loud key as a string", "[policy]\nallow_premium_rate_i_accept_toll_fraud_risk = \"yes\"\n",
			[]string{`bad.toml:2: policy.allow_premium_rate_i_accept_toll_fraud_risk must be true or false`}},
		{"shared-cost", "[policy]\nallowed_types = [\"mobile\", \"shared-cost\"]\n",
			[]string{`policy.allowed_types: "shared-cost" can never be allowed`}},
		{"misspelt type", "[policy]\nallowed_types = [\"mobiles\"]\n",
			[]string{`policy.allowed_types: "mobiles" is not a line type: use mobile, fixed-line`}},
		{"lower-case country", "[policy]\nallowed_countries = [\"gb\"]\n",
			[]string{`policy.allowed_countries: "gb" must be upper case: use "GB"`}},
		{"UK is not a region code", "[policy]\nallowed_countries = [\"UK\"]\n",
			[]string{`policy.allowed_countries: "UK" is not a region code`}},
		{"unknown high-risk country", "[policy]\nhigh_risk_countries = [\"CU\", \"XX\"]\n",
			[]string{`policy.high_risk_countries: "XX" is not a region code`}},
		{"lower-case allowance", "[policy]\nallow_high_risk = [\"cu\"]\n",
			[]string{`policy.allow_high_risk: "cu" must be upper case: use "CU"`}},
		{"allowance for a country that is not listed", "[policy]\nallowed_countries = [\"GB\"]\nallow_high_risk = [\"CU\"]\n",
			[]string{`policy.allow_high_risk: lists "CU", which allowed_countries does not`}},
		{"both ways of choosing countries", "[policy]\nallowed_countries = [\"GB\"]\nallow_all_countries = true\n",
			[]string{`policy.allow_all_countries: is true but allowed_countries lists GB: keep one`}},
		{"allow_all_countries as a string", "[policy]\nallow_all_countries = \"yes\"\n",
			[]string{`bad.toml:2: policy.allow_all_countries must be true or false`}},
		{"a country as an allow prefix", "[policy]\nallow_prefixes = [\"+44\"]\n",
			[]string{`policy.allow_prefixes: "+44" is not inside a non-geographic code`}},
		{"allow prefix without +", "[policy]\nallow_prefixes = [\"8816\"]\n",
			[]string{`policy.allow_prefixes: "8816": start the prefix with + and the country code`}},
		{"prefix without +", "[policy]\nblocked_prefixes = [\"4490\"]\n",
			[]string{`policy.blocked_prefixes: "4490": start the prefix with + and the country code, e.g. "+4490"`}},
		{"bad lines of the prefixes file", "[policy]\nblocked_prefixes_file = \"blocked.txt\"\n",
			[]string{filepath.Join(dir, "blocked.txt") + `:3: "4470": start the prefix with +`,
				filepath.Join(dir, "blocked.txt") + `:5: "+44 70" is not an E.164 prefix`}},
		{"missing prefixes file", "[policy]\nblocked_prefixes_file = \"nope.txt\"\n",
			[]string{"policy.blocked_prefixes_file: " + filepath.Join(dir, "nope.txt") + ": cannot read the blocked-prefixes file"}},
		{"cooldown too long", "[policy]\ncooldown = \"31d\"\n", []string{`policy.cooldown: is 31d: use between 1m and 30d`}},
		{"cooldown in Go syntax", "[policy]\ncooldown = \"1h0m0.5s\"\n", []string{`bad.toml:2: policy.cooldown: "1h0m0.5s" is not a length of time`}},
		{"negative cap", "[policy]\ndaily_cap = -5\n", []string{`policy.daily_cap: is -5`}},
		{"negative price", "[policy]\nprice_per_call = -0.01\n", []string{`policy.price_per_call: is not an amount from 0 to 1000000000`}},
		{"price as a string", "[policy]\nprice_per_answered_minute = \"0.02 EUR\"\n", []string{`bad.toml:2: policy.price_per_answered_minute`}},
		{"cost cap without prices", "[policy]\ndaily_cost_cap = 50\n", []string{`policy.daily_cost_cap: is 50.00, but price_per_call and price_per_answered_minute are 0`}},
		{"cost cap below one call", "[policy]\nprice_per_call = 0.5\nprice_per_answered_minute = 1\ndaily_cost_cap = 1\n",
			[]string{`policy.daily_cost_cap: is 1.00, less than one call may cost (price_per_call + price_per_answered_minute = 1.50)`}},
		{"retention in hours", "[history]\nretention = \"12h\"\n", []string{`history.retention: is 12h: keep numbers at least "1d"`}},
		{"retention shorter than a window", "[history]\nretention = \"2d\"\n[policy]\nlimit_per_operator = \"100/7d\"\n",
			[]string{`history.retention: is 2d, shorter than policy.limit_per_operator (7d): the limits would forget calls`}},
		{"retention without a unit", "[history]\nretention = \"30\"\n", []string{`bad.toml:2: history.retention: "30" has no unit: write e.g. "30m"`}},
		{"American spelling", "[history]\nretention_mode = \"anonymize\"\n", []string{`history.retention_mode: write "anonymise" (British spelling) or "delete"`}},
		{"unknown mode", "[history]\nretention_mode = \"shred\"\n", []string{`history.retention_mode: "shred" is not a mode`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, "bad.toml", tt.content, 0o600)
			got := userSees(path)
			got = strings.ReplaceAll(got, path, "bad.toml")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("message lacks %q; got:\n%s", w, got)
				}
			}
		})
	}
}

func TestGoodPolicySettings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "blocked.txt", "+4490 # premium\n+882\n", 0o600)
	path := writeFile(t, dir, "ok.toml", `[history]
retention = "off"
retention_mode = "delete"
[policy]
allowed_countries = ["GB", "IE", "LV"]
high_risk_countries = ["CU", "LV"]
allow_high_risk = ["LV"]
allow_prefixes = ["+8816"]
allowed_types = ["mobile", "premium-rate"]
allow_premium_rate_i_accept_toll_fraud_risk = true
blocked_prefixes = ["+4470"]
blocked_prefixes_file = "blocked.txt"
limit_per_number = "5/1h"
limit_per_prefix = "off"
limit_global = "1000/1d"
cooldown_after = 0
daily_cap = 0
price_per_call = 0.0045
price_per_answered_minute = 0.02
currency = "USD"
daily_cost_cap = 25
`, 0o600)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	r := c.PolicyRules(nil)
	want := policy.Rules{
		AllowedCountries: []string{"GB", "IE", "LV"}, HighRiskCountries: []string{"CU", "LV"},
		AllowHighRisk: []string{"LV"}, AllowPrefixes: []string{"+8816"},
		AllowedTypes:     []policy.LineType{policy.Mobile, policy.PremiumRate},
		AllowPremiumRate: true, BlockedPrefixes: []string{"+4470"}, BlockedPrefixesFile: filepath.Join(dir, "blocked.txt"),
		PerNumber: policy.Limit{Count: 5, Window: time.Hour}, PerOperator: policy.Limit{Count: 60, Window: time.Hour},
		Global: policy.Limit{Count: 1000, Window: policy.Day}, Cooldown: time.Hour,
		Cost: policy.Cost{PerCall: 4500, PerMinute: 20000, Currency: "USD", DailyCap: 25 * policy.MoneyUnit},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("PolicyRules =\n%+v\nwant\n%+v", r, want)
	}
	p, err := policy.New(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.BlockedPrefixes()); got != 3 {
		t.Errorf("blocked prefixes = %d, want 3", got)
	}
	if c.History.Retention.Duration != 0 || c.History.RetentionMode != RetainDelete {
		t.Errorf("history = %+v", c.History)
	}
}

func TestDefaultPolicyIsPolicyDefault(t *testing.T) {
	got := Default().PolicyRules(nil)
	if want := policy.DefaultRules(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Default().PolicyRules =\n%+v\npolicy.DefaultRules =\n%+v", got, want)
	}
	if Default().History.Retention.Duration != 30*24*time.Hour || Default().History.RetentionMode != RetainAnonymise {
		t.Fatalf("default retention %+v", Default().History)
	}
}

func TestBlockedPrefixesPath(t *testing.T) {
	home := envMap(map[string]string{"HOME": "/home/op"})
	c := Default()
	if got := c.BlockedPrefixesPath(home); got != "" {
		t.Errorf("unset: %q", got)
	}
	c.Policy.BlockedPrefixesFile = "~/blocked.txt"
	if got := c.BlockedPrefixesPath(home); got != "/home/op/blocked.txt" {
		t.Errorf("~/: %q", got)
	}
	c.Policy.BlockedPrefixesFile = "lists/blocked.txt"
	c.source = "/etc/flashcall/config.toml"
	if got := c.BlockedPrefixesPath(home); got != "/etc/flashcall/lists/blocked.txt" {
		t.Errorf("relative: %q", got)
	}
}

func TestSpanText(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "off": 0, "": 0, "1d12h": 36 * time.Hour} {
		var s Span
		if err := s.UnmarshalText([]byte(in)); err != nil || s.Duration != want {
			t.Errorf("Span(%q) = %v, %v; want %v", in, s.Duration, err, want)
		}
	}
	for d, want := range map[time.Duration]string{0: "off", 30 * 24 * time.Hour: "30d", 90 * time.Minute: "1h30m"} {
		if b, _ := (Span{Duration: d}).MarshalText(); string(b) != want {
			t.Errorf("MarshalText(%v) = %q, want %q", d, b, want)
		}
	}
}
