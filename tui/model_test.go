package tui

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// asciiRenderer is a renderer with no colour, as under NO_COLOR: what the tests read is what a monochrome
// terminal shows.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

var testStart = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func newUnitModel(t testing.TB, svc Service, w, h int) *Model {
	t.Helper()
	m := New(svc, Options{
		Operator: record.Operator{Name: "alice", Remote: "local", Role: record.RoleSupervisor},
		Renderer: asciiRenderer(),
		Now:      func() time.Time { return testStart },
		Location: time.UTC,
	})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
)

// send feeds messages to the model one by one and returns the command of the last.
func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	for _, msg := range msgs {
		_, cmd = m.Update(msg)
	}
	return cmd
}

// typeText sends each character of s as its own key press.
func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(runes(string(r)))
	}
}

// await runs cmd and every command batched inside it, each on its own goroutine, and returns the first
// message of type T. Ticks that are not awaited are left running; they end with the test binary.
func await[T tea.Msg](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	if cmd == nil {
		t.Fatalf("no command to run, want a %T", zero)
	}
	msgs := make(chan tea.Msg, 64)
	var run func(c tea.Cmd)
	run = func(c tea.Cmd) {
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, sub := range b {
					if sub != nil {
						run(sub)
					}
				}
				return
			}
			msgs <- msg
		}()
	}
	run(cmd)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case msg := <-msgs:
			if got, ok := msg.(T); ok {
				return got
			}
		case <-deadline:
			t.Fatalf("no %T came from the command", zero)
			return zero
		}
	}
}

func enabledHelp(k KeyMap) []string {
	var out []string
	for _, b := range k.ShortHelp() {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return out
}

func TestTypingLettersNeverFiresHotkeys(t *testing.T) {
	stub := newStub()
	stub.rows = makeRows(5)
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(stub.rows))
	// Every single-letter hotkey of the console, typed into the number input.
	typed := "qhrnxcjkgGdy?/vSA"
	for _, r := range typed {
		_, cmd := m.Update(runes(string(r)))
		if m.quitting {
			t.Fatalf("typing %q into the number input quit the console", r)
		}
		if cmd != nil {
			if msg := cmd(); msg != nil {
				if _, isQuit := msg.(tea.QuitMsg); isQuit {
					t.Fatalf("typing %q returned tea.Quit", r)
				}
			}
		}
	}
	if got := m.Focus(); got != "input" {
		t.Fatalf("focus moved to %q while typing", got)
	}
	if got := m.dialer.Value(); got != typed {
		t.Fatalf("number input holds %q, want every letter typed: %q", got, typed)
	}
	if calls := stub.Calls(); len(calls) != 0 {
		t.Fatalf("typing letters reached the service: %v", calls)
	}
	if strings.Contains(m.View(), "Keys (? or esc") {
		t.Fatal("? opened the full help while typing")
	}
}

func TestCodeEntryTakesDigitsOnly(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.openCode(7, "+447400123450", time.Time{})
	if m.Focus() != "code" {
		t.Fatalf("focus = %s, want code", m.Focus())
	}
	typeText(m, "1a2q3x?")
	if got := m.code.Value(); got != "123" {
		t.Fatalf("code entry holds %q, want only the digits 123", got)
	}
	if m.keys.SubmitCode.Enabled() {
		t.Fatal("check offered with 3 of 4 digits")
	}
	typeText(m, "45")
	if got := m.code.Value(); got != "1234" {
		t.Fatalf("code entry holds %q, want 1234 (4 digits at most)", got)
	}
	if !m.keys.SubmitCode.Enabled() {
		t.Fatal("check not offered with 4 digits")
	}
	if m.quitting {
		t.Fatal("q quit from the code entry")
	}
}

func TestHelpOffersOnlyWhatWorks(t *testing.T) {
	stub := newStub()
	rows := makeRows(5)
	// Make the newest row live and the next one awaiting its code.
	rows[0].State, rows[0].Status, rows[0].Outcome, rows[0].VerificationStatus = "live", "ringing", "", "calling"
	rows[1].VerificationStatus, rows[1].Outcome = "awaiting-code", "delivered"
	rows[2].VerificationStatus = "verified"
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))

	has := func(want ...string) func(got []string) bool {
		return func(got []string) bool {
			for _, w := range want {
				if !slices.Contains(got, w) {
					return false
				}
			}
			return true
		}
	}
	lacks := func(no ...string) func(got []string) bool {
		return func(got []string) bool {
			for _, w := range no {
				if slices.Contains(got, w) {
					return false
				}
			}
			return true
		}
	}
	check := func(state string, ok ...func([]string) bool) {
		t.Helper()
		got := enabledHelp(m.Keys())
		for _, f := range ok {
			if !f(got) {
				t.Errorf("%s: help offers %v", state, got)
			}
		}
		line := m.help.ShortView(m.keys)
		for _, b := range m.keys.ShortHelp() {
			item := b.Help().Key + " " + b.Help().Desc
			if !b.Enabled() && !slices.Contains(got, item) && strings.Contains(line, item) {
				t.Errorf("%s: help line shows the disabled %q: %s", state, item, line)
			}
		}
	}

	check("empty input", lacks("enter call number", "q quit", "h hang up", "esc clear number", "v reveal number", "A audit log", "c enter code"), has("tab next pane", "? help", "ctrl+c quit"))
	typeText(m, "+447400123450")
	check("valid number", has("enter call number", "esc clear number"), lacks("q quit", "r retry", "? help"))
	send(m, runes("x"))
	check("invalid number", lacks("enter call number"))
	send(m, keyEsc)
	if m.dialer.Value() != "" {
		t.Fatalf("esc left %q in the number input", m.dialer.Value())
	}

	send(m, keyTab)
	if m.Focus() != "history" {
		t.Fatalf("tab from the input went to %s, want history", m.Focus())
	}
	check("live row", has("h hang up", "x cancel verification", "q quit", "? help", "/ filter", "v reveal number", "A audit log"), lacks("c enter code", "r retry", "n got no call", "S fresh verification"))
	send(m, keyDown)
	check("awaiting-code row", has("c enter code", "r retry", "n got no call", "x cancel verification", "S fresh verification"), lacks("h hang up"))
	send(m, runes("j"))
	check("verified row", lacks("c enter code", "r retry", "n got no call", "x cancel verification", "h hang up", "S fresh verification"), has("/ filter", "enter details", "v reveal number"))

	send(m, runes("?"))
	if m.Focus() != "help" || !strings.Contains(m.View(), "Keys (? or esc to close)") {
		t.Fatalf("? did not open the full help (focus %s)", m.Focus())
	}
	check("full help", has("esc close help"), lacks("c enter code", "/ filter"))
	send(m, keyEsc)
	if m.Focus() != "history" {
		t.Fatalf("esc from help went to %s, want history", m.Focus())
	}
}

func TestEnterPlacesTheTypedNumber(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	send(m, keyEnter)
	if !strings.Contains(m.status.Text(), "type a number first") {
		t.Fatalf("enter on an empty input: status %q", m.status.Text())
	}
	typeText(m, "07400 12345")
	send(m, keyEnter)
	if !strings.Contains(m.status.Text(), "not called") {
		t.Fatalf("enter on an invalid number: status %q", m.status.Text())
	}
	typeText(m, "0")
	a := record.Attempt{ID: 1, VerificationID: 1, Number: "+447400123450", From: "+447418340465", State: "live", Status: "queued", CreatedAt: testStart, UpdatedAt: testStart}
	stub.placeRes = verify.Result{Attempt: a, Verification: record.Verification{ID: 1, Number: a.Number, Status: "calling", MaxChecks: 3}}
	cmd := send(m, keyEnter)
	placed := await[placedMsg](t, cmd)
	if got := stub.Calls(); !slices.Contains(got, "place 07400 123450") {
		t.Fatalf("service calls %v, want the typed number placed", got)
	}
	if m.keys.Call.Enabled() {
		t.Fatal("call offered again while the first call is being placed")
	}
	m.Update(placed)
	if m.dialer.Value() != "" {
		t.Fatalf("input still holds %q after the call was placed", m.dialer.Value())
	}
	if m.live.Len() != 1 || m.history.Len() != 1 {
		t.Fatalf("live %d, history %d: want the new attempt in both", m.live.Len(), m.history.Len())
	}
	view := m.View()
	if !strings.Contains(view, "+44*******450") || strings.Contains(view, "+447418340465") {
		t.Fatalf("view must show the number masked and hide the code digits of From:\n%s", view)
	}
	if strings.Contains(view, "7400123450") {
		t.Fatalf("the placed number is on screen in full:\n%s", view)
	}
	if !strings.Contains(view, "+44741834••••") {
		t.Fatalf("view lacks the masked From:\n%s", view)
	}
}

func TestPlaceErrorKeepsTheNumber(t *testing.T) {
	stub := newStub()
	stub.placeErr = verify.ErrLiveCall
	m := newUnitModel(t, stub, 80, 24)
	typeText(m, "+447400123450")
	m.Update(await[placedMsg](t, send(m, keyEnter)))
	if m.dialer.Value() != "+447400123450" {
		t.Fatalf("a refused call cleared the input (%q)", m.dialer.Value())
	}
	if !strings.Contains(m.status.Text(), "still live") {
		t.Fatalf("status %q does not say why", m.status.Text())
	}
	if !m.keys.Call.Enabled() {
		t.Fatal("call not offered again after a refusal")
	}
}

func TestHangUpAsksFirst(t *testing.T) {
	stub := newStub()
	rows := makeRows(3)
	rows[0].State, rows[0].Status, rows[0].VerificationStatus = "live", "ringing", "calling"
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	send(m, runes("h"))
	if m.Focus() != "confirm" || !strings.Contains(m.View(), "Hang up the call to "+record.MaskNumber(rows[0].Number)+"?") {
		t.Fatalf("h did not ask for confirmation (focus %s)", m.Focus())
	}
	send(m, runes("n"))
	if m.Focus() != "history" {
		t.Fatalf("n went to %s, want back to history", m.Focus())
	}
	if got := stub.Calls(); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "hangup") }) {
		t.Fatalf("declined hang-up reached the service: %v", got)
	}
	send(m, runes("h"))
	cmd := send(m, runes("y"))
	msg := await[hungUpMsg](t, cmd)
	if msg.attemptID != rows[0].ID || !slices.Contains(stub.Calls(), "hangup 3") {
		t.Fatalf("hang-up of attempt %d, service calls %v", msg.attemptID, stub.Calls())
	}
}

func TestHistoryNavigationAndFilter(t *testing.T) {
	stub := newStub()
	rows := makeRows(100)
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	sel := func() int64 { r, _ := m.history.Selected(); return r.ID }
	if sel() != 100 {
		t.Fatalf("first selection is attempt %d, want the newest (100)", sel())
	}
	send(m, keyDown, runes("j"))
	if sel() != 98 {
		t.Fatalf("after two downs attempt %d, want 98", sel())
	}
	send(m, tea.KeyMsg{Type: tea.KeyEnd})
	if sel() != 1 {
		t.Fatalf("end selects %d, want the oldest (1)", sel())
	}
	send(m, tea.KeyMsg{Type: tea.KeyHome}, tea.KeyMsg{Type: tea.KeyPgDown})
	if want := int64(100 - m.history.pageRows()); sel() != want {
		t.Fatalf("pgdown selects %d, want %d", sel(), want)
	}
	send(m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if want := int64(100 - m.history.pageRows() - 3); sel() != want {
		t.Fatalf("wheel down selects %d, want %d", sel(), want)
	}

	// The filter is a query of the database: its flows run against a real one (historyfind_flows_test.go).
	send(m, runes("/"))
	if m.Focus() != "filter" {
		t.Fatalf("/ went to %s", m.Focus())
	}
}

func TestNewAttemptKeepsTheSelection(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedWith(makeRows(50)))
	send(m, keyTab, keyDown, keyDown)
	before, _ := m.history.Selected()
	next := makeRows(51)[0]
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: next.Attempt, Verification: record.Verification{ID: next.VerificationID, Status: "calling"}}})
	after, _ := m.history.Selected()
	if after.ID != before.ID {
		t.Fatalf("an attempt from elsewhere moved the selection from %d to %d", before.ID, after.ID)
	}
	if top := shownRows(m)[0]; top.ID != 51 {
		t.Fatalf("newest row is %d, want the new attempt 51", top.ID)
	}
}

func TestDeliveredCallQueuesANoticeAndCOpensTheCodeEntry(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	a := record.Attempt{ID: 3, VerificationID: 2, Number: "+447400123450", From: "+447418340465", State: "live", Status: "queued", CreatedAt: testStart, UpdatedAt: testStart}
	v := record.Verification{ID: 2, Number: a.Number, Status: "calling", MaxChecks: 3, UpdatedAt: testStart, ExpiresAt: testStart.Add(5 * time.Minute)}
	m.Update(placedMsg{input: a.Number, res: verify.Result{Attempt: a, Verification: v}})
	a.State, a.Status, a.Outcome, a.UpdatedAt = "ended", "no-answer", "delivered", testStart.Add(12*time.Second)
	v.Status, v.UpdatedAt = "awaiting-code", a.UpdatedAt
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a, Verification: v}})
	if m.Focus() != "input" || m.code.open {
		t.Fatalf("after the missed call was delivered: focus %s, code entry open %v; want the number input to keep the keyboard", m.Focus(), m.code.open)
	}
	if got := linesWith(m.View(), "+44*******450 delivered: press c to enter the code · expires in 5:00"); len(got) != 1 {
		t.Fatalf("no notice line for the delivered call:\n%s", m.View())
	}
	if !slices.Contains(enabledHelp(m.Keys()), "c enter code") {
		t.Fatalf("c not offered from the number input with a read-back waiting: %v", enabledHelp(m.Keys()))
	}
	send(m, runes("c"))
	if m.Focus() != "code" || m.code.verificationID != 2 {
		t.Fatalf("c: focus %s, verification %d", m.Focus(), m.code.verificationID)
	}
	view := m.View()
	if strings.Contains(view, "delivered: press c") {
		t.Fatalf("the notice of the read-back being typed stays on screen:\n%s", view)
	}
	for _, want := range []string{"Ask the customer for the last 4 digits of the number that called them", "expires in 5:00", "awaiting-code"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "0465") {
		t.Fatalf("the expected code is on screen:\n%s", view)
	}

	// A wrong read-back keeps the entry open and says how many checks are left.
	stub.checkRes = verify.CheckResult{ChecksLeft: 2, Verification: record.Verification{ID: 2, Number: a.Number, Status: "awaiting-code", Checks: 1, MaxChecks: 3}}
	typeText(m, "1111")
	m.Update(await[checkedMsg](t, send(m, keyEnter)))
	if !m.code.open || !strings.Contains(m.View(), "wrong digits: 2 checks left") {
		t.Fatalf("mismatch not shown:\n%s", m.View())
	}
	if m.code.Value() != "" {
		t.Fatalf("the wrong digits %q stay in the entry", m.code.Value())
	}

	// The right digits close it and say so.
	stub.checkRes = verify.CheckResult{Verified: true, Verification: record.Verification{ID: 2, Number: a.Number, Status: "verified", Checks: 2, MaxChecks: 3}}
	typeText(m, "0465")
	m.Update(await[checkedMsg](t, send(m, keyEnter)))
	if m.code.open || m.Focus() != "input" {
		t.Fatalf("after a match: code open %v, focus %s", m.code.open, m.Focus())
	}
	if !strings.Contains(m.View(), "is verified") {
		t.Fatalf("verified not shown:\n%s", m.View())
	}
	if m.waiting.Len() != 0 || strings.Contains(m.View(), "delivered: press c") {
		t.Fatalf("the notice outlived its verification:\n%s", m.View())
	}
}

func TestCheckErrorsAreShown(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.openCode(4, "+447400123450", time.Time{})
	stub.checkRes = verify.CheckResult{Verification: record.Verification{ID: 4, Number: "+447400123450", Status: "expired"}}
	stub.checkErr = verify.ErrClosed
	typeText(m, "1234")
	m.Update(await[checkedMsg](t, send(m, keyEnter)))
	if m.code.open || !strings.Contains(m.status.Text(), "expired") {
		t.Fatalf("expired check: open %v, status %q", m.code.open, m.status.Text())
	}
	m.openCode(5, "+447400123450", time.Time{})
	stub.checkRes, stub.checkErr = verify.CheckResult{}, errors.New("database is locked")
	typeText(m, "1234")
	m.Update(await[checkedMsg](t, send(m, keyEnter)))
	if !m.code.open || !strings.Contains(m.View(), "database is locked") {
		t.Fatalf("error not shown in the entry:\n%s", m.View())
	}
}

func TestViewAlwaysFitsTheWindow(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(makeRows(200)))
	m.openCode(1, "+447400123450", testStart.Add(time.Minute))
	for _, size := range [][2]int{{80, 24}, {40, 10}, {20, 5}, {132, 50}, {200, 60}, {100, 30}, {1, 1}, {80, 24}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, f := range []focus{focusInput, focusHistory, focusHelp, focusFilter, focusAudit, focusConfirm} {
			m.confirm.question = "Start a fresh verification for +44*******450? The open one is superseded (audited)."
			m.setFocus(f)
			m.relayout()
			m.updateKeys()
			lines := strings.Split(m.View(), "\n")
			if len(lines) != size[1] {
				t.Fatalf("%dx%d (%s): %d lines", size[0], size[1], f, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Fatalf("%dx%d (%s): line %d is %d cells wide: %q", size[0], size[1], f, i, w, l)
				}
			}
		}
	}
}

func TestStaleTimelineRepliesAreDropped(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 140, 40) // wide: the detail pane is always on screen
	m.Update(startedWith(makeRows(10)))
	send(m, keyTab)
	first := m.detail.seq
	if m.detail.pendingFor != 10 {
		t.Fatalf("no timeline requested for the selected attempt (pending %d)", m.detail.pendingFor)
	}
	send(m, keyDown)
	if m.detail.pendingFor != 9 || m.detail.seq == first {
		t.Fatalf("moving on did not replace the request (pending %d)", m.detail.pendingFor)
	}
	// The reply to the first request arrives late: it must not be cached or shown.
	m.Update(timelineMsg{req: first, attemptID: 10, items: []record.Transition{{Status: "stale-reply"}}})
	if _, ok := m.detail.Timeline(10); ok {
		t.Fatal("a stale timeline reply was cached")
	}
	// The debounce tick of the current request turns into the load.
	stub.timeline[9] = []record.Transition{{AttemptID: 9, At: testStart, Status: "ringing", Source: "poll"}}
	cmd := send(m, timelineDueMsg{req: m.detail.seq, attemptID: 9})
	m.Update(await[timelineMsg](t, cmd))
	if tl, ok := m.detail.Timeline(9); !ok || len(tl) != 1 {
		t.Fatalf("current timeline not cached: %v", tl)
	}
	if !strings.Contains(m.View(), "ringing") {
		t.Fatal("timeline not shown in the detail pane")
	}
	// An event for the attempt invalidates it and asks again.
	r, _ := m.history.Row(9)
	r.UpdatedAt = r.UpdatedAt.Add(time.Second)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: r.Attempt}})
	if _, ok := m.detail.Timeline(9); ok || m.detail.pendingFor != 9 {
		t.Fatalf("a changed attempt kept its old timeline (pending %d)", m.detail.pendingFor)
	}
}

func TestQuitUnsubscribes(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	started := await[startedMsg](t, m.Init())
	m.Update(started)
	send(m, keyTab)
	cmd := send(m, runes("q"))
	if !m.quitting {
		t.Fatal("q in the history did not quit")
	}
	// tea.Sequence hides its commands; run them in order as the program would.
	seq := reflect.ValueOf(cmd())
	for i := range seq.Len() {
		if c, ok := seq.Index(i).Interface().(tea.Cmd); ok && c != nil {
			c()
		}
	}
	if !slices.Contains(stub.Calls(), "unsubscribe") {
		t.Fatalf("quitting did not end the subscription: %v", stub.Calls())
	}
	m.Close() // after the keyboard quit: must not unsubscribe twice
	if n := len(slices.DeleteFunc(stub.Calls(), func(s string) bool { return s != "unsubscribe" })); n != 1 {
		t.Fatalf("unsubscribed %d times", n)
	}
}

func TestBindingsDisabledDoNotMatch(t *testing.T) {
	// The guarantee updateKeys relies on: a disabled binding never matches.
	b := key.NewBinding(key.WithKeys("h"))
	b.SetEnabled(false)
	if key.Matches(runes("h"), b) {
		t.Fatal("disabled binding matched")
	}
}

// TestCloseBeforeStartEndsTheSubscription covers a session torn down before its first message: Close must
// still end the subscription New made.
func TestCloseBeforeStartEndsTheSubscription(t *testing.T) {
	stub := newStub()
	m := New(stub, Options{Renderer: asciiRenderer()})
	m.Close()
	m.Close()
	if n := len(slices.DeleteFunc(stub.Calls(), func(s string) bool { return s != "unsubscribe" })); n != 1 {
		t.Fatalf("unsubscribed %d times, want 1", n)
	}
}
