package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// fullDigits is the part of the test number that only a full (unmasked) number shows.
const (
	testNumber = "+447400123450"
	testMasked = "+44*******450"
	fullDigits = "7400123450"
)

func TestMaskHelpers(t *testing.T) {
	if got := shownNumber(testNumber); got != testMasked {
		t.Errorf("shownNumber = %q", got)
	}
	if got := shownNumber(""); got != "anonymised" {
		t.Errorf("an anonymised number shows as %q", got)
	}
	got := record.MaskIn("Restcomm: To +447400123450 (447400123450) is not reachable", testNumber)
	if strings.Contains(got, fullDigits) || !strings.Contains(got, testMasked) || !strings.Contains(got, "(44*******450)") {
		t.Errorf("maskIn = %q", got)
	}
}

// TestPlacedNumberIsMaskedOnEveryScreen places a call and follows it to the read-back on a screen large
// enough for every pane: no line shows the number in full, every place that names it shows it masked.
func TestPlacedNumberIsMaskedOnEveryScreen(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 140, 44) // the detail pane is on screen too
	m.Update(startedMsg{})
	typeText(m, testNumber)
	if !strings.Contains(m.View(), "✓ "+testNumber) {
		t.Fatal("the number being typed is not shown as typed")
	}
	cmd := send(m, keyEnter)
	if !strings.Contains(m.status.Text(), "placing a call to "+testMasked) {
		t.Fatalf("placing notice %q", m.status.Text())
	}
	a := record.Attempt{ID: 1, VerificationID: 1, Number: testNumber, Country: "GB", From: "+447418340465", State: "live",
		Status: "queued", CreatedAt: testStart, UpdatedAt: testStart,
		Error: "Restcomm said: the number +447400123450 answered slowly"}
	v := record.Verification{ID: 1, Number: testNumber, Status: "calling", MaxChecks: 3, UpdatedAt: testStart, ExpiresAt: testStart.Add(5 * time.Minute)}
	stub.placeRes = verify.Result{Attempt: a, Verification: v}
	m.Update(await[placedMsg](t, cmd))

	screens := map[string]string{"after the call was placed": m.View()}
	if !strings.Contains(m.status.Text(), "calling "+testMasked) {
		t.Fatalf("placed notice %q", m.status.Text())
	}
	a.State, a.Status, a.Outcome, a.UpdatedAt = "ended", "no-answer", "delivered", testStart.Add(12*time.Second)
	v.Status, v.UpdatedAt = "awaiting-code", a.UpdatedAt
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: a, Verification: v}})
	screens["at the notice"] = m.View()
	send(m, runes("c"))
	screens["at the read-back"] = m.View()

	for when, view := range screens {
		if strings.Contains(view, fullDigits) {
			t.Fatalf("%s the full number is on screen:\n%s", when, view)
		}
	}
	if !strings.Contains(screens["at the notice"], testMasked+" delivered: press c") {
		t.Errorf("the notice does not show the masked number:\n%s", screens["at the notice"])
	}
	view := screens["at the read-back"]
	for _, want := range []string{
		"Read-back for " + testMasked,   // the code entry
		"number " + testMasked,          // the detail pane
		">   09:30:00 " + testMasked,    // the history row
		testMasked + " answered slowly", // an error quoting the number
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the screen lacks %q:\n%s", want, view)
		}
	}
	if live := linesWith(screens["after the call was placed"], "ring -/10s"); len(live) != 1 || !strings.Contains(live[0], testMasked) {
		t.Errorf("the live call does not show the masked number:\n%s", screens["after the call was placed"])
	}
}

// revealModel is a console at 80x24 whose two newest rows are attempts to the same number, with the
// history focused on the newest; the stub reveals that number.
func revealModel(t *testing.T, stub *stubService) (*Model, []record.HistoryRow) {
	t.Helper()
	rows := makeRows(6)
	rows[0].Number, rows[1].Number = testNumber, testNumber
	rows[2].Number = "" // anonymised by the retention policy
	stub.revealed = map[int64]string{rows[0].ID: testNumber, rows[1].ID: testNumber}
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(rows))
	send(m, keyTab)
	return m, rows
}

// linesWith returns the lines of view that contain s.
func linesWith(view, s string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

func count(calls []string, prefix string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestRevealShowsTheSelectedRowOnly(t *testing.T) {
	stub := newStub()
	m, _ := revealModel(t, stub)
	if got := len(linesWith(m.View(), testMasked)); got != 2 || strings.Contains(m.View(), fullDigits) {
		t.Fatalf("before the reveal: %d masked rows, full number shown %v", got, strings.Contains(m.View(), fullDigits))
	}
	if !slices.Contains(enabledHelp(m.Keys()), "v reveal number") {
		t.Fatalf("reveal not offered on a row with a number: %v", enabledHelp(m.Keys()))
	}
	cmd := send(m, runes("v"))
	if m.keys.Reveal.Enabled() {
		t.Fatal("reveal offered again while the first is on its way")
	}
	send(m, runes("v")) // ignored: the binding is off
	msg := await[revealedMsg](t, cmd)
	if n := count(stub.Calls(), "reveal"); n != 1 {
		t.Fatalf("the service was asked %d times for one reveal: %v", n, stub.Calls())
	}
	m.Update(msg)
	view := m.View()
	full := linesWith(view, testNumber)
	if len(full) != 1 || !strings.HasPrefix(full[0], "> ") {
		t.Fatalf("the full number shows on %d lines, want the selected row only:\n%s", len(full), view)
	}
	if len(linesWith(view, testMasked)) != 1 {
		t.Fatalf("the other attempt to the same number is not masked any more:\n%s", view)
	}
	if !strings.Contains(m.status.Text(), "recorded in the audit log") || strings.Contains(m.status.Text(), fullDigits) {
		t.Fatalf("reveal notice %q", m.status.Text())
	}
	if !slices.Contains(enabledHelp(m.Keys()), "v hide number") {
		t.Fatalf("help does not offer to hide the revealed number: %v", enabledHelp(m.Keys()))
	}
	// The detail pane of that row shows it too, and only there.
	send(m, keyEnter)
	if got := len(linesWith(m.View(), testNumber)); got != 2 {
		t.Fatalf("with the details open the full number is on %d lines, want the row and its details:\n%s", got, m.View())
	}
	send(m, keyEnter)

	// Moving the cursor hides it, and coming back does not show it again.
	send(m, keyDown)
	if strings.Contains(m.View(), fullDigits) {
		t.Fatalf("the revealed number stays after the cursor moved:\n%s", m.View())
	}
	send(m, keyUp)
	if strings.Contains(m.View(), fullDigits) || m.history.revealNumber != "" {
		t.Fatal("the number came back without a new reveal")
	}

	// v on a revealed row hides it again.
	m.Update(await[revealedMsg](t, send(m, runes("v"))))
	send(m, runes("v"))
	if strings.Contains(m.View(), fullDigits) {
		t.Fatal("v did not hide the revealed number")
	}

	// The time limit hides it; a tick from an older reveal does not.
	m.Update(await[revealedMsg](t, send(m, runes("v"))))
	m.Update(hideRevealMsg{seq: m.revealSeq - 1})
	if !strings.Contains(m.View(), testNumber) {
		t.Fatal("a stale hide tick hid the current reveal")
	}
	m.Update(hideRevealMsg{seq: m.revealSeq})
	if strings.Contains(m.View(), fullDigits) {
		t.Fatal("the revealed number outlived its time")
	}

	// A reply that arrives after the cursor left the row is not shown anywhere.
	cmd = send(m, runes("v"))
	send(m, keyDown)
	m.Update(await[revealedMsg](t, cmd))
	if strings.Contains(m.View(), fullDigits) {
		t.Fatalf("a late reveal showed on another row:\n%s", m.View())
	}
	if n := count(stub.Calls(), "reveal"); n != 4 {
		t.Fatalf("%d reveals asked of the service, want 4", n)
	}
}

func TestAnonymisedRowCannotBeRevealed(t *testing.T) {
	stub := newStub()
	m, rows := revealModel(t, stub)
	send(m, keyDown, keyDown)
	if sel, _ := m.history.Selected(); sel.ID != rows[2].ID {
		t.Fatalf("selected %d", sel.ID)
	}
	if !strings.Contains(m.View(), ">   09:00:04 anonymised") {
		t.Fatalf("an anonymised row does not say so:\n%s", m.View())
	}
	if m.keys.Reveal.Enabled() || slices.Contains(enabledHelp(m.Keys()), "v reveal number") {
		t.Fatal("reveal offered on an anonymised row")
	}
	send(m, runes("v"))
	if n := count(stub.Calls(), "reveal"); n != 0 {
		t.Fatalf("v on an anonymised row asked the service: %v", stub.Calls())
	}
	// A refused reveal (the row was anonymised meanwhile) keeps the number hidden and says why.
	send(m, keyUp)
	delete(stub.revealed, rows[1].ID)
	m.Update(await[revealedMsg](t, send(m, runes("v"))))
	if strings.Contains(m.View(), fullDigits) || !strings.Contains(m.status.Text(), "number not revealed: this attempt's number was removed") {
		t.Fatalf("refused reveal: status %q", m.status.Text())
	}
}
