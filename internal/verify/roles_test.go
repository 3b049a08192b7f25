package verify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// TestSupervisorOnlyActionsAreRefusedToOperators: an operator (and an operator with no role set) may not
// reveal a number, read the audit log or supersede; each refusal is a *RoleError, says why, changes nothing
// and is audited with the number masked. A supervisor may do all three.
func TestSupervisorOnlyActionsAreRefusedToOperators(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	res := r.place("+447400123450")
	r.advance(15 * time.Second) // a missed call: awaiting the code, so a supersede would be possible
	for _, op := range []record.Operator{
		{Name: "olga", Remote: "192.0.2.1:2200", Fingerprint: "SHA256:olgaolgaolgaolga", Role: record.RoleOperator},
		{Name: "nobody", Remote: "local"}, // the zero role is an operator
	} {
		n, err := r.svc.Reveal(ctx, op, res.Attempt.ID)
		var re *RoleError
		if !errors.As(err, &re) || !errors.Is(err, ErrSupervisorOnly) || n != "" {
			t.Fatalf("%s: Reveal = %q, %v; want a RoleError and no number", op.Name, n, err)
		}
		if !strings.Contains(err.Error(), "revealing a full number is for supervisors only") ||
			strings.Contains(err.Error(), "447400123450") {
			t.Errorf("reveal refusal: %v", err)
		}
		if es, err := r.svc.ReadAudit(ctx, op, record.AuditQuery{}); !errors.Is(err, ErrSupervisorOnly) || es != nil {
			t.Fatalf("%s: ReadAudit = %d entries, %v; want a RoleError", op.Name, len(es), err)
		}
		if _, err := r.svc.Supersede(ctx, op, "+447400123450"); !errors.Is(err, ErrSupervisorOnly) {
			t.Fatalf("%s: Supersede = %v; want a RoleError", op.Name, err)
		}
	}
	if v := r.verification(res.Verification.ID); v.Status != record.StatusAwaitingCode {
		t.Fatalf("a refused supersede changed the verification to %q", v.Status)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("a refused supersede placed a call: %d calls", n)
	}
	denied := r.auditOf(record.AuditDenied)
	if len(denied) != 6 {
		t.Fatalf("%d denied entries, want 6: %+v", len(denied), denied)
	}
	if d := denied[0]; d.Operator != "olga (SHA256:olgaolgao)" || d.Remote != "192.0.2.1:2200" ||
		d.Number != "+44*******450" || d.AttemptID != res.Attempt.ID || !strings.Contains(d.Detail, "revealing a full number") {
		t.Errorf("reveal denial entry %+v", d)
	}
	if n := len(r.auditOf(record.AuditReveal)) + len(r.auditOf(record.AuditSupersede)); n != 0 {
		t.Fatalf("%d reveal or supersede entries after refusals", n)
	}

	boss := record.Operator{Name: "sam", Remote: "local", Role: record.RoleSupervisor}
	if n, err := r.svc.Reveal(ctx, boss, res.Attempt.ID); err != nil || n != "+447400123450" {
		t.Fatalf("supervisor Reveal = %q, %v", n, err)
	}
	es, err := r.svc.ReadAudit(ctx, boss, record.AuditQuery{Limit: 3})
	if err != nil || len(es) != 3 || es[0].Action != record.AuditReveal {
		t.Fatalf("supervisor ReadAudit = %+v, %v", es, err)
	}
	if _, err := r.svc.Supersede(ctx, boss, "+447400123450"); err != nil {
		t.Fatalf("supervisor Supersede: %v", err)
	}
}

// TestAuditSessionTakesSessionActionsOnly: AuditSession writes logins, logouts and key revocations, and
// nothing else.
func TestAuditSessionTakesSessionActionsOnly(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	op := record.Operator{Name: "alice", Remote: "192.0.2.7:4000", Fingerprint: "SHA256:abcdefghijklmnop"}
	for _, a := range []record.Action{record.AuditLogin, record.AuditLogout, record.AuditKeyRevoked} {
		if err := r.svc.AuditSession(ctx, op, a, "ssh session 1"); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if es := r.auditOf(a); len(es) != 1 || es[0].Operator != op.String() || es[0].Detail != "ssh session 1" {
			t.Fatalf("%s entries %+v", a, es)
		}
	}
	if err := r.svc.AuditSession(ctx, op, record.AuditReveal, "forged"); err == nil {
		t.Fatal("AuditSession wrote a reveal entry")
	}
}
