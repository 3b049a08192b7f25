package tui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// TestVerificationViewFromAnyRow: i on a history row opens its verification (attempts, read-backs by whom,
// the timeline with the read-backs in it, the countdown), the view scrolls, i and esc close it back to the
// row's pane, and a live row opens it too.
func TestVerificationViewFromAnyRow(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	stub.rows = []record.HistoryRow{r}
	stub.timeline[r.ID] = []record.Transition{
		{AttemptID: r.ID, At: r.CreatedAt, Status: "queued", Source: record.SourceCreate},
		{AttemptID: r.ID, At: r.CreatedAt.Add(10 * time.Second), Status: "no-answer", Source: record.SourcePoll},
	}
	cmd := send(m, runes("i"))
	if m.Focus() != "verification" || !strings.Contains(m.View(), "loading…") {
		t.Fatalf("i: focus %s\n%s", m.Focus(), m.View())
	}
	msg := await[inspectMsg](t, cmd)
	msg.view.Verification.ExpiresAt = testStart.Add(4*time.Minute + 12*time.Second)
	msg.view.Checks = []record.Check{{VerificationID: r.VerificationID, At: r.CreatedAt.Add(30 * time.Second), Operator: "bob", OK: false}}
	m.Update(msg)
	view := m.View()
	for _, want := range []string{
		fmt.Sprintf("Verification #%d · %s", r.VerificationID, record.MaskNumber(r.Number)),
		"status awaiting-code", "expires in 4:12", "Attempts (1)", "Read-backs (1)", "bob", "✗ wrong",
		"✗ read-back", "wrong digits, by bob", "no-answer",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the verification view lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatal(view)
	}
	if !m.counting() {
		t.Fatal("an open verification's countdown does not tick")
	}
	// Smaller than its content: it scrolls, and says what is below.
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 14})
	if !strings.Contains(m.View(), "↓ ") {
		t.Fatalf("no indicator of what is below:\n%s", m.View())
	}
	send(m, runes("G"))
	if !strings.Contains(m.View(), "↑ ") || !strings.Contains(m.View(), "✗ read-back") {
		t.Fatalf("G does not scroll to the end:\n%s", m.View())
	}
	send(m, runes("i"))
	if m.Focus() != "history" || m.inspect.IsOpen() {
		t.Fatalf("i again: focus %s", m.Focus())
	}
	send(m, runes("i"), keyEsc)
	if m.Focus() != "history" {
		t.Fatalf("esc: focus %s", m.Focus())
	}

	// From a live call.
	a, _ := placeMine(m, 9, "+447400123459")
	stub.rows = append(stub.rows, record.HistoryRow{Attempt: a, VerificationStatus: "calling", MaxChecks: 3})
	send(m, tea.KeyMsg{Type: tea.KeyShiftTab})
	if m.Focus() != "live" {
		t.Fatalf("shift+tab: focus %s", m.Focus())
	}
	msg = await[inspectMsg](t, send(m, runes("i")))
	if msg.verificationID != 9 || m.Focus() != "verification" {
		t.Fatalf("i on a live call: %+v, focus %s", msg.verificationID, m.Focus())
	}
	send(m, keyEsc)
	if m.Focus() != "live" {
		t.Fatalf("esc from the view opened on a live call: focus %s", m.Focus())
	}
}

// TestDetailsToggleOpenAndClosed: d (and enter) opens the detail pane and closes it again, in the history
// and in the live calls.
func TestDetailsToggleOpenAndClosed(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedWith(makeRows(5)))
	placeMine(m, 9, "+447400123459")
	send(m, keyTab) // live calls
	for _, pane := range []string{"live", "history"} {
		if m.Focus() != pane {
			t.Fatalf("focus %s, want %s", m.Focus(), pane)
		}
		send(m, runes("d"))
		if !m.detailOpen || !strings.Contains(m.View(), "Details") {
			t.Fatalf("%s: d did not open the details", pane)
		}
		send(m, runes("d"))
		if m.detailOpen || strings.Contains(m.View(), "  Details") {
			t.Fatalf("%s: d did not close the details:\n%s", pane, m.View())
		}
		send(m, keyTab)
	}
}

// TestLivePaneGrowsScrollsAndSaysWhatIsOutOfView: the pane takes one line per live call up to half the
// screen, scrolls with the cursor beyond that with "↑ n more" and "↓ n more" in its title, every call line
// keeps its ring timer at 80 columns, and pgup and pgdn move a page.
func TestLivePaneGrowsScrollsAndSaysWhatIsOutOfView(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedMsg{})
	if m.lay.liveRows != 1 {
		t.Fatalf("no calls: %d live lines", m.lay.liveRows)
	}
	for i := int64(1); i <= 3; i++ {
		placeMine(m, i, fmt.Sprintf("+44740012345%d", i))
	}
	if m.lay.liveRows != 3 {
		t.Fatalf("3 calls: %d live lines", m.lay.liveRows)
	}
	for i := int64(4); i <= 16; i++ {
		placeMine(m, i, fmt.Sprintf("+4474001234%02d", i))
	}
	rows := 24/2 - 1
	if m.lay.liveRows != rows {
		t.Fatalf("16 calls on 24 lines: %d live lines, want %d", m.lay.liveRows, rows)
	}
	send(m, keyTab)
	view := m.View()
	if !strings.Contains(view, fmt.Sprintf("Live calls (16) · ↓ %d more", 16-rows)) || strings.Contains(view, "↑") {
		t.Fatalf("at the top:\n%s", view)
	}
	calls := linesWith(view, "/10s")
	if len(calls) != rows {
		t.Fatalf("%d call lines, want %d:\n%s", len(calls), rows, view)
	}
	for _, l := range calls {
		if !strings.Contains(l, "/10s") || ansi.StringWidth(l) > 80 {
			t.Fatalf("a call line lost its ring timer or is too wide: %q", l)
		}
	}
	send(m, runes("G"))
	if a, _ := m.live.Selected(); a.ID != 16 || !strings.Contains(m.View(), fmt.Sprintf("Live calls (16) · ↑ %d more", 16-rows)) {
		t.Fatalf("G: on %d\n%s", a.ID, m.View())
	}
	send(m, tea.KeyMsg{Type: tea.KeyPgUp})
	if a, _ := m.live.Selected(); a.ID != int64(16-rows) {
		t.Fatalf("pgup: on %d, want %d", a.ID, 16-rows)
	}
	if !strings.Contains(m.View(), "↑ ") || !strings.Contains(m.View(), "↓ ") {
		t.Fatalf("in the middle both indicators show:\n%s", m.View())
	}
	send(m, tea.KeyMsg{Type: tea.KeyPgDown})
	if a, _ := m.live.Selected(); a.ID != 16 {
		t.Fatalf("pgdn: on %d", a.ID)
	}
	send(m, runes("kkk"))
	if a, _ := m.live.Selected(); a.ID != 13 {
		t.Fatalf("kkk in one message: on %d, want 13", a.ID)
	}
	if lines := strings.Split(m.View(), "\n"); len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
}

// outputRenderer is an ASCII renderer whose output the test reads: what the console writes to the terminal
// besides its frames (the bell, OSC 52).
func outputRenderer(buf *bytes.Buffer) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(buf)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// TestCopyWritesOSC52: y copies the selected row's SID with OSC 52 to the session's terminal, without the
// service; while a supervisor has the number revealed it copies the number, through the service (which
// audits it); an operator copies the SID only.
func TestCopyWritesOSC52(t *testing.T) {
	var out bytes.Buffer
	stub := newStub()
	rows := makeRows(3)
	m := New(stub, Options{Operator: record.Operator{Name: "sam", Role: record.RoleSupervisor}, Renderer: outputRenderer(&out),
		Now: func() time.Time { return testStart }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(startedWith(rows))
	send(m, keyTab)
	osc := func(text string) string { return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a" }

	if !slices.Contains(enabledHelp(m.Keys()), "y copy SID") {
		t.Fatalf("y is not offered: %v", enabledHelp(m.Keys()))
	}
	m.Update(await[copiedMsg](t, send(m, runes("y"))))
	if !strings.Contains(out.String(), osc(rows[0].CallSID)) || !strings.Contains(m.status.Text(), "copied the call SID "+rows[0].CallSID) {
		t.Fatalf("output %q, status %q", out.String(), m.status.Text())
	}
	if slices.ContainsFunc(stub.Calls(), func(c string) bool { return strings.HasPrefix(c, "copy") }) {
		t.Fatal("a SID copy went through the service")
	}

	out.Reset()
	stub.revealed = map[int64]string{rows[0].ID: rows[0].Number}
	m.Update(await[revealedMsg](t, send(m, runes("v"))))
	if !slices.Contains(enabledHelp(m.Keys()), "y copy number") {
		t.Fatalf("y does not offer the revealed number: %v", enabledHelp(m.Keys()))
	}
	m.Update(await[copiedMsg](t, send(m, runes("y"))))
	if !strings.Contains(out.String(), osc(rows[0].Number)) || !slices.Contains(stub.Calls(), fmt.Sprintf("copy %d", rows[0].ID)) {
		t.Fatalf("number copy: output %q, calls %v", out.String(), stub.Calls())
	}
	if strings.Contains(m.View(), rows[0].Number[3:]) && !m.history.Revealed(rows[0].ID) {
		t.Fatal("the copied number is on screen unrevealed")
	}

	// An operator has no reveal, so y copies the SID.
	op := New(stub, Options{Operator: record.Operator{Name: "olga"}, Renderer: outputRenderer(&out), Now: func() time.Time { return testStart }})
	op.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	op.Update(startedWith(rows))
	send(op, keyTab)
	out.Reset()
	op.Update(await[copiedMsg](t, send(op, runes("y"))))
	if !strings.Contains(out.String(), osc(rows[0].CallSID)) {
		t.Fatalf("operator's copy: %q", out.String())
	}
}

// TestFullHelpListsEveryPaneAndScrollsAt60Columns: ? lists the keys of every pane by pane; on a small
// screen it scrolls to the end, every line fits, and the help line keeps ? and q.
func TestFullHelpListsEveryPaneAndScrollsAt60Columns(t *testing.T) {
	m := newUnitModel(t, newStub(), 60, 20)
	m.Update(startedWith(makeRows(3)))
	send(m, keyTab, runes("?"))
	if m.Focus() != "help" {
		t.Fatalf("focus %s", m.Focus())
	}
	seen := ""
	for range 200 {
		v := m.View()
		for _, l := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(l); w > 60 {
				t.Fatalf("a help line is %d wide: %q", w, l)
			}
		}
		seen += v
		if !strings.Contains(v, "↓ ") {
			break
		}
		send(m, runes("j"))
	}
	for _, g := range DefaultKeyMap().Reference() {
		if !strings.Contains(seen, "  "+g.Pane) {
			t.Errorf("the full help never showed the %s keys", g.Pane)
		}
	}
	short := m.help.ShortView(m.keys)
	if !strings.Contains(short, "? help") || !strings.Contains(short, "q quit") {
		t.Fatalf("help line %q", short)
	}
	send(m, runes("g"))
	if strings.Contains(m.View(), "↑ ") {
		t.Fatal("g does not go back to the top")
	}
}

// TestNumberInputSaysTheRefusalBeforeEnter: a number the destination policy refuses is ✗ with the rule
// before enter, enter to call is not offered, and enter sends nothing to the service.
func TestNumberInputSaysTheRefusalBeforeEnter(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 100, 24)
	m.Update(startedMsg{})
	typeText(m, "+19005550123")
	if v := m.View(); !strings.Contains(v, "✗ premium-rate · refused by policy."+policy.RuleType) {
		t.Fatalf("no ✗ before enter:\n%s", v)
	}
	if m.keys.Call.Enabled() {
		t.Fatal("enter to call is offered")
	}
	send(m, keyEnter)
	if slices.ContainsFunc(stub.Calls(), func(c string) bool { return strings.HasPrefix(c, "place") }) ||
		!strings.Contains(m.status.Text(), "not called: refused by policy."+policy.RuleType) {
		t.Fatalf("calls %v, status %q", stub.Calls(), m.status.Text())
	}
}

// TestPlaceholderPromisesNationalNumbersOnlyWithARegion: without a default region the number input asks
// for the country code.
func TestPlaceholderPromisesNationalNumbersOnlyWithARegion(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := newDialer(&st, func(s string) (policy.Number, error) { return policy.ParseNumber(s, "") }, false)
	d.SetSize(80)
	d.SetRegion("")
	if v := d.View(); strings.Contains(v, "or a national") || strings.Contains(v, "or national") || !strings.Contains(v, "with the country code") {
		t.Fatalf("without a region:\n%s", v)
	}
	d.SetRegion("GB")
	if v := d.View(); !strings.Contains(v, "or a national number (GB)") {
		t.Fatalf("with GB:\n%s", v)
	}
}

// TestCursorUnderNoColor: on a renderer that draws no attributes (NO_COLOR), the focused input still shows
// a reverse-video cursor, at the end of what is typed.
func TestCursorUnderNoColor(t *testing.T) {
	m := newUnitModel(t, newStub(), 80, 24)
	m.Update(startedMsg{})
	if !strings.Contains(m.View(), reverseVideo("+")) {
		t.Fatalf("no cursor on the empty input:\n%q", m.View())
	}
	typeText(m, "0740")
	if !strings.Contains(m.View(), "Number 0740"+reverseVideo(" ")) {
		t.Fatalf("no cursor after the digits:\n%q", strings.Split(m.View(), "\n")[2])
	}
}

// TestRingTimeAtAFastSimulator: at sim speed ×10 the header says how long the ring really lasts, and the
// live row counts the ring in the simulator's time against the Timeout.
func TestRingTimeAtAFastSimulator(t *testing.T) {
	stub := newStub()
	stub.info.Timeout, stub.info.SimSpeed = 60, 10
	now := testStart
	m := New(stub, Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return now }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 130, Height: 24})
	m.Update(startedMsg{})
	if v := m.View(); !strings.Contains(v, "sim speed ×10: the 60s ring lasts 6s") || !strings.Contains(v, "ring 60s") {
		t.Fatalf("header:\n%s", v)
	}
	a, _ := placeMine(m, 1, testNumber)
	a.Status, a.UpdatedAt = "ringing", a.UpdatedAt.Add(time.Second)
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a, At: now}})
	now = now.Add(3 * time.Second)
	if rows := linesWith(m.View(), "ring 0:30/60s"); len(rows) != 1 {
		t.Fatalf("3 s of a ×10 ring read:\n%s", m.View())
	}
}

// TestDetailTimelineHoldsTheReadBacks: the detail pane's timeline shows the read-backs of the attempt's
// verification among the call's steps (who, right or wrong, never the digits), and an older attempt of it
// leaves out those made after the next attempt was created.
func TestDetailTimelineHoldsTheReadBacks(t *testing.T) {
	stub := newStub()
	rows := makeRows(2)
	rows[0].VerificationID, rows[1].VerificationID = 7, 7 // two attempts of one verification: #2 newest
	stub.rows = rows
	stub.timeline[2] = []record.Transition{{AttemptID: 2, At: rows[0].CreatedAt, Status: "queued", Source: record.SourceCreate}}
	stub.timeline[1] = []record.Transition{{AttemptID: 1, At: rows[1].CreatedAt, Status: "queued", Source: record.SourceCreate}}
	stub.checks = map[int64][]record.Check{7: {
		{VerificationID: 7, At: rows[0].CreatedAt.Add(20 * time.Second), Operator: "bob", OK: false},
		{VerificationID: 7, At: rows[0].CreatedAt.Add(40 * time.Second), Operator: "alice", OK: true},
	}}
	m := newUnitModel(t, stub, 140, 40)
	m.Update(startedWith(rows))
	send(m, keyTab)
	m.Update(await[timelineMsg](t, send(m, timelineDueMsg{req: m.detail.seq, attemptID: 2})))
	tl, _ := m.detail.Timeline(2)
	if v := m.View(); !strings.Contains(v, "✗ read-back") || !strings.Contains(v, "✓ read-back") || len(tl) != 3 ||
		tl[1].Detail != "wrong digits, by bob" || tl[2].Detail != "right digits, by alice" {
		t.Fatalf("the newest attempt's timeline lacks the read-backs: %+v\n%s", tl, v)
	}
	// The history shows the verification on one line: unfold its calls (#2, then #1) and go to #1.
	m.Update(await[historyAttemptsMsg](t, send(m, tea.KeyMsg{Type: tea.KeyRight})))
	send(m, keyDown, keyDown)
	m.Update(await[timelineMsg](t, send(m, timelineDueMsg{req: m.detail.seq, attemptID: 1})))
	if tl, _ := m.detail.Timeline(1); len(tl) != 1 {
		t.Fatalf("the older attempt's timeline holds read-backs made after the next attempt: %+v", tl)
	}
}

// TestColleaguesReadBackHasItsCountdown: c on the row of a verification another session started opens its
// read-back with the expiry countdown, loaded from the service.
func TestColleaguesReadBackHasItsCountdown(t *testing.T) {
	stub := newStub()
	rows := makeRows(3)
	rows[0].VerificationStatus, rows[0].Outcome, rows[0].CreatedAt = "awaiting-code", "delivered", testStart.Add(-time.Minute)
	stub.rows = rows
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	cmd := send(m, runes("c"))
	if m.Focus() != "code" || strings.Contains(m.View(), "expires in") {
		t.Fatalf("c: focus %s\n%s", m.Focus(), m.View())
	}
	m.Update(await[expiryMsg](t, cmd))
	if !strings.Contains(m.View(), "Read-back for "+record.MaskNumber(rows[0].Number)+" · expires in 4:00") {
		t.Fatalf("no countdown on a colleague's read-back:\n%s", m.View())
	}
}

// TestStartUpWarningsAreShownInTheConsole: warnings handed to the console appear on its status bar once it
// has loaded, wrapped whole.
func TestStartUpWarningsAreShownInTheConsole(t *testing.T) {
	m := New(newStub(), Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return testStart }, Warnings: []string{"call.expiry 20s is shorter than the ring timeout"}})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(startedMsg{})
	if !strings.Contains(m.View(), "warning: call.expiry 20s is shorter than the ring timeout") {
		t.Fatalf("the warning is not on screen:\n%s", m.View())
	}
}

// TestNoticeSaysAColleagueIsReadingItBack: the notice of a delivered call whose read-back a colleague has
// open names them, so two operators do not read the same customer's code back.
func TestNoticeSaysAColleagueIsReadingItBack(t *testing.T) {
	hub := presence.NewLocal(clock.NewFake(testStart))
	seat := hub.Join(record.Operator{Name: "alice"})
	m := New(newStub(), Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return testStart }, Presence: seat})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 24})
	m.Update(startedMsg{})
	a, v := placeMine(m, 1, testNumber)
	deliver(m, a, v)
	hub.Join(record.Operator{Name: "bob"}).ReadingBack(v.ID, testNumber)
	for len(seat.Events()) > 0 {
		m.Update(presenceMsg{ev: <-seat.Events()})
	}
	if !strings.Contains(m.View(), deliveredNotice(testNumber)+" · expires in") || !strings.Contains(m.View(), " · bob is reading back") {
		t.Fatalf("the notice does not name bob:\n%s", m.View())
	}
}
