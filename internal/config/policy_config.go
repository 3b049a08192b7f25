package config

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
)

// Retention defaults and modes, also written in config.example.toml.
const (
	// DefaultRetention is how long attempts keep the customer's number unless history.retention says
	// otherwise.
	DefaultRetention = 30 * policy.Day
	// RetainAnonymise empties the numbers of older attempts and keeps the rest for statistics.
	RetainAnonymise = "anonymise"
	// RetainDelete deletes older attempts altogether.
	RetainDelete = "delete"
)

// PolicyConfig is the [policy] table: the fraud controls every call must pass. See policy.Rules.
type PolicyConfig struct {
	// AllowedCountries are the ISO 3166 region codes that may be called. A real account refuses to start
	// with it empty unless AllowAllCountries is set; the simulator calls every country then.
	AllowedCountries []string `toml:"allowed_countries"`
	// AllowAllCountries calls every country, on purpose, instead of listing them (high-risk countries and
	// non-geographic ranges stay refused).
	AllowAllCountries bool `toml:"allow_all_countries"`
	// HighRiskCountries are the destinations with a record of toll fraud, each needing AllowHighRisk;
	// default policy.DefaultHighRiskCountries.
	HighRiskCountries []string `toml:"high_risk_countries"`
	// AllowHighRisk are the high-risk countries that may be called all the same.
	AllowHighRisk []string `toml:"allow_high_risk"`
	// AllowPrefixes are prefixes of the non-geographic ranges (satellite, international networks) that may be
	// called, e.g. "+8816"; every other such number is refused.
	AllowPrefixes []string `toml:"allow_prefixes"`
	// AllowedTypes are the line types that may be called.
	AllowedTypes []string `toml:"allowed_types"`
	// AllowPremiumRate must be true before AllowedTypes may list premium-rate.
	AllowPremiumRate bool `toml:"allow_premium_rate_i_accept_toll_fraud_risk"`
	// BlockedPrefixes are E.164 prefixes never called.
	BlockedPrefixes []string `toml:"blocked_prefixes"`
	// BlockedPrefixesFile is a file of more prefixes, one a line; relative to the configuration file.
	BlockedPrefixesFile string `toml:"blocked_prefixes_file"`
	// LimitPerNumber limits calls to one number.
	LimitPerNumber policy.Limit `toml:"limit_per_number"`
	// LimitPerPrefix limits calls into one range: numbers that differ only in their last 4 digits.
	LimitPerPrefix policy.Limit `toml:"limit_per_prefix"`
	// LimitPerOperator limits the calls one operator places.
	LimitPerOperator policy.Limit `toml:"limit_per_operator"`
	// LimitGlobal limits every call together.
	LimitGlobal policy.Limit `toml:"limit_global"`
	// CooldownAfter undelivered calls in a row to a number stop calls to it for Cooldown; 0 is off.
	CooldownAfter int `toml:"cooldown_after"`
	// Cooldown is how long such a number rests.
	Cooldown Span `toml:"cooldown"`
	// DailyCap is how many calls may be placed in one day (local midnight to midnight); 0 is no cap.
	DailyCap int `toml:"daily_cap"`
	// PricePerCall is what placing one call costs, answered or not, in Currency (policy.Cost).
	PricePerCall float64 `toml:"price_per_call"`
	// PricePerAnsweredMinute is what each answered minute costs.
	PricePerAnsweredMinute float64 `toml:"price_per_answered_minute"`
	// Currency labels the amounts in messages.
	Currency string `toml:"currency"`
	// DailyCostCap is the most one day's calls may cost (local midnight to midnight); 0 is no cap.
	DailyCostCap float64 `toml:"daily_cost_cap"`
}

// defaultPolicy returns the [policy] defaults: policy.DefaultRules.
func defaultPolicy() PolicyConfig {
	r := policy.DefaultRules()
	types := make([]string, len(r.AllowedTypes))
	for i, t := range r.AllowedTypes {
		types[i] = string(t)
	}
	return PolicyConfig{
		AllowedCountries:  slices.Clone(r.AllowedCountries),
		AllowAllCountries: r.AllowAllCountries,
		HighRiskCountries: slices.Clone(r.HighRiskCountries),
		AllowHighRisk:     slices.Clone(r.AllowHighRisk),
		AllowPrefixes:     slices.Clone(r.AllowPrefixes),
		AllowedTypes:      types,
		BlockedPrefixes:   slices.Clone(r.BlockedPrefixes),
		LimitPerNumber:    r.PerNumber,
		LimitPerPrefix:    r.PerPrefix,
		LimitPerOperator:  r.PerOperator,
		LimitGlobal:       r.Global,
		CooldownAfter:     r.CooldownAfter,
		Cooldown:          Span{Duration: r.Cooldown},
		DailyCap:          r.DailyCap,
		Currency:          r.Cost.Currency,
	}
}

// BlockedPrefixesPath returns policy.blocked_prefixes_file with a leading ~/ expanded and a relative path
// taken from the directory of the configuration file; "" when it is not set.
func (c *Config) BlockedPrefixesPath(getenv func(string) string) string {
	p := c.Policy.BlockedPrefixesFile
	if p == "" {
		return ""
	}
	p = expandHome(p, orNoEnv(getenv))
	if !filepath.IsAbs(p) && c.source != "" {
		p = filepath.Join(filepath.Dir(c.source), p)
	}
	return p
}

// PolicyRules returns the [policy] table as policy.Rules, ready for policy.New (which reads the prefixes
// file), with RealAccount set unless calls go to the simulator.
func (c *Config) PolicyRules(getenv func(string) string) policy.Rules {
	p := c.Policy
	types := make([]policy.LineType, len(p.AllowedTypes))
	for i, t := range p.AllowedTypes {
		types[i] = policy.LineType(t)
	}
	return policy.Rules{
		AllowedCountries:    slices.Clone(p.AllowedCountries),
		AllowAllCountries:   p.AllowAllCountries,
		HighRiskCountries:   slices.Clone(p.HighRiskCountries),
		AllowHighRisk:       slices.Clone(p.AllowHighRisk),
		AllowPrefixes:       slices.Clone(p.AllowPrefixes),
		RealAccount:         !c.UsesSimulator(),
		AllowedTypes:        types,
		AllowPremiumRate:    p.AllowPremiumRate,
		BlockedPrefixes:     slices.Clone(p.BlockedPrefixes),
		BlockedPrefixesFile: c.BlockedPrefixesPath(getenv),
		PerNumber:           p.LimitPerNumber,
		PerPrefix:           p.LimitPerPrefix,
		PerOperator:         p.LimitPerOperator,
		Global:              p.LimitGlobal,
		CooldownAfter:       p.CooldownAfter,
		Cooldown:            p.Cooldown.Duration,
		DailyCap:            p.DailyCap,
		Cost: policy.Cost{PerCall: money(p.PricePerCall), PerMinute: money(p.PricePerAnsweredMinute),
			Currency: p.Currency, DailyCap: money(p.DailyCostCap)},
	}
}

// money converts an amount of the configuration to policy.Money; one that is not an amount (negative, too
// large, not a number) becomes -1, which policy.Rules.Problems reports under its key.
func money(units float64) policy.Money {
	m, ok := policy.MoneyOf(units)
	if !ok {
		return -1
	}
	return m
}

// validatePolicy checks the [policy] table, reading the blocked-prefixes file: every bad line is reported
// as FILE:LINE. With a real account it refuses an empty policy.allowed_countries unless
// policy.allow_all_countries is set (policy.Rules.RealAccount): geo permissions deny by default.
func (c *Config) validatePolicy(ps *problems) {
	r := c.PolicyRules(nil)
	r.BlockedPrefixesFile = ""
	for _, p := range r.Problems() {
		ps.add("policy."+p.Key, "%s", p.Message)
	}
	path := c.BlockedPrefixesPath(nil)
	if path == "" {
		return
	}
	if msg := checkPrefixFile(path); msg != "" {
		ps.add("policy.blocked_prefixes_file", "%s", msg)
		return
	}
	if _, err := policy.ReadPrefixFile(path); err != nil {
		errs := flatten(err)
		for i, e := range errs {
			if i == maxPrefixFileErrors {
				ps.add("policy.blocked_prefixes_file", "%s: %d more bad lines not shown: is it a file of "+
					"prefixes, one a line?", path, len(errs)-i)
				break
			}
			ps.add("policy.blocked_prefixes_file", "%v", e)
		}
	}
}

// maxPrefixFile bounds the blocked-prefixes file: a list of every prefix anyone blocks is far smaller.
const maxPrefixFile = 4 << 20

// maxPrefixFileErrors bounds how many bad lines of a blocked-prefixes file are reported one by one: with the
// line that counts the rest, as many as Validate keeps for one key.
const maxPrefixFileErrors = maxProblemsPerKey - 1

// checkPrefixFile returns why the blocked-prefixes file at path cannot be read safely, or "": it must be a
// regular file (a device such as /dev/urandom never ends, and a named pipe blocks whoever opens it) of at
// most 4 MiB. It only looks at the file, without opening it.
func checkPrefixFile(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return path + ": cannot read the blocked-prefixes file: " + osReason(err) + ": fix the path (a " +
			"relative one is taken from the configuration file's directory), or leave the key empty"
	}
	if !st.Mode().IsRegular() {
		return fmt.Sprintf("%s is %s, not a regular file: give a text file of prefixes, one a line, or leave "+
			"the key empty", path, fileKind(st.Mode()))
	}
	if st.Size() > maxPrefixFile {
		return fmt.Sprintf("%s is larger than 4 MiB (%d bytes): this is not a file of prefixes; give a text "+
			"file with one E.164 prefix a line, or leave the key empty", path, st.Size())
	}
	return ""
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// validateRetention checks history.retention and history.retention_mode.
func (c *Config) validateRetention(ps *problems) {
	h := c.History
	switch strings.ToLower(h.RetentionMode) {
	case RetainAnonymise, RetainDelete:
		if h.RetentionMode != strings.ToLower(h.RetentionMode) {
			ps.add("history.retention_mode", "must be lower case: use %q", strings.ToLower(h.RetentionMode))
		}
	case "anonymize":
		ps.add("history.retention_mode", "write %q (British spelling) or %q", RetainAnonymise, RetainDelete)
	default:
		ps.add("history.retention_mode", "%q is not a mode: use %q (empty the numbers, keep the statistics) or "+
			"%q", h.RetentionMode, RetainAnonymise, RetainDelete)
	}
	d := h.Retention.Duration
	if d == 0 && h.Retention.unitZero {
		ps.add("history.retention", "is zero, which would keep the customers' numbers for ever, not for no time: "+
			"write \"off\" to keep them for ever on purpose, or a length of at least \"1d\", e.g. \"30d\"")
		return
	}
	if d == 0 {
		return
	}
	if d < policy.Day {
		ps.add("history.retention", "is %s: keep numbers at least \"1d\", or write \"off\" to keep them for ever",
			policy.FormatWindow(d))
		return
	}
	// Older attempts lose their numbers, so the limits could no longer see them: retention must outlast
	// every window.
	p := c.Policy
	for _, w := range []struct {
		key string
		d   time.Duration
	}{{"limit_per_number", p.LimitPerNumber.Window}, {"limit_per_prefix", p.LimitPerPrefix.Window},
		{"limit_per_operator", p.LimitPerOperator.Window}, {"limit_global", p.LimitGlobal.Window},
		{"cooldown", p.Cooldown.Duration}} {
		if w.d > d {
			ps.add("history.retention", "is %s, shorter than policy.%s (%s): the limits would forget calls; "+
				"make it at least %s", policy.FormatWindow(d), w.key, policy.FormatWindow(w.d), policy.FormatWindow(w.d))
		}
	}
}
