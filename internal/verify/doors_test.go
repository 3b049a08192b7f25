package verify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// TestIntakeRefusalsAreAudited: every typed number that intake refuses is one audit entry by whoever typed
// it, with the input masked and quoted, never in full, and the reason; the policy's refusals keep their own
// action.
func TestIntakeRefusalsAreAudited(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	r.op = record.Operator{Name: "dave", Remote: "203.0.113.9:50022", Role: record.RoleSupervisor}
	cases := []struct{ input, reason string }{
		{"+44 12", "too short"},
		{"+447400123450x", "not a phone number: use digits"},
		{"+44740012345678901234567", "too long"},
		{"\u202e+447400123450", "not a phone number: use digits"},
	}
	for _, c := range cases {
		_, err := r.svc.Place(ctx, r.op, c.input)
		var ne *NumberError
		if !errors.As(err, &ne) || !strings.Contains(ne.Reason, c.reason) {
			t.Fatalf("Place(%q) = %v, want a NumberError (%s)", c.input, err, c.reason)
		}
	}
	// A supersede goes through the same intake.
	if _, err := r.svc.Supersede(ctx, r.op, "+44 13"); err == nil {
		t.Fatal("Supersede of an invalid number succeeded")
	}
	es := r.auditOf(record.AuditIntakeRefused)
	if len(es) != len(cases)+1 {
		t.Fatalf("%d intake-refused entries, want %d: %+v", len(es), len(cases)+1, es)
	}
	for i, c := range cases {
		e := es[i]
		want := "number refused at intake: " + record.Quote(record.MaskNumber(c.input)) + ": "
		if !strings.HasPrefix(e.Detail, want) || !strings.Contains(e.Detail, c.reason) {
			t.Errorf("entry %d detail %q, want %q and the reason %q", i, e.Detail, want, c.reason)
		}
		if e.Operator != "dave" || e.Remote != "203.0.113.9:50022" || e.Number != "" || e.AttemptID != 0 {
			t.Errorf("entry %d: %+v", i, e)
		}
		// (The reason's example, +447400123456, is not the input.)
		if strings.Contains(e.Detail, c.input) || strings.Contains(e.Detail, "7400123450") ||
			strings.Contains(e.Detail, "12345678901234567") || strings.Contains(e.Detail, "\u202e") {
			t.Errorf("entry %d detail %q holds the input in full or a bidirectional character", i, e.Detail)
		}
	}
	if got := es[0].Detail; !strings.HasPrefix(got, `number refused at intake: "*** 12": too short`) {
		t.Errorf("detail %q", got)
	}
	if n := len(r.auditOf(record.AuditRefusal)); n != 0 {
		t.Errorf("%d policy refusals audited for intake errors", n)
	}
	// ParseNumber, the live feedback run on every keystroke, audits nothing.
	_, _ = r.svc.ParseNumber("+44 1")
	if n := len(r.auditOf(record.AuditIntakeRefused)); n != len(es) {
		t.Errorf("ParseNumber wrote an audit entry")
	}
}

// TestSpokenCodesAreAudited: a document fetched at an answered call's own address that serves the code is
// one audit entry naming the attempt, its verification and the masked number, never the code or the token;
// fetches that serve nothing are not audited, and when the entry cannot be written the code is not served.
func TestSpokenCodesAreAudited(t *testing.T) {
	r := newCodeRig(t, nil)
	res := r.place("+447400123456") // answered after about 2 s: the simulator fetches the document
	tok := r.tokenOf(r.createURLs()[0])
	r.advance(3 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.AnsweredBy == "" {
		t.Fatalf("the call was not answered: %+v", a)
	}
	code := codeOfFrom(a.From)
	es := r.auditOf(record.AuditCodeSpoken)
	if len(es) != 1 {
		t.Fatalf("%d code-spoken entries, want 1: %+v", len(es), es)
	}
	e := es[0]
	if e.AttemptID != a.ID || e.VerificationID != res.Verification.ID || e.Number != "+44*******456" ||
		e.Operator != "flashcall" || e.Remote != "rcml" {
		t.Fatalf("entry %+v, want attempt %d, verification %d, the masked number, by flashcall through rcml", e, a.ID, res.Verification.ID)
	}
	if !strings.Contains(e.Detail, a.CallSID) || !strings.Contains(e.Detail, "placed by alice") ||
		strings.Contains(e.Detail, code) || strings.Contains(e.Detail, tok) || strings.Contains(e.Detail, "7400123456") {
		t.Fatalf("detail %q: want the call and who placed it, never the code, the token or the number", e.Detail)
	}

	// Addresses that serve no code write nothing.
	ctx := context.Background()
	for _, bad := range []string{"", a.CallSID, strings.ToUpper(tok), tok[:63] + "x"} {
		if _, ok := r.svc.CodeFor(ctx, bad); ok {
			t.Fatalf("CodeFor(%q) served a code", bad)
		}
	}
	if n := len(r.auditOf(record.AuditCodeSpoken)); n != 1 {
		t.Fatalf("%d code-spoken entries after fetches that served nothing, want 1", n)
	}
	r.noTokenLeaks(tok)
}

// failingAudit is a history whose audit log cannot be written.
type failingAudit struct{ Store }

func (failingAudit) AddAudit(context.Context, *record.AuditEntry) error {
	return &store.Error{Op: "add audit entry", Kind: store.ErrDiskFull, Err: errors.New("disk full")}
}

func TestCodeIsNotServedWhenItsFetchCannotBeAudited(t *testing.T) {
	r := newCodeRig(t, func(st Store) Store { return failingAudit{Store: st} })
	r.place("+447400123450") // rings: its token serves the code while it is up
	tok := r.tokenOf(r.createURLs()[0])
	if code, ok := r.svc.CodeFor(context.Background(), tok); ok || code != "" {
		t.Fatalf("CodeFor with the audit log unwritable = %q, %v; want the neutral phrase", code, ok)
	}
	if !strings.Contains(r.logs.String(), "could not be audited") {
		t.Errorf("the refusal is not logged:\n%s", r.logs.String())
	}
}

// TestRefuseNumberAuditsOnlyRefusals: a console that refused a typed number itself has it audited exactly as
// Place would, masked and quoted; a number intake accepts is neither audited nor dialled.
func TestRefuseNumberAuditsOnlyRefusals(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	var ne *NumberError
	if err := r.svc.RefuseNumber(ctx, r.op, "+44 12"); !errors.As(err, &ne) {
		t.Fatalf("RefuseNumber(+44 12) = %v, want a NumberError", err)
	}
	if err := r.svc.RefuseNumber(ctx, r.op, "+447400123450"); err != nil {
		t.Fatalf("RefuseNumber of a valid number = %v", err)
	}
	es := r.auditOf(record.AuditIntakeRefused)
	if len(es) != 1 || !strings.HasPrefix(es[0].Detail, `number refused at intake: "*** 12": too short`) {
		t.Fatalf("intake-refused entries %+v, want the one refusal", es)
	}
	if n := len(r.auditOf(record.AuditCallPlaced)); n != 0 {
		t.Fatalf("RefuseNumber placed %d calls", n)
	}
}
