package verify

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// TestOperatorActionsAreAudited walks one verification through call, hang-up, checks and a reveal, and reads
// the audit log: who, from where, what, with masked numbers and never the digits.
func TestOperatorActionsAreAudited(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	r.op = record.Operator{Name: "carol", Remote: "198.51.100.4:2200", Fingerprint: "SHA256:0123456789abcdefXYZ",
		Role: record.RoleSupervisor}
	res := r.place("+447400123450")
	r.advance(time.Second)
	if err := r.svc.HangUp(ctx, r.op, res.Attempt.ID); err != nil {
		t.Fatal(err)
	}
	r.advance(2 * time.Second)
	code := codeOfFrom(r.attempt(res.Attempt.ID).From)
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	for _, d := range []string{wrong, code} {
		if _, err := r.svc.Check(ctx, r.op, res.Verification.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	full, err := r.svc.Reveal(ctx, r.op, res.Attempt.ID)
	if err != nil || full != "+447400123450" {
		t.Fatalf("Reveal = %q, %v", full, err)
	}
	if err := r.svc.AuditExport(ctx, r.op, "history csv, numbers masked"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.AuditConfigLoaded(ctx, r.op, "/etc/flashcall/config.toml"); err != nil {
		t.Fatal(err)
	}

	all, err := r.svc.Audit(ctx, record.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []record.Action
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		actions = append(actions, e.Action)
		if e.Operator != "carol (SHA256:012345678)" || e.Remote != "198.51.100.4:2200" {
			t.Errorf("%s by %q from %q", e.Action, e.Operator, e.Remote)
		}
		if strings.Contains(e.Number+e.Detail, "447400123450") || strings.Contains(e.Detail, code) {
			t.Errorf("%s entry leaks the number or the code: %+v", e.Action, e)
		}
	}
	want := []record.Action{record.AuditCallPlaced, record.AuditHangUp, record.AuditCodeChecked, record.AuditCodeChecked,
		record.AuditReveal, record.AuditExport, record.AuditConfigLoaded}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	checks := r.auditOf(record.AuditCodeChecked)
	if checks[0].Detail != "did not match: 2 of 3 read-backs left" || checks[1].Detail != "matched: verified" {
		t.Errorf("check details %q, %q", checks[0].Detail, checks[1].Detail)
	}
	rev := r.auditOf(record.AuditReveal)[0]
	if rev.AttemptID != res.Attempt.ID || rev.Number != "+44*******450" {
		t.Errorf("reveal entry %+v", rev)
	}
	if e := r.auditOf(record.AuditExport)[0]; e.Detail != "history csv, numbers masked" {
		t.Errorf("export entry %+v", e)
	}
	if e := r.auditOf(record.AuditConfigLoaded)[0]; e.Detail != "configuration loaded from /etc/flashcall/config.toml" {
		t.Errorf("config entry %+v", e)
	}
	placed := r.auditOf(record.AuditCallPlaced)[0]
	if !strings.HasPrefix(placed.Detail, "call "+res.Attempt.CallSID) || placed.AttemptID != res.Attempt.ID {
		t.Errorf("call-placed entry %+v", placed)
	}
}

func TestRevealIsRefusedWhenItCannotBeAudited(t *testing.T) {
	r := newRig(t, nil)
	r.op.Role = record.RoleSupervisor
	res := r.place("+447400123450")
	unlock := lockDatabase(t, r.dbPath)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	n, err := r.svc.Reveal(ctx, r.op, res.Attempt.ID)
	if err == nil || n != "" {
		t.Fatalf("Reveal with the audit log locked = %q, %v; want no number", n, err)
	}
}

func TestHistoryExportMasksNumbers(t *testing.T) {
	r := newRig(t, nil)
	r.place("+447400123450")
	if _, err := r.svc.Place(context.Background(), r.op, "+19005550123"); err == nil {
		t.Fatal("premium-rate placed")
	}
	for _, format := range []string{"csv", "json"} {
		var b bytes.Buffer
		if err := r.st.Export(context.Background(), &b, store.ExportOptions{Format: format, Mask: record.MaskNumber}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "447400123450") || strings.Contains(out, "19005550123") {
			t.Errorf("%s export shows a full number:\n%s", format, out)
		}
		if !strings.Contains(out, "+44*******450") || !strings.Contains(out, "+1*******123") || !strings.Contains(out, "blocked") {
			t.Errorf("%s export lacks the masked numbers or the blocked row:\n%s", format, out)
		}
	}
}

func TestRevealOfAnAnonymisedAttempt(t *testing.T) {
	r := newRig(t, nil)
	r.op.Role = record.RoleSupervisor
	res := r.place("+447400123450")
	r.advance(15 * time.Second)
	if _, err := r.st.Purge(context.Background(), t0.Add(time.Hour), true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Reveal(context.Background(), r.op, res.Attempt.ID); !errors.Is(err, ErrAnonymised) {
		t.Fatalf("Reveal = %v, want ErrAnonymised", err)
	}
}

// TestAuditMasksANumberQuotedInAnError: a Restcomm error that quotes the number reaches the audit log masked.
func TestAuditMasksANumberQuotedInAnError(t *testing.T) {
	r := newRig(t, nil)
	a := record.Attempt{ID: 7, Number: "+447400123450", From: "447418340465", State: record.StateNotPlaced}
	r.svc.auditPlaced(context.Background(), r.op, a, false,
		errors.New(`Restcomm said: the number +447400123450 (447400123450) is barred`))
	e := r.auditOf(record.AuditCallPlaced)
	if len(e) != 1 || strings.Contains(e[0].Detail, "447400123450") || !strings.Contains(e[0].Detail, "+44*******450 (44*******450)") {
		t.Fatalf("audit entry %+v", e)
	}
}
