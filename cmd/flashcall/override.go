package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// overrideSynopsis is override's usage.
var overrideSynopsis = `override NUMBER --rule RULE --reason TEXT [--config PATH]

Lifts one rule for the next call to NUMBER, for a supervisor (console.supervisor for this machine's user):
the next placement the rule would refuse goes through, once, within ` + policy.FormatWindow(verify.OverrideValidity) + `.
RULE is one of ` + strings.Join(policy.LiftableRules, ", ") + `.
The destination rules (countries, line types, blocked prefixes) are configuration and are never lifted.
The reason is required and audited (override-given; the call that uses it, override-used).`

// runOverride implements `flashcall override NUMBER --rule RULE --reason TEXT`.
func runOverride(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("override", overrideSynopsis, e.stderr)
	rule := fs.String("rule", "", "the rule to lift: "+strings.Join(policy.LiftableRules, ", "))
	reason := fs.String("reason", "", "why the number may be called despite the rule (required, audited)")
	pos, help, err := parseArgs(fs, e.args)
	switch {
	case help:
		return exitOK
	case err != nil:
		return exitUsage
	case len(pos) != 1:
		return usageError(fs, e.stderr, "usage: flashcall override NUMBER --rule RULE --reason TEXT")
	case *rule == "":
		return usageError(fs, e.stderr, "--rule is required: one of %s", strings.Join(policy.LiftableRules, ", "))
	case !slices.Contains(policy.LiftableRules, *rule):
		return usageError(fs, e.stderr, "--rule %s is not a rule an override lifts: use one of %s", record.Quote(*rule),
			strings.Join(policy.LiftableRules, ", "))
	case strings.TrimSpace(*reason) == "":
		return usageError(fs, e.stderr, "--reason is required: say why the number may be called despite the rule")
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	cfg.Alarms.Enabled = false // this run only writes the override: the running consoles raise the alarms
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv, NoServer: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall override: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	o, err := a.Service.Override(ctx, localOperator(cfg, e.getenv), pos[0], *rule, *reason)
	var (
		role *verify.RoleError
		ne   *verify.NumberError
		oe   *verify.OverrideError
	)
	switch {
	case errors.As(err, &role):
		fmt.Fprintf(e.stderr, "flashcall override: %v\n", err)
		return exitPolicy
	case errors.As(err, &ne), errors.As(err, &oe):
		fmt.Fprintf(e.stderr, "flashcall override: %v\n", err)
		return exitUsage
	case errors.Is(err, verify.ErrOverridePending):
		fmt.Fprintf(e.stderr, "flashcall override: policy.%s is already lifted for the next call to %s (override %d, until %s)\n",
			o.Rule, record.MaskNumber(o.Number), o.ID, o.ExpiresAt.Local().Format("15:04 MST"))
		return exitNotDone
	case err != nil:
		fmt.Fprintf(e.stderr, "flashcall override: %v\n", err)
		return exitNotDone
	}
	fmt.Fprintf(e.stdout, "override %d: policy.%s lifted for the next call to %s, until %s\n", o.ID, o.Rule,
		record.MaskNumber(o.Number), o.ExpiresAt.Local().Format("15:04 MST"))
	return exitOK
}
