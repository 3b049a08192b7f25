package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

func TestSupersedeAsksThenStartsAFreshVerification(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	if !slices.Contains(enabledHelp(m.Keys()), "S fresh verification") {
		t.Fatalf("supersede not offered on an open verification: %v", enabledHelp(m.Keys()))
	}
	send(m, runes("S"))
	question := "Start a fresh verification for " + record.MaskNumber(r.Number) + "? The open one is superseded (audited)."
	flat := strings.Join(strings.Fields(m.View()), " ")
	if m.Focus() != "confirm" || !strings.Contains(flat, question+" y = yes, n = no") {
		t.Fatalf("S did not ask (focus %s):\n%s", m.Focus(), m.View())
	}
	send(m, runes("n"))
	if m.Focus() != "history" || count(stub.Calls(), "supersede") != 0 {
		t.Fatalf("declined supersede: focus %s, calls %v", m.Focus(), stub.Calls())
	}

	a := r.Attempt
	a.ID, a.VerificationID, a.State, a.Status, a.Outcome, a.CreatedAt = 50, 40, "live", "queued", "", a.CreatedAt.Add(60e9)
	stub.superRes = verify.Result{Attempt: a, Verification: record.Verification{ID: 40, Number: r.Number, Status: "calling"}}
	send(m, runes("S"))
	cmd := send(m, runes("y"))
	if m.keys.Supersede.Enabled() || m.keys.Retry.Enabled() {
		t.Fatal("actions stay offered while the supersede is on its way")
	}
	placed := await[placedMsg](t, cmd)
	if !slices.Contains(stub.Calls(), "supersede "+r.Number) {
		t.Fatalf("calls %v", stub.Calls())
	}
	// The service reports the old verification superseded before it answers, and may again after: neither
	// report contradicts the reply with a "replaced by a newer one" of its own.
	m.mine[r.VerificationID] = true
	old := record.Verification{ID: r.VerificationID, Number: r.Number, Status: "superseded", UpdatedAt: r.UpdatedAt.Add(60e9)}
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventVerification, Verification: old}})
	m.Update(placed)
	old.UpdatedAt = old.UpdatedAt.Add(1e9)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventVerification, Verification: old}})
	if got := m.status.Text(); !strings.HasPrefix(got, "fresh verification started, the open one is superseded: calling "+record.MaskNumber(r.Number)) {
		t.Fatalf("status %q", got)
	}
	if old, _ := m.history.Row(r.ID); old.VerificationStatus != "superseded" {
		t.Fatalf("the superseded row shows %q", old.VerificationStatus)
	}
	if sel, _ := m.history.Selected(); sel.ID != 50 || !m.mine[40] {
		t.Fatalf("after the supersede: selected %d, new verification mine %v", sel.ID, m.mine[40])
	}

	// The superseded verification offers nothing more.
	send(m, keyDown)
	if sel, _ := m.history.Selected(); sel.ID != r.ID || m.keys.Supersede.Enabled() || m.keys.Retry.Enabled() {
		t.Fatalf("on the superseded row %d: supersede %v, retry %v", sel.ID, m.keys.Supersede.Enabled(), m.keys.Retry.Enabled())
	}
}

func TestRefusedSupersedeIsShownAsThePolicyWordsIt(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	ref := &policy.Refusal{Rule: policy.RulePerNumber, Reason: "3 calls to this number within 10m"}
	stub.superErr = ref
	send(m, runes("S"))
	m.Update(await[placedMsg](t, send(m, runes("y"))))
	if m.status.Text() != ref.Error() {
		t.Fatalf("status %q, want %q", m.status.Text(), ref.Error())
	}
	if !m.keys.Supersede.Enabled() || shownRows(m)[0].VerificationStatus != r.VerificationStatus {
		t.Fatal("a refused supersede changed the open verification's row or its actions")
	}
}

func TestSupersedeOnlyOnAnOpenVerificationWithItsCallEnded(t *testing.T) {
	rows := makeRows(4)
	rows[0].State, rows[0].Status, rows[0].VerificationStatus = "live", "ringing", "calling"
	rows[1].VerificationStatus = "not-delivered"
	rows[2].VerificationStatus = "verified"
	rows[3].VerificationStatus, rows[3].Number = "awaiting-code", "" // anonymised
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	for i, want := range []bool{false, true, false, false} {
		if got := m.keys.Supersede.Enabled(); got != want {
			r, _ := m.history.Selected()
			t.Errorf("row %d (%s, number %q): supersede offered %v", i, r.VerificationStatus, r.Number, got)
		}
		send(m, keyDown)
	}
}
