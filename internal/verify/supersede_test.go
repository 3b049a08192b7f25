package verify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

func TestSupersedeStartsAFreshVerificationAndIsAudited(t *testing.T) {
	r := newRig(t, nil)
	r.op.Role = record.RoleSupervisor
	ctx := context.Background()
	first := r.place("+447400123450")
	if _, err := r.svc.Supersede(ctx, r.op, "+447400123450"); !errors.Is(err, ErrLiveCall) {
		t.Fatalf("Supersede while the call rings: %v, want ErrLiveCall", err)
	}
	r.advance(15 * time.Second) // a missed call: awaiting the code
	bob := record.Operator{Name: "bob", Remote: "192.0.2.9:50022", Role: record.RoleSupervisor}
	res, err := r.svc.Supersede(ctx, bob, "+44 7400 123450")
	if err != nil {
		t.Fatal(err)
	}
	if res.Retry || res.Verification.ID == first.Verification.ID || res.Attempt.VerificationID != res.Verification.ID {
		t.Fatalf("Supersede = retry %v, verification %d (old %d)", res.Retry, res.Verification.ID, first.Verification.ID)
	}
	old := r.verification(first.Verification.ID)
	if old.Status != record.StatusSuperseded || old.Reason != "superseded by a new verification started by bob" {
		t.Fatalf("old verification %q %q", old.Status, old.Reason)
	}
	if _, err := r.svc.Check(ctx, r.op, old.ID, codeOfFrom(r.attempt(first.Attempt.ID).From)); !errors.Is(err, ErrClosed) {
		t.Fatalf("a read-back for the superseded verification: %v, want ErrClosed", err)
	}
	sup := r.auditOf(record.AuditSupersede)
	if len(sup) != 1 || sup[0].Operator != "bob" || sup[0].Remote != "192.0.2.9:50022" || sup[0].VerificationID != old.ID ||
		sup[0].Number != "+44*******450" || sup[0].Detail == "" {
		t.Fatalf("supersede audit %+v", sup)
	}
	if n := len(r.sim.CallLog()); n != 2 {
		t.Fatalf("simulator calls = %d, want 2", n)
	}
}

func TestRefusedSupersedeLeavesTheOpenVerification(t *testing.T) {
	r := newRig(t, withRules(t, func(p *policy.Rules) { noLimits(p); p.PerNumber = policy.Limit{Count: 1, Window: time.Hour} }))
	r.op.Role = record.RoleSupervisor
	ctx := context.Background()
	first := r.place("+447400123450")
	r.advance(15 * time.Second)
	_, err := r.svc.Supersede(ctx, r.op, "+447400123450")
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RulePerNumber {
		t.Fatalf("Supersede = %v, want the per-number limit", err)
	}
	if v := r.verification(first.Verification.ID); v.Status != record.StatusAwaitingCode {
		t.Fatalf("the open verification became %q", v.Status)
	}
	if n := len(r.auditOf(record.AuditSupersede)); n != 0 {
		t.Fatalf("%d supersede audit entries for a refused supersede", n)
	}
}

func TestSupersedeWithNothingOpenIsPlace(t *testing.T) {
	r := newRig(t, nil)
	r.op.Role = record.RoleSupervisor
	res, err := r.svc.Supersede(context.Background(), r.op, "+447400123450")
	if err != nil || res.Retry || res.Attempt.CallSID == "" {
		t.Fatalf("Supersede = %+v, %v", res, err)
	}
	if n := len(r.auditOf(record.AuditSupersede)); n != 0 {
		t.Fatalf("nothing was superseded, yet %d audit entries", n)
	}
}
