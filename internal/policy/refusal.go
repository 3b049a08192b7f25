package policy

import (
	"strings"
	"time"
)

// Rules that refuse a call, named after their configuration keys under [policy].
const (
	// RuleCountry: the number's country is not in allowed_countries.
	RuleCountry = "allowed_countries"
	// RuleHighRisk: the number's country is in high_risk_countries, a record of toll fraud, and not in
	// allow_high_risk.
	RuleHighRisk = "allow_high_risk"
	// RuleNonGeographic: the number is in a non-geographic range (satellite, international network, global
	// service; see NonGeographicCodes) that no allow_prefixes entry opens.
	RuleNonGeographic = "allow_prefixes"
	// RuleType: the number's line type is not allowed (premium-rate, shared-cost, toll-free, ...).
	RuleType = "allowed_types"
	// RuleBlockedPrefix: the number starts with a blocked prefix.
	RuleBlockedPrefix = "blocked_prefixes"
	// RulePerNumber: too many calls to this number in the window.
	RulePerNumber = "limit_per_number"
	// RulePerPrefix: too many calls into this number's range in the window.
	RulePerPrefix = "limit_per_prefix"
	// RulePerOperator: this operator placed too many calls in the window.
	RulePerOperator = "limit_per_operator"
	// RuleGlobal: too many calls by everyone in the window.
	RuleGlobal = "limit_global"
	// RuleCooldown: recent calls to this number were not delivered; it rests.
	RuleCooldown = "cooldown"
	// RuleLocked: the number's last verification locked after too many wrong read-backs; it rests for the
	// cooldown before a new verification may start.
	RuleLocked = "locked"
	// RuleDailyCap: the day's calls are used up.
	RuleDailyCap = "daily_cap"
	// RuleCostCap: the day's calls, priced from the history, leave no room for one more at its worst case.
	RuleCostCap = "daily_cost_cap"
	// RulePaused: an alarm paused calls to the number's country or range until a supervisor resumes them
	// (alarms.pause).
	RulePaused = "paused"
)

// Refusal is a call the policy refuses. Its message, shown verbatim on the console and by `flashcall call`,
// names the rule, says why, and says when the number may be tried again. It never contains the number.
type Refusal struct {
	// Rule is one of the Rule constants.
	Rule string
	// Reason explains the refusal in the operator's terms.
	Reason string
	// RetryAfter is when the number may be tried again; zero when not under the current policy.
	RetryAfter time.Time

	// wait is RetryAfter less the time of the refusal, for a relative "in 9m30s".
	wait time.Duration
}

// refusal builds a Refusal at now.
func refusal(rule, reason string, now, after time.Time) *Refusal {
	r := &Refusal{Rule: rule, Reason: reason, RetryAfter: after}
	if !after.IsZero() {
		r.wait = after.Sub(now)
	}
	return r
}

// Error returns e.g. "refused by policy.limit_per_number: 3 calls to this number within 10m; try again in
// 9m30s (after 09:10:00 UTC)".
func (r *Refusal) Error() string {
	var b strings.Builder
	b.WriteString(refusedBy)
	b.WriteString(r.Rule)
	b.WriteString(": ")
	b.WriteString(r.Reason)
	switch {
	case r.RetryAfter.IsZero():
		b.WriteString("; this number may not be called under the current policy")
	case r.wait > 0:
		b.WriteString("; try again in ")
		b.WriteString(FormatWindow((r.wait + time.Second - 1).Truncate(time.Second)))
		b.WriteString(" (after ")
		b.WriteString(r.RetryAfter.Format("2006-01-02 15:04:05 MST"))
		b.WriteString(")")
	default:
		b.WriteString("; try again after ")
		b.WriteString(r.RetryAfter.Format("2006-01-02 15:04:05 MST"))
	}
	return b.String()
}
