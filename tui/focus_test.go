package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// placeMine makes verification id (attempt id too) one this session placed, its call live and queued.
func placeMine(m *Model, id int64, number string) (record.Attempt, record.Verification) {
	created := testStart.Add(time.Duration(id) * time.Second)
	a := record.Attempt{ID: id, VerificationID: id, Number: number, From: "+447418340465", State: "live", Status: "queued",
		CreatedAt: created, UpdatedAt: created}
	v := record.Verification{ID: id, Number: number, Status: "calling", MaxChecks: 3, UpdatedAt: created,
		ExpiresAt: created.Add(5 * time.Minute)}
	m.Update(placedMsg{res: verify.Result{Attempt: a, Verification: v}})
	return a, v
}

// deliver reports a's call delivered: a missed call, its verification awaiting the read-back.
func deliver(m *Model, a record.Attempt, v record.Verification) tea.Cmd {
	a.State, a.Status, a.Outcome, a.UpdatedAt = "ended", "no-answer", "delivered", a.UpdatedAt.Add(12*time.Second)
	v.Status, v.UpdatedAt = "awaiting-code", a.UpdatedAt
	return send(m, eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a, Verification: v}})
}

// end reports v final with status.
func end(m *Model, v record.Verification, status record.Status) {
	v.Status, v.UpdatedAt = status, v.UpdatedAt.Add(time.Minute)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventVerification, Verification: v}})
}

func TestDeliveriesWhileTypingNeverTakeTheKeyboard(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	a1, v1 := placeMine(m, 1, "+447400123450")
	a2, v2 := placeMine(m, 2, "+447400123460")
	const next = "+447400123457"
	typeText(m, next[:5])
	deliver(m, a1, v1)
	typeText(m, next[5:9])
	deliver(m, a2, v2)
	typeText(m, next[9:])

	if got := m.dialer.Value(); got != next {
		t.Fatalf("the number input holds %q, want every digit typed: %q", got, next)
	}
	if m.Focus() != "input" || m.code.open {
		t.Fatalf("a delivery moved the keyboard: focus %s, code entry open %v", m.Focus(), m.code.open)
	}
	if n := count(stub.Calls(), "check"); n != 0 {
		t.Fatalf("%d checks reached the service: %v", n, stub.Calls())
	}
	view := m.View()
	first := linesWith(view, "+44*******450 delivered: press c to enter the code")
	second := linesWith(view, "+44*******460 delivered: press c to enter the code")
	if len(first) != 1 || len(second) != 1 || strings.Index(view, first[0]) > strings.Index(view, second[0]) {
		t.Fatalf("want one notice per delivered call, newest last:\n%s", view)
	}
	if !strings.Contains(first[0], "expires in 5:01") {
		t.Fatalf("the notice has no countdown: %q", first[0])
	}
}

func TestDeliveryRingsTheBellOnlyWhenAsked(t *testing.T) {
	for _, bell := range []bool{true, false} {
		out := &bellWriter{written: make(chan string, 64)}
		r := lipgloss.NewRenderer(out)
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
		m := New(newStub(), Options{Operator: record.Operator{Name: "alice"}, Renderer: r, Bell: bell,
			Now: func() time.Time { return testStart }, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_, v := placeMine(m, 1, "+447400123450")
		v.Status = "awaiting-code"
		cmd := m.delivered(v)
		if !bell {
			if cmd != nil {
				t.Fatal("the bell rings with console.bell off")
			}
			continue
		}
		if msg := await[bellMsg](t, cmd); msg.err != nil {
			t.Fatal(msg.err)
		}
		if got := <-out.written; got != "\a" {
			t.Fatalf("wrote %q to the terminal, want the bell", got)
		}
		// The same delivery reported again is no new call: no second bell.
		if cmd := m.delivered(v); cmd != nil {
			t.Fatal("a repeated report of the same delivery rang again")
		}
	}
}

// bellWriter is a terminal that reports what is written to it.
type bellWriter struct{ written chan string }

func (w *bellWriter) Write(p []byte) (int, error) {
	select {
	case w.written <- string(p):
	default:
	}
	return len(p), nil
}

func TestHalfTypedReadBackIsNeverReplaced(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	a1, v1 := placeMine(m, 1, "+447400123450")
	a2, v2 := placeMine(m, 2, "+447400123460")
	deliver(m, a1, v1)
	send(m, runes("c"))
	typeText(m, "12")
	deliver(m, a2, v2)
	if m.Focus() != "code" || m.code.verificationID != 1 || m.code.Value() != "12" {
		t.Fatalf("another delivery touched the read-back: focus %s, verification %d, digits %q", m.Focus(), m.code.verificationID, m.code.Value())
	}
	if got := linesWith(m.View(), "delivered: press c"); len(got) != 1 || !strings.Contains(got[0], "+44*******460") {
		t.Fatalf("want the new delivery's notice only (the open read-back has its panel): %q", got)
	}

	// The operator turns to the other customer from the history; the first read-back keeps its digits.
	for range 3 {
		if m.Focus() != "history" {
			send(m, keyTab)
		}
	}
	if m.Focus() != "history" {
		t.Fatalf("focus %s, want history", m.Focus())
	}
	if r, _ := m.history.Selected(); r.VerificationID != 2 {
		send(m, keyUp)
	}
	send(m, keyEnter) // the row of a delivered call: enter opens its read-back
	if m.Focus() != "code" || m.code.verificationID != 2 || m.code.Value() != "" {
		t.Fatalf("enter on the waiting row: focus %s, verification %d, digits %q", m.Focus(), m.code.verificationID, m.code.Value())
	}
	if strings.Contains(m.View(), "+44*******460 delivered") || !strings.Contains(m.View(), "+44*******450 delivered") {
		t.Fatalf("the notices do not follow the open read-back:\n%s", m.View())
	}
	typeText(m, "9")
	send(m, keyTab, keyDown, runes("c")) // back to the first customer's row
	if m.code.verificationID != 1 || m.code.Value() != "12" {
		t.Fatalf("back on the first read-back: verification %d, digits %q, want 12", m.code.verificationID, m.code.Value())
	}
	if m.halfTyped() != 2 {
		t.Fatalf("%d half-typed read-backs, want 2 (the second keeps its 9)", m.halfTyped())
	}
	typeText(m, "34")
	stub.checkRes = verify.CheckResult{Verified: true, Verification: record.Verification{ID: 1, Number: a1.Number, Status: "verified", Checks: 1, MaxChecks: 3}}
	m.Update(await[checkedMsg](t, send(m, keyEnter)))
	if got := stub.Calls(); !slices.Contains(got, "check 1 1234") || count(got, "check") != 1 {
		t.Fatalf("service calls %v, want one check of verification 1 with 1234", got)
	}
	if m.waiting.Has(1) || !m.waiting.Has(2) || m.drafts[2] != "9" {
		t.Fatalf("after the first verified: waiting %+v, drafts %v", m.waiting.items, m.drafts)
	}
	end(m, v2, "expired")
	if m.waiting.Len() != 0 || len(m.drafts) != 0 || strings.Contains(m.View(), "delivered: press c") {
		t.Fatalf("an expired verification keeps its notice or its digits: %+v %v", m.waiting.items, m.drafts)
	}
}

func TestNoticeGoesWhenItsVerificationEnds(t *testing.T) {
	for _, status := range []record.Status{"expired", "canceled", "superseded", "failed", "verified", "calling"} {
		m := newUnitModel(t, newStub(), 80, 24)
		m.Update(startedMsg{})
		a, v := placeMine(m, 1, "+447400123450")
		deliver(m, a, v)
		if m.noticeHeight() != 1 {
			t.Fatalf("no notice line for the delivered call")
		}
		v.Status = "awaiting-code"
		v.UpdatedAt = v.UpdatedAt.Add(12 * time.Second)
		end(m, v, status)
		if m.waiting.Len() != 0 || strings.Contains(m.View(), "delivered: press c") || m.lay.noticeH != 0 {
			t.Errorf("%s: the notice stays", status)
		}
	}
}

func TestNoticeLinesAreBounded(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedMsg{})
	for i := int64(1); i <= 32; i++ {
		a, v := placeMine(m, i, fmt.Sprintf("+4474001234%02d", i))
		deliver(m, a, v)
	}
	view := m.View()
	if n := len(linesWith(view, "delivered: press c")); n != 2 || !strings.Contains(view, "and 30 more delivered calls wait") {
		t.Fatalf("32 waiting read-backs at 80x24: %d notice lines:\n%s", n, view)
	}
	if lines := strings.Split(view, "\n"); len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	send(m, runes("c"))
	if m.code.verificationID != 1 {
		t.Fatalf("c opened verification %d, want the oldest (1)", m.code.verificationID)
	}
}

func TestQuitAsksWithLiveCallsOrAHalfTypedCode(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	placeMine(m, 1, "+447400123450")
	placeMine(m, 2, "+447400123460")
	send(m, keyTab) // the live calls
	send(m, runes("q"))
	if m.quitting || m.Focus() != "confirm" {
		t.Fatalf("q with calls live: quitting %v, focus %s", m.quitting, m.Focus())
	}
	flat := strings.Join(strings.Fields(m.View()), " ")
	if !strings.Contains(flat, "2 calls are live: they keep ringing and the next start follows them up; q again to quit, esc to stay") {
		t.Fatalf("the question does not say what quitting leaves:\n%s", m.View())
	}
	send(m, keyEsc)
	if m.quitting || m.Focus() != "live" {
		t.Fatalf("esc: quitting %v, focus %s", m.quitting, m.Focus())
	}
	send(m, runes("q"), runes("q"))
	if !m.quitting {
		t.Fatal("a second q did not quit")
	}

	// A half-typed read-back, no call live: ctrl+c asks too, and esc returns to the digits.
	m = newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	m.openCode(7, "+447400123450", time.Time{})
	typeText(m, "12")
	send(m, tea.KeyMsg{Type: tea.KeyCtrlC})
	if m.quitting || !strings.Contains(m.confirm.question, "a half-typed read-back is lost") {
		t.Fatalf("ctrl+c with a half-typed code: quitting %v, question %q", m.quitting, m.confirm.question)
	}
	if help := enabledHelp(m.Keys()); !slices.Contains(help, "q quit anyway") || !slices.Contains(help, "esc stay") {
		t.Fatalf("the help line does not say how to answer: %v", help)
	}
	send(m, keyEsc)
	if m.Focus() != "code" || m.code.Value() != "12" {
		t.Fatalf("esc: focus %s, digits %q", m.Focus(), m.code.Value())
	}
	send(m, tea.KeyMsg{Type: tea.KeyCtrlC}, tea.KeyMsg{Type: tea.KeyCtrlC})
	if !m.quitting {
		t.Fatal("a second ctrl+c did not quit")
	}

	// Nothing to lose: q quits at once.
	m = newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(makeRows(3)))
	send(m, keyTab, runes("q"))
	if !m.quitting {
		t.Fatal("q with nothing live did not quit at once")
	}
}

func TestServedSessionSaysTheServerFollowsTheCalls(t *testing.T) {
	m := New(newStub(), Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(), Served: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	placeMine(m, 1, "+447400123450")
	// Another operator's call on the shared service is theirs to follow.
	other := record.Attempt{ID: 9, VerificationID: 9, Number: "+447400123499", State: "live", Status: "ringing", CreatedAt: testStart, UpdatedAt: testStart}
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: other}})
	send(m, tea.KeyMsg{Type: tea.KeyCtrlC})
	if !strings.HasPrefix(m.confirm.question, "1 call is live: it keeps ringing and the server keeps following it up") {
		t.Fatalf("question %q", m.confirm.question)
	}
}

func TestRepeatedRunesCountAsThatManyKeys(t *testing.T) {
	stub := newStub()
	stub.rows = makeRows(10)
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(stub.rows))
	send(m, keyTab)
	sel := func() int64 { r, _ := m.history.Selected(); return r.ID }
	send(m, runes("jjj"))
	if sel() != 7 {
		t.Fatalf("jjj selected %d, want 7 (three rows down from 10)", sel())
	}
	send(m, runes("kGk"))
	if sel() != 2 {
		t.Fatalf("kGk selected %d, want 2", sel())
	}
	send(m, runes("/fail"))
	if m.Focus() != "filter" || m.filter.Value() != "fail" {
		t.Fatalf("/fail: focus %s, filter %q", m.Focus(), m.filter.Value())
	}
	m.Update(await[historyPageMsg](t, send(m, keyEsc))) // the filter cleared, the history from the top
	// Pasted text is no key presses.
	send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjjq"), Paste: true})
	if m.quitting || sel() != 10 {
		t.Fatalf("a paste into the history acted as keys: quitting %v, selected %d", m.quitting, sel())
	}
	// In the number input the runes are text.
	send(m, keyEsc, runes("0740"))
	if m.Focus() != "input" || m.dialer.Value() != "0740" {
		t.Fatalf("runes in the number input: focus %s, value %q", m.Focus(), m.dialer.Value())
	}

	// A held q asks once, and does not answer its own question.
	placeMine(m, 50, "+447400123450")
	send(m, keyTab)
	if m.Focus() != "live" {
		t.Fatalf("focus %s, want live", m.Focus())
	}
	send(m, runes("qqq"))
	if m.quitting || m.Focus() != "confirm" {
		t.Fatalf("qqq with a call live: quitting %v, focus %s", m.quitting, m.Focus())
	}
}

func TestLivePaneKeepsItsKeysWhenACallIsDelivered(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 30)
	m.Update(startedMsg{})
	var first record.Attempt
	var firstV record.Verification
	for i := int64(1); i <= 4; i++ {
		a, v := placeMine(m, i, fmt.Sprintf("+44740012345%d", i))
		if i == 1 {
			first, firstV = a, v
		}
	}
	send(m, keyTab)
	if m.Focus() != "live" {
		t.Fatalf("focus %s", m.Focus())
	}
	deliver(m, first, firstV)
	if m.Focus() != "live" || m.live.Len() != 3 {
		t.Fatalf("after a delivery: focus %s, %d live", m.Focus(), m.live.Len())
	}
	at := func() int64 { a, _ := m.live.Selected(); return a.ID }
	send(m, runes("j"))
	if at() != 3 {
		t.Fatalf("j: on %d", at())
	}
	send(m, runes("G"))
	if at() != 4 {
		t.Fatalf("G: on %d", at())
	}
	send(m, runes("g"))
	if at() != 2 {
		t.Fatalf("g: on %d", at())
	}
	send(m, runes("jk"))
	if at() != 2 {
		t.Fatalf("jk: on %d", at())
	}
	send(m, keyEnter)
	if m.Focus() != "live" || !m.detailOpen || !strings.Contains(m.View(), "attempt #2") {
		t.Fatalf("enter on a ringing call: focus %s, details %v:\n%s", m.Focus(), m.detailOpen, m.View())
	}
	send(m, runes("c")) // no read-back waits for this call: c does nothing here
	if m.code.open {
		t.Fatal("c opened a read-back for a call still ringing")
	}
}

func TestQuestionMarkFromTheEmptyNumberInput(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedMsg{})
	send(m, runes("?"))
	if m.Focus() != "help" || m.dialer.Value() != "" || !strings.Contains(m.View(), "Every key, by where it works") {
		t.Fatalf("? in the empty number input: focus %s, value %q:\n%s", m.Focus(), m.dialer.Value(), m.View())
	}
	send(m, runes("?"))
	if m.Focus() != "input" {
		t.Fatalf("? again: focus %s, want input", m.Focus())
	}
	typeText(m, "07?")
	if m.Focus() != "input" || m.dialer.Value() != "07?" {
		t.Fatalf("? after digits: focus %s, value %q (it is typed)", m.Focus(), m.dialer.Value())
	}
}

func TestHelpLineAlwaysKeepsHelpAndQuit(t *testing.T) {
	for _, w := range []int{60, 80, 100} {
		stub := newStub()
		rows := makeRows(5)
		rows[0].VerificationStatus, rows[0].Outcome = "awaiting-code", "delivered"
		m := newUnitModel(t, stub, w, 24)
		m.Update(startedWith(rows))
		a, v := placeMine(m, 90, "+447400123450")
		deliver(m, a, v)
		placeMine(m, 91, "+447400123460")

		check := func(state string, want ...string) {
			t.Helper()
			line := m.help.ShortView(m.keys)
			if lw := ansi.StringWidth(line); lw > w {
				t.Errorf("%d columns, %s: the help line is %d wide", w, state, lw)
			}
			for _, s := range want {
				if !strings.Contains(line, s) {
					t.Errorf("%d columns, %s: the help line lacks %q: %s", w, state, s, line)
				}
			}
		}
		check("empty number input", "? help", "ctrl+c quit", "c enter code")
		typeText(m, "074")
		check("number typed", "ctrl+c quit")
		send(m, keyEsc, keyTab)
		check("live calls", "? help", "q quit")
		send(m, keyTab)
		check("history", "? help", "q quit")
		send(m, runes("x"))
		check("cancel dialog", "y yes", "ctrl+c quit")
		send(m, keyEsc, runes("q"))
		check("quit question", "q quit anyway", "esc stay")
		send(m, keyEsc, runes("?"))
		check("full help", "? help", "q quit")
	}
}

func TestStaleLiveRowSaysWhy(t *testing.T) {
	m := newUnitModel(t, newStub(), 100, 24)
	m.Update(startedMsg{})
	at := func(d time.Duration) time.Time { return testStart.Add(d) }
	a := record.Attempt{ID: 1, VerificationID: 1, Number: "+447400123450", From: "+447418340465", State: "live", Status: "queued",
		CreatedAt: at(-60 * time.Second), UpdatedAt: at(-60 * time.Second)}
	m.Update(placedMsg{res: verify.Result{Attempt: a, Verification: record.Verification{ID: 1, Number: a.Number, Status: "calling", UpdatedAt: a.UpdatedAt}}})
	ringing := a
	ringing.Status, ringing.RingingSeen, ringing.UpdatedAt = "ringing", true, at(-49*time.Second)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, At: at(-49 * time.Second), Attempt: ringing}})
	if got := linesWith(m.View(), "ring 0:10/10s"); len(got) != 1 {
		t.Fatalf("the ring counter is not stopped at the Timeout:\n%s", m.View())
	}
	// The service marks it stale without a newer UpdatedAt: the mark must not be dropped as old news.
	stale := ringing
	stale.StaleSince = at(-12 * time.Second)
	stale.Error = "restcomm: get call: GET /2012-04-24/Accounts/AC1/Calls/CA1.json: dial tcp 127.0.0.1:8080: connect: connection refused"
	stale.UpdatedAt = a.UpdatedAt
	cmd := send(m, eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: stale}})
	if got := linesWith(m.View(), "ringing (stale 12s: Restcomm unreachable)"); len(got) != 1 || !strings.Contains(got[0], "ring 0:10/10s") {
		t.Fatalf("no stale mark on the live row:\n%s", m.View())
	}
	if cmd == nil || !strings.Contains(m.status.Text(), "cannot be followed: Restcomm unreachable") {
		t.Fatalf("no notice that the call cannot be followed: %q", m.status.Text())
	}
	send(m, keyTab, runes("d"))
	if v := m.View(); !strings.Contains(v, "not followed for 12s: Restcomm unreachable") || !strings.Contains(v, "connection refused") {
		t.Fatalf("the details do not show the error:\n%s", v)
	}
	// A fresh report that followed the mark clears it; the older mark arriving late does not come back.
	fresh := ringing
	fresh.UpdatedAt = at(-5 * time.Second)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: fresh}})
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: stale}})
	if strings.Contains(m.View(), "(stale") {
		t.Fatalf("an older stale mark came back over a fresh report:\n%s", m.View())
	}
}

func TestStaleReason(t *testing.T) {
	for in, want := range map[string]string{
		"": "tracking failed",
		"restcomm: get call: GET /x: dial tcp 10.0.0.1:443: connect: connection refused":                            "Restcomm unreachable",
		"restcomm: get call: GET /x: context deadline exceeded":                                                     "Restcomm unreachable",
		"restcomm: get call: GET /x: HTTP 503 Service Unavailable":                                                  "Restcomm unreachable",
		"restcomm: get call: GET /x: HTTP 500 Internal Server Error: Simulated server error (fault injection, get)": "Restcomm error 500",
		"restcomm: get call: GET /x: HTTP 401 Unauthorized":                                                         "Restcomm rejected the credentials",
		"store: attempt +447400123450 is locked":                                                                    "store",
	} {
		if got := staleReason(in, "+447400123450"); got != want {
			t.Errorf("staleReason(%q) = %q, want %q", in, got, want)
		}
	}
}
