package policy

import (
	"errors"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// exampleOf returns libphonenumber's own example number of a type for a region, parsed by ParseNumber.
func exampleOf(t *testing.T, region string, typ phonenumbers.PhoneNumberType) Number {
	t.Helper()
	pn := phonenumbers.GetExampleNumberForType(region, typ)
	if pn == nil {
		t.Fatalf("libphonenumber has no example of type %v for %s", typ, region)
	}
	n, err := ParseNumber(phonenumbers.Format(pn, phonenumbers.E164), "")
	if err != nil {
		t.Fatalf("example %s %v: %v", region, typ, err)
	}
	return n
}

const (
	premiumMsg = "refused by policy.allowed_types: premium-rate numbers are refused: they bill the caller per " +
		"minute and are the usual toll-fraud target; this number may not be called under the current policy"
	sharedCostMsg = "refused by policy.allowed_types: shared-cost numbers are never called: they charge the " +
		"caller or reach no person, the routes toll fraud uses; this number may not be called under the current policy"
)

func TestDestinationRefusals(t *testing.T) {
	r := DefaultRules()
	r.AllowedCountries = []string{"GB", "US", "DE", "FR", "IT", "ES", "AU", "CH", "AT", "PL", "SE", "BE"}
	r.BlockedPrefixes = []string{"+447400999"}
	p, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name string
		num  Number
		rule string
		msg  string
	}
	var cases []tc
	for _, region := range []string{"US", "GB", "DE", "FR", "IT", "ES", "AU", "CH", "AT", "PL", "SE", "BE"} {
		cases = append(cases, tc{"premium-rate " + region, exampleOf(t, region, phonenumbers.PREMIUM_RATE), RuleType, premiumMsg})
	}
	for _, region := range []string{"DE", "FR", "IT", "ES", "AU", "CH", "AT", "PL", "SE", "BE"} {
		cases = append(cases, tc{"shared-cost " + region, exampleOf(t, region, phonenumbers.SHARED_COST), RuleType, sharedCostMsg})
	}
	us900, err := ParseNumber("+1 900 555 0123", "")
	if err != nil {
		t.Fatal(err)
	}
	blocked, err := ParseNumber("+447400999123", "")
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases,
		tc{"US premium-rate from the issue", us900, RuleType, premiumMsg},
		tc{"toll-free GB", exampleOf(t, "GB", phonenumbers.TOLL_FREE), RuleType,
			"refused by policy.allowed_types: toll-free numbers are not in policy.allowed_types (mobile, " +
				"fixed-line-or-mobile); this number may not be called under the current policy"},
		tc{"UAN GB", exampleOf(t, "GB", phonenumbers.UAN), RuleType,
			"refused by policy.allowed_types: uan numbers are never called: they charge the caller or reach no " +
				"person, the routes toll fraud uses; this number may not be called under the current policy"},
		tc{"pager GB", exampleOf(t, "GB", phonenumbers.PAGER), RuleType,
			"refused by policy.allowed_types: pager numbers are never called: they charge the caller or reach no " +
				"person, the routes toll fraud uses; this number may not be called under the current policy"},
		tc{"voicemail DE", exampleOf(t, "DE", phonenumbers.VOICEMAIL), RuleType,
			"refused by policy.allowed_types: voicemail numbers are never called: they charge the caller or " +
				"reach no person, the routes toll fraud uses; this number may not be called under the current policy"},
		tc{"fixed line GB", exampleOf(t, "GB", phonenumbers.FIXED_LINE), RuleType,
			"refused by policy.allowed_types: fixed-line numbers are not in policy.allowed_types (mobile, " +
				"fixed-line-or-mobile); this number may not be called under the current policy"},
		tc{"country not allowed", exampleOf(t, "NL", phonenumbers.MOBILE), RuleCountry,
			"refused by policy.allowed_countries: Netherlands (NL) is not in policy.allowed_countries (AT, AU, BE, " +
				"CH, DE, ES, FR, GB, IT, PL, SE, US); this number may not be called under the current policy"},
		tc{"blocked prefix", blocked, RuleBlockedPrefix,
			"refused by policy.blocked_prefixes: the number starts with +447400999, a blocked prefix " +
				"(policy.blocked_prefixes); this number may not be called under the current policy"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := p.CheckNumber(c.num)
			if ref == nil {
				t.Fatalf("%s (%s) allowed", c.num.E164, c.num.Type)
			}
			if ref.Rule != c.rule || ref.Error() != c.msg || !ref.RetryAfter.IsZero() {
				t.Fatalf("refusal of %s:\n rule %s\n %q\nwant rule %s\n %q", c.num.E164, ref.Rule, ref.Error(), c.rule, c.msg)
			}
			var target *Refusal
			if !errors.As(error(ref), &target) {
				t.Fatal("errors.As does not find the *Refusal")
			}
		})
	}
	for _, ok := range []string{"+447400123450", "+447400123459", "+12025550123"} {
		n, err := ParseNumber(ok, "")
		if err != nil {
			t.Fatal(err)
		}
		if ref := p.CheckNumber(n); ref != nil {
			t.Errorf("%s refused: %v", ok, ref)
		}
	}
}

func TestRefusalMessageSaysWhen(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	r := refusal(RulePerNumber, "3 calls to this number within 10m (limit 3/10m)", now, now.Add(9*time.Minute+30*time.Second+time.Millisecond))
	want := "refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again in " +
		"9m31s (after 2026-11-26 09:09:30 UTC)"
	if r.Error() != want {
		t.Fatalf("Error() = %q\nwant      %q", r.Error(), want)
	}
	lit := &Refusal{Rule: RuleDailyCap, Reason: "cap", RetryAfter: now}
	if got := lit.Error(); got != "refused by policy.daily_cap: cap; try again after 2026-11-26 09:00:00 UTC" {
		t.Fatalf("literal refusal: %q", got)
	}
}
