package verify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// TestInspectGivesTheWholeVerification: two attempts (the second a retry), a wrong and a right read-back by
// two operators; Inspect returns every attempt, every check (who, when, whether it matched) and the
// transitions of both attempts in time order.
func TestInspectGivesTheWholeVerification(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	first := r.place("+447400123450")
	r.advance(15 * time.Second)
	second, err := r.svc.Retry(ctx, r.op, first.Verification.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.advance(15 * time.Second)
	code := codeOfFrom(r.attempt(second.Attempt.ID).From)
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	bob := record.Operator{Name: "bob", Remote: "local"}
	if res, err := r.svc.Check(ctx, bob, first.Verification.ID, wrong); err != nil || res.Verified {
		t.Fatalf("wrong check = %+v, %v", res, err)
	}
	if res, err := r.svc.Check(ctx, r.op, first.Verification.ID, code); err != nil || !res.Verified {
		t.Fatalf("right check = %+v, %v", res, err)
	}

	v, err := r.svc.Inspect(ctx, first.Verification.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Verification.Status != record.StatusVerified || v.Verification.Checks != 2 {
		t.Fatalf("verification %+v", v.Verification)
	}
	if len(v.Attempts) != 2 || v.Attempts[0].ID != first.Attempt.ID || v.Attempts[1].ID != second.Attempt.ID {
		t.Fatalf("attempts %+v", v.Attempts)
	}
	if len(v.Checks) != 2 || v.Checks[0].Operator != "bob" || v.Checks[0].OK || !v.Checks[1].OK {
		t.Fatalf("checks %+v", v.Checks)
	}
	seen := map[int64]bool{}
	for i, tr := range v.Transitions {
		seen[tr.AttemptID] = true
		if i > 0 && tr.At.Before(v.Transitions[i-1].At) {
			t.Fatalf("transitions out of order at %d: %+v", i, v.Transitions)
		}
	}
	if !seen[first.Attempt.ID] || !seen[second.Attempt.ID] {
		t.Fatalf("transitions of one attempt missing: %+v", v.Transitions)
	}
	if cs, err := r.svc.Checks(ctx, first.Verification.ID); err != nil || len(cs) != 2 {
		t.Fatalf("Checks = %d, %v", len(cs), err)
	}
	if _, err := r.svc.Inspect(ctx, 999); err == nil {
		t.Fatal("Inspect of a verification that does not exist did not fail")
	}
}

// TestCopyNumberIsAuditedAndForSupervisors: a supervisor's copy returns the number after an audit entry
// says it was copied; an operator's is refused (a RoleError, audited) and returns nothing.
func TestCopyNumberIsAuditedAndForSupervisors(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	res := r.place("+447400123450")
	olga := record.Operator{Name: "olga", Remote: "local"}
	if n, err := r.svc.CopyNumber(ctx, olga, res.Attempt.ID); !errors.Is(err, ErrSupervisorOnly) || n != "" {
		t.Fatalf("operator's copy = %q, %v", n, err)
	}
	boss := record.Operator{Name: "sam", Remote: "local", Role: record.RoleSupervisor}
	if n, err := r.svc.CopyNumber(ctx, boss, res.Attempt.ID); err != nil || n != "+447400123450" {
		t.Fatalf("supervisor's copy = %q, %v", n, err)
	}
	es := r.auditOf(record.AuditReveal)
	if len(es) != 1 || es[0].Detail != "number copied to the clipboard" || es[0].Number != "+44*******450" || es[0].Operator != "sam" {
		t.Fatalf("reveal entries %+v", es)
	}
	if d := r.auditOf(record.AuditDenied); len(d) != 1 {
		t.Fatalf("%d denied entries, want 1", len(d))
	}
}

// TestCheckDestinationIsThePolicys: the console's ✗ before enter comes from the same rules Place applies.
func TestCheckDestinationIsThePolicys(t *testing.T) {
	r := newRig(t, nil)
	for input, rule := range map[string]string{"+19005550123": policy.RuleType, "+447400123450": ""} {
		n, err := r.svc.ParseNumber(input)
		if err != nil {
			t.Fatal(err)
		}
		ref := r.svc.CheckDestination(n)
		if (ref == nil) != (rule == "") || (ref != nil && ref.Rule != rule) {
			t.Errorf("%s: refusal %v, want rule %q", input, ref, rule)
		}
	}
	if r.svc.DefaultRegion() != r.svc.set.DefaultRegion {
		t.Fatal("DefaultRegion is not the settings'")
	}
}
