package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// auditEntries builds n entries, newest first, as the service returns them.
func auditEntries(n int) []record.AuditEntry {
	out := make([]record.AuditEntry, n)
	for i := range out {
		id := int64(n - i)
		out[i] = record.AuditEntry{ID: id, At: testStart.Add(time.Duration(id) * time.Second), Operator: "alice",
			Remote: "192.0.2.7:50022", Action: record.AuditCallPlaced, Number: "+44*******450", VerificationID: id,
			AttemptID: id, Detail: fmt.Sprintf("entry %d; from +44741834••••", id)}
	}
	return out
}

func TestAuditViewIsReadOnlyAndRefreshedWhenOpened(t *testing.T) {
	stub := newStub()
	stub.audit = auditEntries(300)
	m, _ := awaitingModel(t, stub)
	if !slices.Contains(enabledHelp(m.Keys()), "A audit log") {
		t.Fatalf("the audit log is not offered from the history: %v", enabledHelp(m.Keys()))
	}
	cmd := send(m, runes("A"))
	if m.Focus() != "audit" || !strings.Contains(m.View(), "Audit log · loading…") {
		t.Fatalf("A: focus %s\n%s", m.Focus(), m.View())
	}
	m.Update(await[auditMsg](t, cmd))
	if !slices.Contains(stub.Calls(), fmt.Sprintf("audit %d", auditLimit)) {
		t.Fatalf("calls %v", stub.Calls())
	}
	view := m.View()
	if !strings.Contains(view, "Audit log (300 newest) · read-only") || !strings.Contains(view, "Time           Operator") {
		t.Fatalf("audit view:\n%s", view)
	}
	// Only the rows that fit are drawn, newest first.
	var drawn []string
	for _, l := range linesWith(view, "call-placed") {
		if !strings.Contains(l, " · ") { // the footer, not a row
			drawn = append(drawn, l)
		}
	}
	if len(drawn) == 0 || len(drawn) > m.audit.pageRows() || !strings.HasPrefix(drawn[0], "> 03-14 09:35:00 alice") {
		t.Fatalf("%d entries drawn for %d rows:\n%s", len(drawn), m.audit.pageRows(), view)
	}
	// The footer shows the selected entry whole.
	if flat := strings.Join(strings.Fields(view), " "); !strings.Contains(flat, "2025-03-14 09:35:00 · alice from 192.0.2.7:50022 · call-placed: +44*******450 verification #300 attempt #300 entry 300") {
		t.Fatalf("the selected entry is not shown in full:\n%s", view)
	}

	// Nothing in it acts: every action key is off, and pressing them reaches no service.
	before := len(stub.Calls())
	for _, b := range []string{"c", "h", "r", "n", "x", "S", "v", "d", "i", "y"} {
		send(m, runes(b))
	}
	send(m, keyEnter, keyTab)
	if m.Focus() != "audit" || len(stub.Calls()) != before {
		t.Fatalf("keys in the audit view: focus %s, calls %v", m.Focus(), stub.Calls()[before:])
	}
	for _, h := range enabledHelp(m.Keys()) {
		if !slices.Contains([]string{"/ filter", "A close audit log", "esc back", "? help", "q quit"}, h) {
			t.Errorf("the audit view offers %q", h)
		}
	}

	// It scrolls.
	send(m, tea.KeyMsg{Type: tea.KeyEnd})
	if e, _ := m.audit.Selected(); e.ID != 1 || !strings.Contains(m.View(), "> 03-14 09:30:01") || strings.Contains(m.View(), "09:35:00") {
		t.Fatalf("end selects %d:\n%s", e.ID, m.View())
	}
	send(m, tea.KeyMsg{Type: tea.KeyPgUp}, keyUp, runes("k"))
	if e, _ := m.audit.Selected(); e.ID != int64(1+m.audit.pageRows()+2) {
		t.Fatalf("after pgup and two ups entry %d", e.ID)
	}

	// esc returns to the history; opening again loads afresh, and a late reply of an older load is dropped.
	send(m, keyEsc)
	if m.Focus() != "history" {
		t.Fatalf("esc went to %s", m.Focus())
	}
	stale := await[auditMsg](t, send(m, runes("A")))
	stub.audit = auditEntries(301)
	fresh := await[auditMsg](t, send(m, runes("A"), runes("A")))
	m.Update(fresh)
	m.Update(stale)
	if count(stub.Calls(), "audit") != 3 || m.audit.Len() != 301 {
		t.Fatalf("after reopening: %d loads, %d entries", count(stub.Calls(), "audit"), m.audit.Len())
	}
}

func TestAuditViewFitsTheWindow(t *testing.T) {
	stub := newStub()
	stub.audit = auditEntries(50)
	m, _ := awaitingModel(t, stub)
	m.Update(await[auditMsg](t, send(m, runes("A"))))
	for _, size := range [][2]int{{80, 24}, {40, 10}, {20, 5}, {200, 60}, {1, 1}, {80, 24}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
	}
}

// TestAuditViewFilters: / filters the loaded entries by every word typed (operator, action, number end,
// IDs, detail), the title says how many of how many are shown, enter keeps the filter, esc in it drops it,
// and the action column holds the longest action whole at 80 columns.
func TestAuditViewFilters(t *testing.T) {
	stub := newStub()
	stub.audit = auditEntries(30)
	stub.audit[3].Action, stub.audit[3].Operator, stub.audit[3].Detail = record.AuditNoCall, "bob", "the customer got no call"
	m, _ := awaitingModel(t, stub)
	m.Update(await[auditMsg](t, send(m, runes("A"))))
	if !strings.Contains(m.View(), "no-call-reported ") {
		t.Fatalf("the action column cuts no-call-reported:\n%s", m.View())
	}
	send(m, runes("/"))
	typeText(m, "bob no-call")
	if m.audit.Len() != 1 || !strings.Contains(m.View(), "Audit log (1 of 30 newest)") {
		t.Fatalf("filter: %d shown\n%s", m.audit.Len(), m.View())
	}
	send(m, keyEnter)
	if m.audit.Filtering() || m.audit.Len() != 1 {
		t.Fatal("enter did not keep the filter")
	}
	send(m, runes("/"), keyEsc)
	if m.audit.Len() != 30 || m.Focus() != "audit" {
		t.Fatalf("esc in the filter: %d shown, focus %s", m.audit.Len(), m.Focus())
	}
	send(m, runes("/"))
	typeText(m, "#17 ")
	if m.audit.Len() != 1 {
		t.Fatalf("filter by ID: %d shown", m.audit.Len())
	}
	send(m, runes("/"), runes("zzz"))
	if !strings.Contains(m.View(), "no entry holds") {
		t.Fatalf("an empty result says nothing:\n%s", m.View())
	}
}

// TestAuditSIDsAreShortInRowsAndWholeInTheFooter: a call SID in a row reads CA…tail, and the selected
// entry's footer holds it whole.
func TestAuditSIDsAreShortInRowsAndWholeInTheFooter(t *testing.T) {
	stub := newStub()
	const sid = "CA0123456789abcdef0123456789abcdef"
	stub.audit = []record.AuditEntry{{ID: 1, At: testStart, Operator: "alice", Remote: "local", Action: record.AuditCallPlaced,
		Number: "+44*******450", VerificationID: 1, AttemptID: 1, Detail: "call " + sid + "; from +44741834••••"}}
	m, _ := awaitingModel(t, stub)
	m.Update(await[auditMsg](t, send(m, runes("A"))))
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 24})
	view := m.View()
	if !strings.Contains(view, "call CA…abcdef;") {
		t.Fatalf("the row does not shorten the SID:\n%s", view)
	}
	if flat := strings.Join(strings.Fields(view), ""); !strings.Contains(flat, sid) {
		t.Fatalf("the footer does not hold the SID whole:\n%s", view)
	}
}
