package policy

import (
	"context"
	"slices"
	"strings"
)

// Overrides. A supervisor may lift, for one number and one call, a rule that rests or counts: the cooldowns
// (RuleCooldown, RuleLocked), the limits (RulePerNumber, RulePerPrefix, RulePerOperator, RuleGlobal,
// RuleDailyCap) and an alarm's pause (RulePaused). The destination rules (RuleCountry, RuleHighRisk,
// RuleNonGeographic, RuleType, RuleBlockedPrefix) are configuration and are never lifted.

// LiftableRules are the rules an override may lift, in the order they are listed to a user.
var LiftableRules = []string{RuleCooldown, RuleLocked, RulePerNumber, RulePerPrefix, RulePerOperator, RuleGlobal,
	RuleDailyCap, RulePaused}

// Liftable reports whether an override may lift rule.
func Liftable(rule string) bool { return slices.Contains(LiftableRules, rule) }

// Lifter is asked, inside the placement's transaction, whether an override lifts a rule that refuses the
// call; true means the override was used for this call and the rule is not applied.
type Lifter func(ctx context.Context, rule string) (bool, error)

// RuleOf returns the rule a refusal's message (Refusal.Error, as stored with a blocked attempt) names, or ""
// when text is not a policy refusal.
func RuleOf(text string) string {
	rest, ok := strings.CutPrefix(text, refusedBy)
	if !ok {
		return ""
	}
	rule, _, ok := strings.Cut(rest, ": ")
	if !ok {
		return ""
	}
	return rule
}

// refusedBy starts every refusal's message.
const refusedBy = "refused by policy."
