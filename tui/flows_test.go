package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/flashcall/flashcall/internal/record"
)

// The flows drive the whole console against a real verify.Service on the simulator. The simulator's outcome
// is chosen by the last digit of the number: 0 missed call (canceled after the Timeout, as Restcomm 8.4+ ends it), 6 answered,
// 7 busy, 8 failed.

const askPrompt = "Ask the customer for the last 4 digits of the number that called them"

func TestFlowMissedCallThenRightDigitsVerifies(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)

	h.advance(flowPollInterval) // the simulator rings after 200 ms; the next poll sees it
	h.waitFor(tm, "ringing")

	h.advance(time.Duration(flowTimeout)*time.Second + flowPollInterval) // the ring time runs out: a missed call
	seen := h.readBack(tm, number, "Live calls (0)", "/canceled +awaiting-code/")
	code := h.code(number)
	if strings.Contains(seen, "4183"+code) {
		t.Fatalf("the caller ID with the code %s was on screen before the read-back", code)
	}

	tm.Type(code)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, record.MaskNumber(number)+" is verified", "/canceled +verified/")

	m := h.finish(tm)
	r := row(t, m, number)
	if r.VerificationStatus != "verified" || r.Outcome != "delivered" || r.Status != "canceled" {
		t.Fatalf("final row: status %s, outcome %s, result %s", r.Status, r.Outcome, r.VerificationStatus)
	}
	if m.code.open || m.Focus() != "input" {
		t.Fatalf("after verifying: code entry open %v, focus %s", m.code.open, m.Focus())
	}
	teatest.RequireEqualOutput(t, []byte(m.View()))
}

func TestFlowWrongDigitsLockTheVerification(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)
	h.advance(time.Duration(flowTimeout)*time.Second + 2*flowPollInterval)
	h.readBack(tm, number)

	wrong := "1111"
	if h.code(number) == wrong {
		wrong = "2222"
	}
	for _, left := range []string{"2 checks left", "1 check left"} {
		tm.Type(wrong)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		h.waitFor(tm, "wrong digits: "+left)
	}
	tm.Type(wrong)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, "is locked after 3 wrong read-backs", "/canceled +failed/")

	m := h.finish(tm)
	r := row(t, m, number)
	if r.VerificationStatus != "failed" || r.Checks != flowMaxChecks {
		t.Fatalf("final row: result %s after %d checks", r.VerificationStatus, r.Checks)
	}
	if strings.Contains(m.View(), "4183"+h.code(number)) {
		t.Fatal("the code is on screen after a failed verification")
	}
}

func TestFlowBusy(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123457"
	h.dial(tm, number)
	h.advance(flowPollInterval)
	h.waitFor(tm, "ringing")
	h.advance(2 * flowPollInterval) // busy after about a second of ringing
	h.waitFor(tm, "not delivered (busy)", "/busy +not-delivered/", "Live calls (0)")

	// A busy call offers a retry, not a read-back: r from the history calls again, in the same verification.
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	h.waitFor(tm, "r retry")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	// One line for the verification, its two calls folded under it.
	h.waitFor(tm, "retry of the open verification: calling "+record.MaskNumber(number)+" again", "Live calls (1)", "▸2 ")

	m := h.finish(tm)
	rows := shownRows(m)
	if len(rows) != 1 || m.history.groups[0].attempts != 2 || rows[0].Outcome == "busy" {
		t.Fatalf("after the retry: %d lines, %d calls, newest outcome %q", len(rows), m.history.groups[0].attempts, rows[0].Outcome)
	}
	// That a retry carries another code is the verify package's to prove (its pool has more than one number).
	if n := len(h.sim.CallLog()); n != 2 {
		t.Fatalf("the simulator saw %d calls, want 2", n)
	}
}

func TestFlowFailed(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123458"
	h.dial(tm, number)
	h.advance(flowPollInterval) // fails without ringing after 200 ms
	// Calling again would not mend it: the operator is told to check the number, not to press r.
	seen := h.waitFor(tm, "could not reach the phone (failed): check the number", "with the customer before calling again", "/failed +not-delivered/", "Live calls (0)")
	if strings.Contains(seen, "r (in the history) calls again") {
		t.Fatal("a number the call could not reach is offered a retry")
	}

	m := h.finish(tm)
	if r := row(t, m, number); r.Outcome != "failed" || r.RingingSeen {
		t.Fatalf("final row: outcome %s, ringing seen %v", r.Outcome, r.RingingSeen)
	}
}

func TestFlowAnsweredStillAsksForTheDigits(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123456"
	h.dial(tm, number)
	h.advance(3 * flowPollInterval) // answered after about 2 s of ringing
	h.waitFor(tm, "in-progress")
	h.advance(time.Minute) // the RCML message is spoken, then the call completes
	// Worded as what it was: answered, not missed.
	h.waitFor(tm, record.MaskNumber(number)+" answered: press c to enter the code", "/completed +awaiting-code/", "Live calls (0)")
	tm.Send(runes("c"))
	h.waitFor(tm, "Read-back for "+record.MaskNumber(number), askPrompt)

	tm.Type(h.code(number))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, record.MaskNumber(number)+" is verified")

	m := h.finish(tm)
	if r := row(t, m, number); r.Outcome != "answered" || r.Duration <= 0 || r.VerificationStatus != "verified" {
		t.Fatalf("final row: outcome %s, duration %d, result %s", r.Outcome, r.Duration, r.VerificationStatus)
	}
}

func TestFlowHangUpWhileRinging(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)
	h.advance(flowPollInterval)
	h.waitFor(tm, "ringing")

	tm.Send(tea.KeyMsg{Type: tea.KeyTab}) // to the live calls
	h.waitFor(tm, "▶ Live calls (1)")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("h")})
	h.waitFor(tm, "Hang up the call to "+record.MaskNumber(number)+"?")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	// Hanging up a ringing call still leaves a missed call on the handset, so the read-back follows.
	h.readBack(tm, number, "Live calls (0)", "/canceled +awaiting-code/")

	m := h.finish(tm)
	r := row(t, m, number)
	if r.Status != "canceled" || r.State != "ended" {
		t.Fatalf("final row: status %s, state %s", r.Status, r.State)
	}
	if n := len(h.sim.CallLog()); n != 1 {
		t.Fatalf("the simulator saw %d calls, want 1", n)
	}
}

func TestFlowExpiry(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	const number = "+447400123450"
	h.dial(tm, number)
	h.advance(time.Duration(flowTimeout)*time.Second + 2*flowPollInterval)
	h.readBack(tm, number, "expires in 4:48")

	h.advance(flowExpiry)
	h.waitFor(tm, "the verification of "+record.MaskNumber(number)+" expired", "/canceled +expired/")

	m := h.finish(tm)
	if r := row(t, m, number); r.VerificationStatus != "expired" {
		t.Fatalf("final row: result %s", r.VerificationStatus)
	}
	if m.code.open {
		t.Fatal("the code entry stays open for an expired verification")
	}
}
