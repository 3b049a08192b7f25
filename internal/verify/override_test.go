package verify

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// supervisor is who gives the overrides in these tests.
var supervisor = record.Operator{Name: "sam", Remote: "local", Role: record.RoleSupervisor}

// refusedBy places a call to number and fails the test unless rule refuses it.
func (r *rig) refusedBy(number, rule, when string) {
	r.t.Helper()
	_, err := r.svc.Place(context.Background(), r.op, number)
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != rule {
		r.t.Fatalf("%s: Place = %v, want a refusal by policy.%s", when, err, rule)
	}
}

// TestOverrideLiftsEachRuleOnceAndOnlyOnce: for every rule an override may lift, a number the rule refuses is
// called once after a supervisor's override, and refused again by the same rule at the next try; the override
// is audited when given and when used (the number masked, the reason quoted) and the verification view shows it.
func TestOverrideLiftsEachRuleOnceAndOnlyOnce(t *testing.T) {
	hour := policy.Limit{Count: 1, Window: time.Hour}
	for _, tc := range []struct {
		rule   string
		rules  func(*policy.Rules)
		number string
		setup  func(r *rig, number string)
	}{
		{policy.RulePerNumber, func(ru *policy.Rules) { ru.PerNumber = hour }, "+447400123458",
			func(r *rig, n string) { r.place(n) }},
		{policy.RulePerPrefix, func(ru *policy.Rules) { ru.PerPrefix = hour }, "+447400123458",
			func(r *rig, n string) { r.place("+447400120008") }},
		{policy.RulePerOperator, func(ru *policy.Rules) { ru.PerOperator = hour }, "+447400123458",
			func(r *rig, n string) { r.place("+447400999008") }},
		{policy.RuleGlobal, func(ru *policy.Rules) { ru.Global = hour }, "+447400123458",
			func(r *rig, n string) { r.place("+447400999008") }},
		{policy.RuleDailyCap, func(ru *policy.Rules) { ru.DailyCap = 1 }, "+447400123458",
			func(r *rig, n string) { r.place("+447400999008") }},
		{policy.RuleCooldown, func(ru *policy.Rules) { ru.CooldownAfter, ru.Cooldown = 1, time.Hour }, "+447400123458",
			func(r *rig, n string) { r.place(n) }},
		{policy.RuleLocked, func(ru *policy.Rules) { ru.Cooldown = time.Hour }, "+447400123450",
			func(r *rig, n string) { r.lockVerification(n) }},
		{policy.RulePaused, nil, "+447400123458", func(r *rig, n string) {
			p := record.Pause{Scope: record.PausePrefix, Key: "+44740012", Alarm: "conversion-drop prefix +44740012",
				CreatedAt: r.clk.Now()}
			if err := r.st.AddPause(context.Background(), &p); err != nil {
				r.t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			r := newRig(t, withRules(t, func(ru *policy.Rules) {
				noLimits(ru)
				ru.Cooldown = 0
				if tc.rules != nil {
					tc.rules(ru)
				}
			}))
			ctx := context.Background()
			tc.setup(r, tc.number)
			r.advance(15 * time.Second) // every call so far has ended
			r.refusedBy(tc.number, tc.rule, "before the override")

			o, err := r.svc.Override(ctx, supervisor, tc.number, tc.rule, "  customer on the line,\tticket 4411\n")
			if err != nil || o.Reason != "customer on the line, ticket 4411" || !o.ExpiresAt.Equal(r.clk.Now().Add(OverrideValidity)) {
				t.Fatalf("Override = %+v, %v", o, err)
			}
			if again, err := r.svc.Override(ctx, supervisor, tc.number, tc.rule, "twice"); !errors.Is(err, ErrOverridePending) || again.ID != o.ID {
				t.Fatalf("a second override while the first waits: %+v, %v; want ErrOverridePending with the first", again, err)
			}
			given := r.auditOf(record.AuditOverridden)
			if len(given) != 1 || given[0].Number != record.MaskNumber(tc.number) || given[0].Operator != supervisor.String() ||
				!strings.Contains(given[0].Detail, "policy."+tc.rule) || !strings.Contains(given[0].Detail, `"customer on the line, ticket 4411"`) ||
				strings.Contains(given[0].Detail, tc.number) {
				t.Fatalf("override-given entries %+v", given)
			}

			before := len(r.sim.CallLog())
			res, err := r.svc.Place(ctx, r.op, tc.number)
			if err != nil {
				t.Fatalf("Place after the override: %v", err)
			}
			if n := len(r.sim.CallLog()) - before; n != 1 {
				t.Fatalf("%d calls dialled after the override, want 1", n)
			}
			used := r.auditOf(record.AuditOverrideUsed)
			if len(used) != 1 || used[0].AttemptID != res.Attempt.ID || used[0].Number != record.MaskNumber(tc.number) ||
				!strings.Contains(used[0].Detail, "policy."+tc.rule) {
				t.Fatalf("override-used entries %+v, want one for attempt %d", used, res.Attempt.ID)
			}
			view, err := r.svc.Inspect(ctx, res.Verification.ID)
			if err != nil || len(view.Overrides) != 1 || view.Overrides[0].ID != o.ID || view.Overrides[0].AttemptID != res.Attempt.ID ||
				view.Overrides[0].UsedAt.IsZero() {
				t.Fatalf("the verification view's overrides %+v, %v; want override %d used by attempt %d", view.Overrides, err, o.ID, res.Attempt.ID)
			}

			r.advance(15 * time.Second)
			r.refusedBy(tc.number, tc.rule, "after the override was used")
			if n := len(r.sim.CallLog()) - before; n != 1 {
				t.Fatalf("%d calls dialled with one override, want 1", n)
			}
		})
	}
}

// TestOverrideIsForSupervisorsWithAReason: an operator is refused (audited, as ResumePause refuses); a
// supervisor needs a reason, of bounded length, a valid number, and a rule an override may lift (never a
// destination rule).
func TestOverrideIsForSupervisorsWithAReason(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	const number = "+447400123458"
	operator := record.Operator{Name: "olga", Remote: "local", Role: record.RoleOperator}
	var role *RoleError
	if _, err := r.svc.Override(ctx, operator, number, policy.RuleCooldown, "please"); !errors.As(err, &role) {
		t.Fatalf("an operator's override: %v, want a RoleError", err)
	}
	if _, err := r.svc.ResumePause(ctx, operator, 1); err == nil || !strings.Contains(err.Error(), "is for supervisors only, and olga is an operator") {
		t.Fatalf("ResumePause's refusal: %v", err)
	}
	denied := r.auditOf(record.AuditDenied)
	if len(denied) != 2 || denied[0].Number != record.MaskNumber(number) || !strings.Contains(denied[0].Detail, "override") {
		t.Fatalf("denied entries %+v", denied)
	}
	var oe *OverrideError
	for _, reason := range []string{"", "   \t\n", "\u202e\u200b", strings.Repeat("x", MaxOverrideReason+1)} {
		if _, err := r.svc.Override(ctx, supervisor, number, policy.RuleCooldown, reason); !errors.As(err, &oe) {
			t.Fatalf("reason %q: %v, want an OverrideError", reason, err)
		}
	}
	if _, err := r.svc.Override(ctx, supervisor, number, policy.RuleCountry, "a good reason"); !errors.As(err, &oe) ||
		!strings.Contains(err.Error(), "cooldown, locked") {
		t.Fatalf("a destination rule: %v, want an OverrideError listing the rules that may be lifted", err)
	}
	var ne *NumberError
	if _, err := r.svc.Override(ctx, supervisor, "12ab", policy.RuleCooldown, "a good reason"); !errors.As(err, &ne) {
		t.Fatalf("a bad number: %v, want a NumberError", err)
	}
	if got := r.auditOf(record.AuditOverridden); len(got) != 0 {
		t.Fatalf("refused overrides were audited as given: %+v", got)
	}
	if o, err := r.svc.Override(ctx, supervisor, number, policy.RuleCooldown, "ok \x1b[31mred\x1b[0m"); err != nil || strings.ContainsRune(o.Reason, 0x1b) {
		t.Fatalf("an escape sequence in the reason: %+v, %v", o, err)
	}
	long := strings.Repeat("customer called back ", 9) + "end"
	if _, err := r.svc.Override(ctx, supervisor, number, policy.RuleLocked, long); err != nil {
		t.Fatal(err)
	}
	if given := r.auditOf(record.AuditOverridden); len(given) != 2 || !strings.Contains(given[1].Detail, `"`+long+`"`) {
		t.Fatalf("the long reason is not audited whole: %+v", given)
	}
}

// TestOverrideOfOneRuleLeavesTheOthers: an override of the per-number limit does not let through a call the
// per-operator limit refuses too; it is still there for a later call, and lapses unused after its validity.
func TestOverrideOfOneRuleLeavesTheOthers(t *testing.T) {
	hour := policy.Limit{Count: 1, Window: time.Hour}
	r := newRig(t, withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.PerNumber, ru.PerOperator = hour, hour
	}))
	ctx := context.Background()
	const number = "+447400123458"
	r.place(number)
	r.advance(15 * time.Second)
	if _, err := r.svc.Override(ctx, supervisor, number, policy.RulePerNumber, "callback promised"); err != nil {
		t.Fatal(err)
	}
	r.refusedBy(number, policy.RulePerOperator, "with the per-number limit lifted")
	if ok, err := r.svc.pendingOverride(ctx, number, policy.RulePerNumber); !ok || err != nil {
		t.Fatalf("the refused call used the override: %v, %v", ok, err)
	}
	r.clk.Advance(OverrideValidity)
	if ok, err := r.svc.pendingOverride(ctx, number, policy.RulePerNumber); ok || err != nil {
		t.Fatalf("the override still waits after %s: %v, %v", OverrideValidity, ok, err)
	}
}

// TestOverrideIsUsedOnceUnderConcurrentPlacements: 20 sessions in two processes call a number in its cooldown
// at once after one override: exactly one call is dialled and one override-used entry written; every other
// session is refused by the cooldown or told a call to the number is under way.
func TestOverrideIsUsedOnceUnderConcurrentPlacements(t *testing.T) {
	rules := func(ru *policy.Rules) {
		noLimits(ru)
		ru.CooldownAfter, ru.Cooldown = 1, time.Hour
	}
	r := newRig(t, withRules(t, rules))
	other := r.secondProcess(withRules(t, rules))
	const number = "+447400123458"
	r.place(number)
	r.advance(15 * time.Second)
	r.refusedBy(number, policy.RuleCooldown, "before the override")
	if _, err := r.svc.Override(context.Background(), supervisor, number, policy.RuleCooldown, "customer waiting"); err != nil {
		t.Fatal(err)
	}
	before := len(r.sim.CallLog())
	errs := make([]error, 20)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			svc := r.svc
			if i%2 == 1 {
				svc = other
			}
			_, errs[i] = svc.Place(context.Background(), r.op, number)
		}()
	}
	close(start)
	wg.Wait()
	placed := 0
	for i, err := range errs {
		var ref *policy.Refusal
		switch {
		case err == nil:
			placed++
		case errors.As(err, &ref) && ref.Rule == policy.RuleCooldown, errors.Is(err, ErrLiveCall):
		default:
			t.Errorf("placement %d: %v", i, err)
		}
	}
	if n := len(r.sim.CallLog()) - before; placed != 1 || n != 1 {
		t.Fatalf("%d placements succeeded and %d calls were dialled with one override, want 1 and 1", placed, n)
	}
	if used := r.auditOf(record.AuditOverrideUsed); len(used) != 1 {
		t.Fatalf("%d override-used entries, want 1", len(used))
	}
	r.advance(15 * time.Second)
	r.refusedBy(number, policy.RuleCooldown, "after the override was used")
}
