package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// awaitingModel is a console whose newest history row awaits its code, with the history focused.
func awaitingModel(t *testing.T, stub *stubService) (*Model, record.HistoryRow) {
	t.Helper()
	rows := makeRows(3)
	rows[0].VerificationStatus, rows[0].Outcome = "awaiting-code", "delivered"
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	return m, rows[0]
}

func TestCancelAsksThenCancels(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	send(m, runes("x"))
	if m.Focus() != "confirm" || !strings.Contains(m.View(), "Cancel the verification of "+record.MaskNumber(r.Number)+"?") {
		t.Fatalf("x did not ask (focus %s)", m.Focus())
	}
	send(m, keyEsc)
	if m.Focus() != "history" || len(stub.Calls()) != 0 {
		t.Fatalf("esc: focus %s, calls %v", m.Focus(), stub.Calls())
	}
	send(m, runes("x"))
	msg := await[canceledMsg](t, send(m, runes("y")))
	if msg.verificationID != r.VerificationID || !slices.Contains(stub.Calls(), "cancel 3") {
		t.Fatalf("canceled %d, calls %v", msg.verificationID, stub.Calls())
	}
	m.Update(msg)
	if !strings.Contains(m.status.Text(), "canceled") {
		t.Fatalf("status %q", m.status.Text())
	}
}

func TestNoCallAndRetry(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	msg := await[noCallMsg](t, send(m, runes("n")))
	if m.keys.NoCall.Enabled() || m.keys.Retry.Enabled() {
		t.Fatal("actions stay offered while one is in flight for the verification")
	}
	m.Update(msg)
	if !slices.Contains(stub.Calls(), "nocall 3") || !strings.Contains(m.status.Text(), "got no call") {
		t.Fatalf("calls %v, status %q", stub.Calls(), m.status.Text())
	}
	a := r.Attempt
	a.ID, a.State, a.Status, a.Outcome, a.CreatedAt = 99, "live", "queued", "", a.CreatedAt.Add(time.Hour)
	stub.placeRes = verify.Result{Attempt: a, Verification: record.Verification{ID: r.VerificationID, Number: r.Number, Status: "calling"}, Retry: true}
	placed := await[placedMsg](t, send(m, runes("r")))
	if !slices.Contains(stub.Calls(), "retry 3") {
		t.Fatalf("calls %v", stub.Calls())
	}
	m.Update(placed)
	if sel, _ := m.history.Selected(); sel.ID != 99 || m.live.Len() != 1 {
		t.Fatalf("after a retry: selected %d, live %d", sel.ID, m.live.Len())
	}
	if !strings.Contains(m.status.Text(), "retry of the open verification: calling "+record.MaskNumber(r.Number)+" again") {
		t.Fatalf("status %q", m.status.Text())
	}
}

func TestEnterCodeFromTheHistory(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	send(m, runes("c"))
	if m.Focus() != "code" || m.code.verificationID != r.VerificationID {
		t.Fatalf("c: focus %s, verification %d", m.Focus(), m.code.verificationID)
	}
	typeText(m, "12")
	send(m, keyEnter)
	if !strings.Contains(m.View(), "type all 4 digits") {
		t.Fatal("enter with 2 digits does not say what is missing")
	}
	typeText(m, "3")
	if strings.Contains(m.View(), "type all 4 digits") {
		t.Fatal("the hint about the missing digits stays after another digit")
	}
	send(m, keyEsc)
	// The keyboard goes back where the read-back was opened from, not to the number input.
	if m.code.open || m.Focus() != "history" {
		t.Fatalf("esc: code open %v, focus %s", m.code.open, m.Focus())
	}
}

func TestDetailsToggleAndMouse(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedWith(makeRows(40)))
	send(m, keyTab)
	if strings.Contains(m.View(), "Timeline") {
		t.Fatal("details shown at 80x24 before asking")
	}
	cmd := send(m, keyEnter)
	if !strings.Contains(m.View(), "Timeline") || !strings.Contains(m.View(), "attempt #40") {
		t.Fatalf("enter did not show the details:\n%s", m.View())
	}
	if cmd == nil || m.detail.pendingFor != 40 {
		t.Fatal("showing the details did not ask for the timeline")
	}
	// A click on the third row of the table selects it.
	m.Update(tea.MouseMsg{X: 5, Y: m.lay.historyY + 4, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if r, _ := m.history.Selected(); r.ID != 38 {
		t.Fatalf("click selected %d, want 38", r.ID)
	}
	send(m, keyEnter)
	if strings.Contains(m.View(), "Timeline") {
		t.Fatal("enter did not hide the details")
	}
	send(m, tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if r, _ := m.history.Selected(); r.ID != 40 {
		t.Fatalf("wheel up selected %d, want 40", r.ID)
	}
}

func TestNoticesClearByTheirOwnTick(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.status.Set("first", noticeInfo)
	firstID := m.status.id
	m.status.Set("second", noticeError)
	m.Update(clearNoticeMsg{id: firstID})
	if m.status.Text() != "second" {
		t.Fatalf("the first notice's tick cleared %q", "second")
	}
	m.Update(clearNoticeMsg{id: m.status.id})
	if m.status.Text() != "" || strings.Contains(m.View(), "second") {
		t.Fatal("the notice outlived its tick")
	}
}

func TestSpinnerRunsOnlyWithLiveCalls(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	a := record.Attempt{ID: 1, VerificationID: 1, Number: "+447400123450", State: "live", Status: "ringing", CreatedAt: testStart, UpdatedAt: testStart}
	cmd := send(m, eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a}})
	if cmd == nil || !m.live.spinning {
		t.Fatal("the first live call did not start the spinner")
	}
	tick := spinner.TickMsg{ID: m.live.spinner.ID()}
	if m.live.Update(tick); !m.live.spinning {
		t.Fatal("spinner stopped with a call live")
	}
	a.State, a.Status, a.UpdatedAt = "ended", "no-answer", testStart.Add(time.Second)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a}})
	var next tea.Cmd
	m.live, next = m.live.Update(tick)
	if next != nil || m.live.spinning {
		t.Fatal("the spinner keeps ticking with no call live")
	}
}

func TestServiceStopIsShown(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(eventsClosedMsg{})
	if !strings.Contains(m.View(), "verification service has stopped") {
		t.Fatal("a closed subscription is not shown")
	}
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventNotice, Notice: "Restcomm rejected the credentials", Err: true}})
	if !strings.Contains(m.View(), "✗ Restcomm rejected the credentials") {
		t.Fatal("an error notice from the service is not shown as an error")
	}
}
