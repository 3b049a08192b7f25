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
	"github.com/flashcall/flashcall/restcomm/sim"
)

// The flows below are the busy hour: several calls of one operator live at once, deliveries arriving while
// the operator types, and Restcomm going away mid-call. They run against the real service and simulator.

// dialAnother places a call while others are live, and waits until the live pane counts live calls and the
// console has the service's answer.
func (h *harness) dialAnother(tm *teatest.TestModel, number string, live int) {
	h.t.Helper()
	tm.Type(number)
	h.waitFor(tm, "✓ "+number)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The live row can show before Place has answered; the next number's enter must wait for the answer
	// ("calling … from"), or it finds a call still being placed.
	h.waitFor(tm, fmt.Sprintf("Live calls (%d)", live), "calling "+record.MaskNumber(number)+" from")
}

// verification returns the stored verification of the newest attempt to number.
func (h *harness) verification(number string) record.Verification {
	h.t.Helper()
	rows, err := h.svc.History(context.Background(), 50)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Number == number {
			return record.Verification{ID: r.VerificationID, Number: r.Number, Status: r.VerificationStatus, Checks: r.Checks, MaxChecks: r.MaxChecks}
		}
	}
	h.t.Fatalf("no attempt to %s", number)
	return record.Verification{}
}

// TestFlowTypingANumberWhileCallsAreDelivered: two calls are delivered while the operator types the next
// number. Every digit lands in the number input, the keyboard never moves, both deliveries queue a notice,
// and the service is asked for no read-back check at all.
func TestFlowTypingANumberWhileCallsAreDelivered(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const a, b, next = "+447400123450", "+447400123460", "+447400123457"
	h.dial(tm, a)
	h.dialAnother(tm, b, 2)
	h.advance(flowPollInterval)
	h.waitFor(tm, "ringing")

	tm.Type(next[:6])
	// Both calls ring out into missed calls while the operator keeps typing.
	h.advance(time.Duration(flowTimeout)*time.Second + flowPollInterval)
	tm.Type(next[6:10])
	h.advance(flowPollInterval)
	h.waitFor(tm, deliveredNotice(a), deliveredNotice(b), "Live calls (0)")
	tm.Type(next[10:])
	h.waitFor(tm, "✓ "+next)

	m := h.finish(tm)
	if got := m.dialer.Value(); got != next {
		t.Fatalf("the number input holds %q, want every digit typed: %q", got, next)
	}
	if m.Focus() != "input" || m.code.open {
		t.Fatalf("a delivery moved the keyboard: focus %s, code entry open %v", m.Focus(), m.code.open)
	}
	if checks := h.auditOf(record.AuditCodeChecked); len(checks) != 0 {
		t.Fatalf("the service checked %d read-backs nobody typed: %+v", len(checks), checks)
	}
	for _, n := range []string{a, b} {
		if v := h.verification(n); v.Status != record.StatusAwaitingCode || v.Checks != 0 {
			t.Fatalf("%s: %s after %d checks, want awaiting-code after none", n, v.Status, v.Checks)
		}
	}
	if m.waiting.Len() != 2 {
		t.Fatalf("%d read-backs wait, want 2", m.waiting.Len())
	}
}

// TestFlowHalfTypedReadBackSurvivesAnotherDelivery: while the operator types one customer's read-back,
// another call is delivered. The read-back keeps its digits and its customer; the new delivery only queues,
// and finishing the read-back checks it against the verification it was opened for.
func TestFlowHalfTypedReadBackSurvivesAnotherDelivery(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const a, b = "+447400123450", "+447400123460"
	h.dial(tm, a)
	h.advance(5 * time.Second)
	h.dialAnother(tm, b, 2)
	// a rings out first; b, placed 5 s later, still rings.
	h.advance(time.Duration(flowTimeout)*time.Second - 5*time.Second + 2*flowPollInterval)
	h.readBack(tm, a, "Live calls (1)")
	code := h.code(a)
	tm.Type(code[:2])
	h.waitFor(tm, "Code "+code[:2])

	h.advance(10 * time.Second) // b is delivered now
	h.waitFor(tm, deliveredNotice(b), "Live calls (0)")
	tm.Type(code[2:])
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, record.MaskNumber(a)+" is verified")

	m := h.finish(tm)
	if va, vb := h.verification(a), h.verification(b); va.Status != record.StatusVerified || vb.Status != record.StatusAwaitingCode || vb.Checks != 0 {
		t.Fatalf("after the read-back: %s is %s, %s is %s after %d checks", a, va.Status, b, vb.Status, vb.Checks)
	}
	if checks := h.auditOf(record.AuditCodeChecked); len(checks) != 1 || checks[0].VerificationID != h.verification(a).ID {
		t.Fatalf("checks audited: %+v, want one, of %s", checks, a)
	}
	if !m.waiting.Has(h.verification(b).ID) || m.waiting.Len() != 1 {
		t.Fatalf("the notice of %s is gone, or another stays: %+v", b, m.waiting.items)
	}
}

// TestFlowStaleCallSaysSo: the simulator stops answering GETs while a call rings. The live row says it is
// stale, since when and why, its ring counter stops at the Timeout, the details show the error, and once
// Restcomm answers again the call ends as usual.
func TestFlowStaleCallSaysSo(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)
	h.advance(flowPollInterval)
	h.waitFor(tm, "ringing")

	h.sim.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpGet: 1}})
	h.advance(flowPollInterval)
	h.waitFor(tm, `/ringing \(stale \d+s: Restcomm error 500\)/`, "cannot be followed: Restcomm error 500")
	h.advance(48 * time.Second)
	seen := h.waitFor(tm, `/ringing \(stale 4\ds: Restcomm error 500\)/`, "ring 0:10/10s")
	if strings.Contains(seen, "ring 0:11") || strings.Contains(seen, "ring 0:49") {
		t.Fatalf("the ring counter ran past the Timeout:\n%s", seen)
	}

	tm.Send(tea.KeyMsg{Type: tea.KeyTab}) // to the live calls
	h.waitFor(tm, "▶ Live calls (1)")
	tm.Send(runes("d"))
	h.waitFor(tm, "Details", "not followed for", "stale restcomm: get call", "HTTP 500")

	h.sim.SetFaults(sim.Faults{})
	h.advance(flowPollInterval)
	h.waitFor(tm, "Live calls (0)", "/canceled +awaiting-code/", deliveredNotice(number))

	m := h.finish(tm)
	if r := row(t, m, number); !r.StaleSince.IsZero() || r.Outcome != record.OutcomeDelivered {
		t.Fatalf("after Restcomm came back: stale since %v, outcome %s", r.StaleSince, r.Outcome)
	}
}

// TestFlowQuitWithLiveCallsAsks: q with a call ringing asks first; esc stays, and a second ctrl+c quits.
func TestFlowQuitWithLiveCallsAsks(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	h.waitFor(tm, "▶ Live calls (1)")
	tm.Send(runes("q"))
	h.waitFor(tm, "1 call is live: it keeps ringing and the next start follows it up", "esc to stay", "q quit anyway")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	h.waitFor(tm, "▶ Live calls (1)")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	h.waitFor(tm, "1 call is live")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	m := tm.FinalModel(t, teatest.WithFinalTimeout(15*time.Second)).(*Model)
	if !m.quitting || m.live.Len() != 1 {
		t.Fatalf("after the second ctrl+c: quitting %v, live %d", m.quitting, m.live.Len())
	}
}
