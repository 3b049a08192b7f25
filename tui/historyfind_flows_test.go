package tui

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/flashcall/flashcall/internal/record"
)

// seedCall is one call of a seeded verification.
type seedCall struct {
	sid     string
	outcome record.Outcome
	status  string
}

// seed stores a verification and its calls (oldest first) in the harness's database, as earlier sessions
// would have, and returns its ID.
func (h *harness) seed(number, operator string, status record.Status, at time.Time, calls ...seedCall) int64 {
	h.t.Helper()
	ctx := context.Background()
	v := record.Verification{Number: number, Country: "GB", Operator: operator, CreatedAt: at, UpdatedAt: at,
		ExpiresAt: at.Add(5 * time.Minute), Status: status, MaxChecks: 3}
	if err := h.store.CreateVerification(ctx, &v); err != nil {
		h.t.Fatal(err)
	}
	for i, c := range calls {
		t := at.Add(time.Duration(i) * time.Minute)
		a := record.Attempt{VerificationID: v.ID, CreatedAt: t, UpdatedAt: t, EndedAt: t, Operator: operator,
			Number: number, Country: "GB", From: "+447418340465", CallSID: c.sid, State: record.StateEnded,
			Status: c.status, Outcome: c.outcome, RingingSeen: true}
		if err := h.store.InsertAttempt(ctx, &a); err != nil {
			h.t.Fatal(err)
		}
	}
	return v.ID
}

// startSized runs a console session of the given size with the given history window, waits for the history
// and the texts in also (what the first page shows: the keys that act on it work once it is there), and gives
// the history the keyboard.
func (h *harness) startSized(w, ht, window int, also ...string) *teatest.TestModel {
	h.t.Helper()
	m := h.model()
	m.history.window = window
	m.cmds.history = m.history.fetchSize()
	tm := teatest.NewTestModel(h.t, m, teatest.WithInitialTermSize(w, ht))
	h.t.Cleanup(func() { _ = tm.Quit() })
	h.waitFor(tm, append([]string{"History ("}, also...)...)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	h.waitFor(tm, "▶ History (")
	return tm
}

// filterFor types a filter, applies it and waits for the title that counts its matches.
func (h *harness) filterFor(tm *teatest.TestModel, text string, matches int, also ...string) {
	h.t.Helper()
	tm.Send(runes("/"))
	h.waitFor(tm, "Filter / ")
	tm.Type(text)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, append([]string{fmt.Sprintf("▶ History (%d) · filter: %s", matches, text)}, also...)...)
	tm.Send(runes("/"))
	h.waitFor(tm, "Filter / ")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc}) // clear it for the next one
	h.waitFor(tm, "▶ History (")
}

// TestFlowFilterFindsEveryForm: "/" finds in the whole history in the database, by the last digits, by a
// whole number in any format, by operator, by SID, by result and by date; words combine with AND; a word
// that cannot be read says why and keeps the filter in force.
func TestFlowFilterFindsEveryForm(t *testing.T) {
	h := newHarness(t)
	day := testStart.Add(-48 * time.Hour)
	h.seed("+447400123450", "zelda", record.StatusVerified, day,
		seedCall{"ID0a-CA1b2c3d4e5f60718293a4b5c6d7e8f9a0", record.OutcomeBusy, "busy"},
		seedCall{"ID0a-CA99887766554433221100ffeeddccbb77", record.OutcomeDelivered, "no-answer"})
	h.seed("+447400999450", "yusuf", record.StatusFailed, day.Add(time.Hour),
		seedCall{"ID0a-CA00000000000000000000000000004e6f", record.OutcomeAnswered, "completed"})
	for i := range 30 { // the rest of a day's work, none of it ending in 3450
		h.seed(fmt.Sprintf("+4474001%05d", i), "walter", record.StatusExpired, testStart.Add(-time.Duration(30-i)*time.Minute),
			seedCall{fmt.Sprintf("ID0a-CA%032x", i+1000), record.OutcomeDelivered, "no-answer"})
	}
	tm := h.startSized(120, 30, 0, "History (32)")
	for _, f := range []struct {
		text string
		n    int
		also []string
	}{
		{"3450", 1, []string{"zelda"}}, // the last 4 digits a customer gives
		{"450", 2, nil},                // the 3 a masked number shows
		{"447400123450", 1, nil},       // whole, without its +
		{"07400123450", 1, nil},        // whole, national (default_region GB)
		{"+44 7400 123450", 1, nil},    // whole, as written down
		{"zelda", 1, nil},              // an operator
		{"op:walt", 30, nil},           // the start of an operator's name
		{"ca9988", 1, nil},             // the start of a call SID
		{"4e6f", 1, []string{"yusuf"}}, // the end of a call SID, as masked SIDs show it
		{"verified", 1, nil},           // a result
		{"busy", 1, nil},               // an outcome of any of its calls
		{"since:" + day.Format("2006-01-02") + " until:" + day.Format("2006-01-02"), 2, nil},
		{"450 yusuf", 1, nil}, // AND
		{"3450 yusuf", 0, []string{"nothing matches the filter"}},
	} {
		h.filterFor(tm, f.text, f.n, f.also...)
	}
	tm.Send(runes("/"))
	h.waitFor(tm, "Filter / ")
	tm.Type("since:yesterday")
	h.waitFor(tm, "✗ \"since:yesterday\": since: wants a date like 2026-11-30")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	h.waitFor(tm, "▶ History (32)")
	h.finish(tm)
}

// opName is the operator of seeded verification i: every one has its own, so a line names its verification.
func opName(i int) string { return fmt.Sprintf("op%04d", i) }

// TestFlowHistoryPagesFromTheDatabase: a history of 1,000 verifications is scrolled line by line past many
// windows' worth; the session pages it from the database as the cursor moves, never holding more than its
// window, and g and G reach both ends.
func TestFlowHistoryPagesFromTheDatabase(t *testing.T) {
	h := newHarness(t)
	const n = 1000
	for i := range n {
		h.seed(fmt.Sprintf("+4474009%05d", i), opName(i), record.StatusVerified, testStart.Add(-time.Duration(n-i)*time.Minute),
			seedCall{fmt.Sprintf("ID0a-CA%032x", i+1), record.OutcomeDelivered, "no-answer"})
	}
	tm := h.startSized(120, 30, 60, "History (1000)", opName(n-1))
	selected := func(i int) string { return "/>[^\n]*" + opName(i) + "/" }
	const steps = 150
	for k := 5; k <= steps; k += 5 {
		tm.Send(runes("jjjjj")) // key repeat: five in one read
		h.waitFor(tm, selected(n-1-k))
	}
	m := h.finish(tm)
	if r, _ := m.history.Selected(); r.Operator != opName(n-1-steps) {
		t.Fatalf("after %d lines down the cursor is on %s, want %s", steps, r.Operator, opName(n-1-steps))
	}
	if held := len(m.history.groups); held > 3*m.history.fetchSize() || m.history.atStart {
		t.Fatalf("the session holds %d verifications (at start %v), want at most %d and the top paged out",
			held, m.history.atStart, 3*m.history.fetchSize())
	}
	for i := 1; i < len(m.history.groups); i++ {
		if a, b := m.history.groups[i-1].v, m.history.groups[i].v; !a.CreatedAt.After(b.CreatedAt) {
			t.Fatalf("the window is out of order or has a gap at %d: %s then %s", i, a.Operator, b.Operator)
		}
	}

	h2 := newHarness(t)
	for i := range n {
		h2.seed(fmt.Sprintf("+4474009%05d", i), opName(i), record.StatusVerified, testStart.Add(-time.Duration(n-i)*time.Minute))
	}
	tm = h2.startSized(120, 30, 60, "History (1000)")
	tm.Send(runes("G"))
	h2.waitFor(tm, selected(0))
	tm.Send(runes("k"))
	h2.waitFor(tm, selected(1))
	tm.Send(runes("g"))
	h2.waitFor(tm, selected(n-1))
	m = h2.finish(tm)
	if !m.history.atStart || m.history.groups[0].v.Operator != opName(n-1) {
		t.Fatalf("g: at start %v, first %s", m.history.atStart, m.history.groups[0].v.Operator)
	}
}

// TestFlowFoldAndSort: a verification of three calls is one line that says so; → shows its calls under it
// and ← folds them again; s cycles the sort column (the header marks it) and the order follows.
func TestFlowFoldAndSort(t *testing.T) {
	h := newHarness(t)
	h.seed("+447400000111", "carol", record.StatusExpired, testStart.Add(-3*time.Hour),
		seedCall{"ID0a-CAc1", record.OutcomeDelivered, "no-answer"})
	h.seed("+447400000333", "alice", record.StatusFailed, testStart.Add(-2*time.Hour),
		seedCall{"ID0a-CAb1", record.OutcomeDelivered, "no-answer"})
	h.seed("+447400000222", "bob", record.StatusVerified, testStart.Add(-time.Hour),
		seedCall{"ID0a-CAa1", record.OutcomeBusy, "busy"},
		seedCall{"ID0a-CAa2", record.OutcomeBusy, "busy"},
		seedCall{"ID0a-CAa3", record.OutcomeDelivered, "no-answer"})
	tm := h.startSized(120, 30, 0, "History (3)", "/▸3 [^\n]*bob/", "Time▼")
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	h.waitFor(tm, "/>▾3 [^\n]*bob/", "/ · [^\n]*busy/")
	tm.Send(runes("j"))
	h.waitFor(tm, "/> · [^\n]*no-answer/")
	tm.Send(tea.KeyMsg{Type: tea.KeyLeft}) // from a call: fold, back on its verification
	h.waitFor(tm, "/>▸3 [^\n]*bob/")
	tm.Send(runes(" "))
	h.waitFor(tm, "/>▾3 [^\n]*bob/")
	tm.Send(runes(" "))
	h.waitFor(tm, "/>▸3 [^\n]*bob/")

	order := func(m *Model) []string {
		var out []string
		for _, g := range m.history.groups {
			out = append(out, g.v.Operator)
		}
		return out
	}
	tm.Send(runes("s"))
	h.waitFor(tm, "sorted by number", "Number▲")
	tm.Send(runes("s"))
	h.waitFor(tm, "sorted by result", "Result▲")
	tm.Send(runes("s"))
	h.waitFor(tm, "sorted by operator", "Operator▲", "/>[^\n]*alice/") // the page read again, cursor on top
	m := h.finish(tm)
	if got := order(m); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
		t.Fatalf("sorted by operator: %v", got)
	}

	h2 := newHarness(t)
	h2.seed("+447400000111", "carol", record.StatusExpired, testStart.Add(-3*time.Hour))
	h2.seed("+447400000333", "alice", record.StatusFailed, testStart.Add(-2*time.Hour))
	h2.seed("+447400000222", "bob", record.StatusVerified, testStart.Add(-time.Hour))
	tm = h2.startSized(120, 30, 0, "History (3)")
	tm.Send(runes("s"))
	h2.waitFor(tm, "sorted by number", "/>[^\n]*carol/")
	m = h2.finish(tm)
	if got := order(m); !slices.Equal(got, []string{"carol", "bob", "alice"}) {
		t.Fatalf("sorted by number: %v", got)
	}
}
