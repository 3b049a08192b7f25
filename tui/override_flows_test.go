package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// pauseRange pauses calls to testNumber's range, as the conversion alarm does.
func (h *harness) pauseRange() record.Pause {
	h.t.Helper()
	p := record.Pause{Scope: record.PausePrefix, Key: "+44740012", Alarm: "conversion-drop prefix +44740012",
		Reason: "conversion fell", CreatedAt: h.clk.Now()}
	if err := h.store.AddPause(context.Background(), &p); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// TestFlowSupervisorOverridesARefusal: a call into a paused range is refused; the supervisor presses o on
// the refusal, types a reason and gives the override; the number is called again and goes through, once:
// the next call is refused by the pause again. Both steps are audited and the verification view's
// timeline shows the override used.
func TestFlowSupervisorOverridesARefusal(t *testing.T) {
	h := newHarness(t)
	h.pauseRange()
	tm := h.start()
	tm.Type(testNumber)
	h.waitFor(tm, "✓ "+testNumber)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The answer to Place, not only its blocked row: the help line then offers o on the refusal.
	h.waitFor(tm, "refused by policy.paused", "/blocked +blocked/", "o override refusal")

	tm.Send(runes("o"))
	h.waitFor(tm, "Lift policy.paused for the next call to "+testMasked, "Reason:")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // no reason yet: nothing is given
	h.waitFor(tm, "type the reason first")
	tm.Type("customer on the phone, ticket 4411")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// This session's notice, or the service's to every session after it.
	h.waitFor(tm, `/(policy\.paused lifted|alice lifted policy\.paused) for the next call to \+44\*{7}450/`)
	if given := h.auditOf(record.AuditOverridden); len(given) != 1 || given[0].Number != testMasked ||
		!strings.Contains(given[0].Detail, `"customer on the phone, ticket 4411"`) {
		t.Fatalf("override-given entries %+v", given)
	}

	h.dial(tm, testNumber)
	if used := h.auditOf(record.AuditOverrideUsed); len(used) != 1 {
		t.Fatalf("override-used entries %+v", used)
	}
	h.missedCall(tm)

	// The verification view of the call shows the override in its timeline.
	tm.Send(keyTab)
	tm.Send(runes("i"))
	h.waitFor(tm, "Verification #", "override used", "policy.paused lifted for this")
	tm.Send(runes("i"))

	// Used once: the next call is refused by the pause again.
	tm.Send(keyEsc)
	tm.Type(testNumber)
	h.waitFor(tm, "✓ "+testNumber)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, "refused by policy.paused")
	h.finish(tm)
	if n := len(h.sim.CallLog()); n != 1 {
		t.Fatalf("the simulator saw %d calls, want the one the override let through", n)
	}
}

// TestFlowSupervisorResumesAPauseOnTheDashboard: the dashboard lists the pause in force; u asks, y resumes it
// (audited), the list empties, and the number can be called again.
func TestFlowSupervisorResumesAPauseOnTheDashboard(t *testing.T) {
	h := newHarness(t)
	p := h.pauseRange()
	tm := h.start()
	tm.Send(keyTab)
	tm.Send(runes("D"))
	h.waitFor(tm, "1 pause(s) in force", "pause 1: prefix +44740012", "u resume")
	tm.Send(runes("u"))
	h.waitFor(tm, "Resume calls to prefix +44740012 (pause 1, by the alarm conversion-drop prefix", "Audited.")
	tm.Send(runes("y"))
	h.waitFor(tm, "/calls to prefix \\+44740012 resumed/")
	// A read of the dashboard that starts now (t: today) finds the pause resumed; its figures are on screen
	// when the title names the new window.
	tm.Send(runes("t"))
	h.waitFor(tm, "Dashboard · today")
	if ps, err := h.svc.Pauses(context.Background()); err != nil || len(ps) != 0 {
		t.Fatalf("pauses after the resume: %+v, %v", ps, err)
	}
	if es := h.auditOf(record.AuditResumed); len(es) != 1 || es[0].Operator != "alice" || !strings.Contains(es[0].Detail, "pause 1") {
		t.Fatalf("calls-resumed entries %+v", es)
	}
	m := h.finish(tm)
	if m.Focus() != "dashboard" || len(m.dash.pauses) != 0 || strings.Contains(m.View(), "pause(s) in force") {
		t.Fatalf("focus %s, pauses %+v:\n%s", m.Focus(), m.dash.pauses, m.View())
	}
	if _, err := h.svc.Place(context.Background(), record.Operator{Name: "alice", Remote: "local"}, testNumber); err != nil {
		t.Fatalf("a call to the range after pause %d was resumed: %v", p.ID, err)
	}
}

// TestOperatorOverrideAndResumeSaySupervisorsOnly: an operator sees the refusal and the pauses, but o and u
// say they are for supervisors, and the service is never asked.
func TestOperatorOverrideAndResumeSaySupervisorsOnly(t *testing.T) {
	stub := newStub()
	stub.placeErr = &policy.Refusal{Rule: policy.RuleCooldown, Reason: "the last 3 calls to this number were not delivered"}
	stub.pauses = []record.Pause{{ID: 4, Scope: record.PauseCountry, Key: "LV", Alarm: "conversion-drop country LV", CreatedAt: testStart}}
	m := New(stub, Options{Operator: record.Operator{Name: "olga", Remote: "local", Role: record.RoleOperator},
		Renderer: asciiRenderer(), Now: func() time.Time { return testStart }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(startedMsg{})
	typeText(m, testNumber)
	m.Update(await[placedMsg](t, send(m, keyEnter)))
	send(m, runes("o"))
	if m.Focus() != "input" || !strings.Contains(m.View(), "is for supervisors only") || m.dialer.Value() != "" {
		t.Fatalf("an operator's o: focus %s, input %q:\n%s", m.Focus(), m.dialer.Value(), m.View())
	}
	send(m, keyTab)
	m.Update(await[figuresMsg](t, send(m, runes("D"))))
	view := m.View()
	if !strings.Contains(view, "pause 4: country LV") || !strings.Contains(view, "a supervisor resumes them") ||
		!strings.Contains(view, "u resume: supervisors only") {
		t.Fatalf("the operator's dashboard:\n%s", view)
	}
	send(m, runes("u"))
	if m.Focus() != "dashboard" || !strings.Contains(m.View(), "resuming calls an alarm paused is for supervisors only") {
		t.Fatalf("an operator's u: focus %s:\n%s", m.Focus(), m.View())
	}
	if slices.ContainsFunc(stub.Calls(), func(c string) bool { return strings.HasPrefix(c, "override") || strings.HasPrefix(c, "resume") }) {
		t.Fatalf("the console asked the service for a supervisor's action: %v", stub.Calls())
	}
}

// TestOverrideKeyOnABlockedRowAndItsErrors: on a blocked history row a supervisor's o opens the prompt for
// the row's rule; esc drops it without asking the service; a destination refusal offers no o; a failed
// override says why, the number masked.
func TestOverrideKeyOnABlockedRowAndItsErrors(t *testing.T) {
	stub := newStub()
	blocked := record.Attempt{ID: 4, VerificationID: 2, Number: testNumber, Country: "GB", State: record.StateBlocked,
		CreatedAt: testStart, UpdatedAt: testStart, EndedAt: testStart,
		Error: (&policy.Refusal{Rule: policy.RulePerNumber, Reason: "3 calls to this number within 10m"}).Error()}
	stub.rows = []record.HistoryRow{{Attempt: blocked, VerificationStatus: record.StatusBlocked}}
	m := newUnitModel(t, stub, 100, 30)
	m.Update(await[startedMsg](t, m.Init()))
	send(m, keyTab)
	if !m.keys.Override.Enabled() {
		t.Fatal("o is not offered on a blocked row")
	}
	send(m, runes("o"))
	if m.Focus() != "reason" || !strings.Contains(m.View(), "Lift policy.limit_per_number for the next call to "+testMasked) {
		t.Fatalf("focus %s:\n%s", m.Focus(), m.View())
	}
	send(m, keyEsc)
	if m.Focus() != "history" || slices.ContainsFunc(stub.Calls(), func(c string) bool { return strings.HasPrefix(c, "override") }) {
		t.Fatalf("esc: focus %s, calls %v", m.Focus(), stub.Calls())
	}
	stub.overErr = errors.New("the history failed for " + testNumber)
	send(m, runes("o"))
	typeText(m, "callback")
	m.Update(await[overrideMsg](t, send(m, keyEnter)))
	if got := m.status.Text(); strings.Contains(got, testNumber) || !strings.Contains(got, testMasked) {
		t.Fatalf("status %q", got)
	}
	if calls := stub.Calls(); !slices.Contains(calls, `override `+testNumber+` limit_per_number "callback" by alice`) {
		t.Fatalf("calls %v", calls)
	}

	country := blocked
	country.Error = (&policy.Refusal{Rule: policy.RuleCountry, Reason: "GB is not allowed"}).Error()
	if blockedTarget(country).rule != "" || blockedTarget(blocked).rule != policy.RulePerNumber {
		t.Fatal("a destination refusal is offered an override, or a limit's is not")
	}
}
