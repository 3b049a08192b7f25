package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/flashcall/flashcall/internal/record"
)

// The flows below run against the real service with the production policy (policy.Default: 3 calls per
// number in 10 minutes, mobile numbers only), its audit log and its store.

// missedCall lets the newest call to testNumber ring out into a missed call and waits for its notice; the
// number input keeps the keyboard.
func (h *harness) missedCall(tm *teatest.TestModel) string {
	h.t.Helper()
	h.advance(time.Duration(flowTimeout)*time.Second + 2*flowPollInterval)
	return h.waitFor(tm, deliveredNotice(testNumber), "Live calls (0)")
}

// auditOf returns the service's audit entries with the given action.
func (h *harness) auditOf(action record.Action) []record.AuditEntry {
	h.t.Helper()
	entries, err := h.svc.Audit(context.Background(), record.AuditQuery{Action: action})
	if err != nil {
		h.t.Fatal(err)
	}
	return entries
}

func TestFlowRevealIsAuditedAndShowsOneRow(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	h.dial(tm, testNumber)
	// From here on the number is placed: until the reveal, no screen may show it in full.
	seen := h.missedCall(tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	seen += h.waitFor(tm, "▶ History (1)")
	if strings.Contains(seen, fullDigits) {
		t.Fatalf("the placed number was on screen in full before the reveal:\n%s", seen)
	}

	tm.Send(runes("v"))
	h.waitFor(tm, ">   09:30:00 "+testNumber, "recorded in the audit log")
	if n := len(h.auditOf(record.AuditReveal)); n != 1 {
		t.Fatalf("%d reveal entries in the audit log, want 1", n)
	}

	tm.Send(runes("A"))
	h.waitFor(tm, "Audit log (2 newest)", `/reveal +\+44\*{7}450 number re/`, "call-placed")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	h.waitFor(tm, "▶ History (1)")

	m := h.finish(tm)
	if m.history.revealID != row(t, m, testNumber).ID || m.Focus() != "history" {
		t.Fatalf("after the audit log: revealed attempt %d, focus %s", m.history.revealID, m.Focus())
	}
	entries := h.auditOf(record.AuditReveal)
	if len(entries) != 1 || entries[0].Operator != "alice" || entries[0].Number != testMasked {
		t.Fatalf("reveal audit entries %+v", entries)
	}
}

func TestFlowTypedNumberRetriesThenTheLimitRefuses(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	h.dial(tm, testNumber)
	h.missedCall(tm)
	// The verification is open: typing the number again retries it, twice, within the per-number limit.
	for i := range 2 {
		tm.Type(testNumber)
		h.waitFor(tm, "✓ "+testNumber)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		want := []string{"Live calls (1)", fmt.Sprintf("▸%d ", i+2)} // one verification, its calls folded
		if i == 0 {
			// The second retry's notice reads the same: the screen need not draw that line again.
			want = append(want, "retry of the open verification: calling "+testMasked+" again")
		}
		h.waitFor(tm, want...)
		h.missedCall(tm)
	}
	// The fourth call within 10 minutes is refused, says by which rule and until when, and is listed.
	tm.Type(testNumber)
	h.waitFor(tm, "✓ "+testNumber)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, "✗ refused by policy.limit_per_number: 3 calls to this number within 10m", "try again in", "/blocked +blocked/", "▸4 ")

	m := h.finish(tm)
	if got := m.status.Text(); !strings.HasPrefix(got, "refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again in ") {
		t.Fatalf("status %q", got)
	}
	if r := row(t, m, testNumber); r.State != "blocked" || !strings.HasPrefix(r.Error, "refused by policy.limit_per_number") {
		t.Fatalf("newest row: state %s, error %q", r.State, r.Error)
	}
	if n := len(h.sim.CallLog()); n != 3 {
		t.Fatalf("the simulator saw %d calls, want 3", n)
	}
	if m.dialer.Value() != "" {
		t.Fatalf("the refused number stays in the input, where the next number would be typed onto it: %q", m.dialer.Value())
	}
}

func TestFlowPremiumRateIsRefusedByType(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+19005550123" // a US premium-rate number
	tm.Type(number)
	// Said before enter: ✗, the rule that refuses it, and the line type; no "enter to call".
	h.waitFor(tm, "✗ premium-rate · refused by policy.allowed_types")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// Enter on it is recorded as Place would have recorded it, without dialling: a blocked attempt, audited.
	h.waitFor(tm, "not called: refused by policy.allowed_types", "History (1)", "blocked")

	m := h.finish(tm)
	if _, ok := m.keys.Call.Keys(), m.keys.Call.Enabled(); ok {
		t.Fatal("enter to call is offered for a number the policy refuses")
	}
	if n := len(h.sim.CallLog()); n != 0 {
		t.Fatalf("the simulator saw %d calls for a premium-rate number", n)
	}
	es, err := h.store.Audit(context.Background(), record.AuditQuery{Action: record.AuditRefusal})
	if err != nil || len(es) != 1 || !strings.Contains(es[0].Detail, "policy.allowed_types") {
		t.Fatalf("refusal audit entries %+v, %v; want the one refusal", es, err)
	}
}

func TestFlowSupersedeStartsAFreshVerification(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	h.dial(tm, testNumber)
	h.missedCall(tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	h.waitFor(tm, "▶ History (1)")
	tm.Send(runes("S"))
	h.waitFor(tm, "Start a fresh verification for "+testMasked+"?", "y = yes, n = no")
	tm.Send(runes("y"))
	h.waitFor(tm, "fresh verification started, the open one is superseded", "Live calls (1)", "History (2)", "superseded")

	m := h.finish(tm)
	rows := shownRows(m)
	// Newest first: the fresh verification, then the superseded one.
	if len(rows) != 2 || rows[1].VerificationStatus != "superseded" || rows[1].VerificationID == rows[0].VerificationID {
		t.Fatalf("after the supersede: %d rows, second %s, verifications %d and %d", len(rows),
			rows[1].VerificationStatus, rows[0].VerificationID, rows[len(rows)-1].VerificationID)
	}
	sup := h.auditOf(record.AuditSupersede)
	if len(sup) != 1 || sup[0].Operator != "alice" || sup[0].VerificationID != rows[1].VerificationID {
		t.Fatalf("supersede audit entries %+v", sup)
	}
	if n := len(h.sim.CallLog()); n != 2 {
		t.Fatalf("the simulator saw %d calls, want 2", n)
	}
}
