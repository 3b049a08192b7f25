package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Rules are the fraud controls as configured ([policy] in the configuration file). The zero Rules refuse
// every number (no type is allowed); start from DefaultRules.
type Rules struct {
	// AllowedCountries are ISO 3166 region codes ("GB") of the countries that may be called. Empty needs
	// AllowAllCountries with a RealAccount; on the simulator, empty with AllowAllCountries false calls every
	// country and skips the high-risk check (nothing reaches a carrier).
	AllowedCountries []string
	// AllowAllCountries is the deliberate choice to call every country instead of listing them: only with an
	// empty AllowedCountries. High-risk countries and non-geographic ranges stay refused.
	AllowAllCountries bool
	// HighRiskCountries are ISO codes of destinations with a record of toll fraud (DefaultHighRiskCountries):
	// each needs AllowHighRisk as well as AllowedCountries or AllowAllCountries, whatever its line type.
	HighRiskCountries []string
	// AllowHighRisk are the high-risk countries that may be called all the same, each also in
	// AllowedCountries when that is set.
	AllowHighRisk []string
	// AllowPrefixes are E.164 prefixes inside the non-geographic codes (NonGeographicCodes), e.g. "+8816"
	// for Iridium, whose numbers may be called; every other non-geographic number is refused. They lift no
	// other rule: line types and blocked prefixes still apply.
	AllowPrefixes []string
	// RealAccount is true when calls reach the telephone network through a real Restcomm account, false for
	// the simulator. A real account must choose its countries: AllowedCountries, or AllowAllCountries.
	RealAccount bool
	// AllowedTypes are the line types that may be called. Premium-rate needs AllowPremiumRate as well;
	// shared-cost, UAN, voicemail, pager and unknown numbers can never be allowed.
	AllowedTypes []LineType
	// AllowPremiumRate is the deliberately loud switch that lets AllowedTypes list premium-rate.
	AllowPremiumRate bool
	// BlockedPrefixes are E.164 prefixes ("+4470") that are never called.
	BlockedPrefixes []string
	// BlockedPrefixesFile names a file of more prefixes, one a line, # comments; read by New.
	BlockedPrefixesFile string
	// PerNumber limits calls to one number, PerPrefix to the numbers that share all but their last 4 digits,
	// PerOperator the calls one operator places, and Global every call.
	PerNumber, PerPrefix, PerOperator, Global Limit
	// CooldownAfter undelivered calls in a row to a number (0: off) stop calls to it for Cooldown after the
	// last of them.
	CooldownAfter int
	// Cooldown is how long a number rests after CooldownAfter undelivered calls.
	Cooldown time.Duration
	// DailyCap is how many calls may be placed in one calendar day of the service's clock (0: no cap).
	DailyCap int
	// Cost prices the calls for the daily cost cap (off by default).
	Cost Cost
}

// DefaultRules are the defaults. Destinations: mobile numbers (and those that may be mobile) of every
// country but none in a non-geographic range, as they stand, which is for the simulator: a RealAccount must
// also choose its countries (AllowedCountries or AllowAllCountries), and from then on the default high-risk
// countries need AllowHighRisk. Limits: 3 calls per number in 10 minutes, 10 per 10 minutes into one range
// of 10,000 numbers, 60 an hour per operator, 300 an hour in all, a one-hour cooldown after 3 undelivered
// calls in a row, and 2000 calls a day.
func DefaultRules() Rules {
	return Rules{
		AllowedCountries:  []string{},
		HighRiskCountries: DefaultHighRiskCountries(),
		AllowHighRisk:     []string{},
		AllowPrefixes:     []string{},
		AllowedTypes:      []LineType{Mobile, FixedLineOrMobile},
		BlockedPrefixes:   []string{},
		PerNumber:         Limit{Count: 3, Window: 10 * time.Minute},
		PerPrefix:         Limit{Count: 10, Window: 10 * time.Minute},
		PerOperator:       Limit{Count: 60, Window: time.Hour},
		Global:            Limit{Count: 300, Window: time.Hour},
		CooldownAfter:     3,
		Cooldown:          time.Hour,
		DailyCap:          2000,
		Cost:              Cost{Currency: "EUR"},
	}
}

// LineTypes returns every line type, in the order of their declaration.
func LineTypes() []LineType {
	return []LineType{Mobile, FixedLine, FixedLineOrMobile, TollFree, PremiumRate, SharedCost, VoIP,
		PersonalNumber, Pager, UAN, Voicemail, Unknown}
}

// NeverAllowed reports whether a line type can never be called, whatever the configuration says:
// shared-cost, UAN, voicemail, pager and unknown numbers. Premium-rate is not among them only because a
// deliberately loud setting can allow it.
func NeverAllowed(t LineType) bool {
	switch t {
	case SharedCost, UAN, Voicemail, Pager, Unknown:
		return true
	}
	return false
}

// PremiumRateKey is the configuration key that must be true before allowed_types may list premium-rate.
const PremiumRateKey = "allow_premium_rate_i_accept_toll_fraud_risk"

// RuleProblem is one thing wrong with Rules: the configuration key (under [policy]) and what to do.
type RuleProblem struct {
	// Key is the key under [policy], e.g. "allowed_types".
	Key string
	// Message says what is wrong and how to fix it.
	Message string
}

// Error returns "policy.KEY: message".
func (p *RuleProblem) Error() string { return "policy." + p.Key + ": " + p.Message }

// Problems checks the rules, without reading any file, and returns one *RuleProblem per problem.
func (r Rules) Problems() []*RuleProblem {
	var ps []*RuleProblem
	add := func(key, format string, args ...any) {
		ps = append(ps, &RuleProblem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	regions := func(key string, codes []string) {
		for _, c := range codes {
			switch {
			case KnownRegion(c):
			case KnownRegion(strings.ToUpper(c)):
				add(key, "%q must be upper case: use %q", c, strings.ToUpper(c))
			default:
				add(key, "%q is not a region code: use ISO 3166 codes such as \"GB\" or \"US\"", c)
			}
		}
	}
	regions("allowed_countries", r.AllowedCountries)
	regions("high_risk_countries", r.HighRiskCountries)
	regions("allow_high_risk", r.AllowHighRisk)
	ps = append(ps, r.geoProblems()...)
	if len(r.AllowedTypes) == 0 {
		add("allowed_types", "is empty, which refuses every number: list at least \"mobile\"")
	}
	known := LineTypes()
	for _, t := range r.AllowedTypes {
		switch {
		case !slices.Contains(known, t):
			add("allowed_types", "%q is not a line type: use %s", t, typeNames(known))
		case NeverAllowed(t):
			add("allowed_types", "%q can never be allowed: such numbers charge the caller or never reach a "+
				"person, the routes toll fraud uses; remove it", t)
		case t == PremiumRate && !r.AllowPremiumRate:
			add("allowed_types", "lists \"premium-rate\", but premium-rate numbers bill the caller per minute and "+
				"are the usual toll-fraud target: remove it, or, if you really must call them, also set "+
				"policy.%s = true", PremiumRateKey)
		}
	}
	if r.AllowPremiumRate && !slices.Contains(r.AllowedTypes, PremiumRate) {
		add(PremiumRateKey, "is true but allowed_types does not list \"premium-rate\": set it to false "+
			"(premium-rate numbers stay refused)")
	}
	for _, p := range r.BlockedPrefixes {
		if _, err := ParsePrefix(p); err != nil {
			add("blocked_prefixes", "%v", err)
		}
	}
	for _, l := range []struct {
		key string
		l   Limit
	}{{"limit_per_number", r.PerNumber}, {"limit_per_prefix", r.PerPrefix},
		{"limit_per_operator", r.PerOperator}, {"limit_global", r.Global}} {
		if !l.l.Off() && (l.l.Window < time.Second || l.l.Window > maxWindow) {
			add(l.key, "window %s: use between 1s and 366d, e.g. \"3/10m\"", l.l.Window)
		}
	}
	switch {
	case r.CooldownAfter < 0 || r.CooldownAfter > 100:
		add("cooldown_after", "is %d: use 1 to 100 undelivered calls in a row, or 0 for no cooldown",
			r.CooldownAfter)
	case r.CooldownAfter > 0 && (r.Cooldown < time.Minute || r.Cooldown > 30*Day):
		add("cooldown", "is %s: use between 1m and 30d, e.g. \"1h\" (or set cooldown_after = 0 for no "+
			"cooldown)", FormatWindow(r.Cooldown))
	}
	if r.DailyCap < 0 {
		add("daily_cap", "is %d: use a positive number of calls a day, or 0 for no cap", r.DailyCap)
	}
	r.Cost.problems(add)
	return ps
}

// Validate returns the Problems joined, or nil.
func (r Rules) Validate() error {
	var errs []error
	for _, p := range r.Problems() {
		errs = append(errs, p)
	}
	return errors.Join(errs...)
}

func typeNames(ts []LineType) string {
	var names []string
	for _, t := range ts {
		if !NeverAllowed(t) {
			names = append(names, string(t))
		}
	}
	return strings.Join(names, ", ")
}
