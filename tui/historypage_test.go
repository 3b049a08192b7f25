package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// startedWith is the start-up message of a console whose service holds rows (newest first): the first page
// of them, as the stub's FindHistory pages them.
func startedWith(rows []record.HistoryRow) startedMsg {
	s := newStub()
	s.rows = rows
	res, _ := s.FindHistory(context.Background(), record.Operator{}, record.HistoryPage{Limit: DefaultHistoryWindow / 3, Count: true})
	return startedMsg{res: res}
}

// shownRows returns the rows of the history's lines in the window, in screen order: each verification's
// newest attempt, and the attempts of the unfolded ones.
func shownRows(m *Model) []record.HistoryRow {
	out := make([]record.HistoryRow, 0, m.history.Len())
	for i := range m.history.Len() {
		r, _ := m.history.rowAt(i)
		out = append(out, *r)
	}
	return out
}

// pageThrough sends a key and, while the history is loading a page, feeds the reply back, as the program
// would.
func pageThrough(t *testing.T, m *Model, k tea.KeyMsg) {
	t.Helper()
	cmd := send(m, k)
	for m.history.paging.active() {
		cmd = send(m, await[historyPageMsg](t, cmd))
	}
}

// TestHistoryWindowPagesBothWays: 300 lines down a history of 1,000 verifications and back up again, a line
// at a time; the session holds no more than its window on the way, in order and without gaps, and ends at
// the top with the top loaded again.
func TestHistoryWindowPagesBothWays(t *testing.T) {
	stub := newStub()
	stub.rows = makeRows(1000)
	m := New(stub, Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return testStart }, Location: time.UTC, HistoryLimit: 60})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(startedWith(stub.rows[:m.history.fetchSize()]))
	m.history.atEnd = false // the start-up page is a page of the thousand
	send(m, keyTab)
	sel := func() int64 { r, _ := m.history.Selected(); return r.ID }
	limit := max(60, 3*m.history.fetchSize())
	check := func(where string) {
		t.Helper()
		if n := len(m.history.groups); n > limit {
			t.Fatalf("%s: the session holds %d verifications, more than %d", where, n, limit)
		}
		for i := 1; i < len(m.history.groups); i++ {
			if a, b := m.history.groups[i-1].v.ID, m.history.groups[i].v.ID; a != b+1 {
				t.Fatalf("%s: the window jumps from %d to %d", where, a, b)
			}
		}
	}
	for i := 1; i <= 300; i++ {
		pageThrough(t, m, keyDown)
		if sel() != int64(1000-i) {
			t.Fatalf("%d down: selected %d, want %d", i, sel(), 1000-i)
		}
		check(fmt.Sprintf("%d down", i))
	}
	if m.history.atStart {
		t.Fatal("300 lines down, the top of the history is still held")
	}
	for i := 1; i <= 300; i++ {
		pageThrough(t, m, keyUp)
		if sel() != int64(700+i) {
			t.Fatalf("%d up: selected %d, want %d", i, sel(), 700+i)
		}
		check(fmt.Sprintf("%d up", i))
	}
	if !m.history.atStart || m.history.cursor != 0 {
		t.Fatalf("back at the top: at start %v, cursor %d", m.history.atStart, m.history.cursor)
	}
}

// TestHeldKeyIsNotLostAtTheWindowEdge: 100 lines down in one read (a held key, SSH batching) from a window of
// 20 lines: the lines past its edge are moved as the pages load, none lost.
func TestHeldKeyIsNotLostAtTheWindowEdge(t *testing.T) {
	stub := newStub()
	stub.rows = makeRows(1000)
	m := New(stub, Options{Operator: record.Operator{Name: "alice"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return testStart }, Location: time.UTC, HistoryLimit: 60})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(startedWith(stub.rows[:m.history.fetchSize()]))
	m.history.atEnd = false // the start-up page is a page of the thousand
	send(m, keyTab)
	cmd := send(m, runes(strings.Repeat("j", 100)))
	if m.history.Len() >= 100 {
		t.Fatalf("the window holds %d lines already: the test needs a smaller one", m.history.Len())
	}
	for m.history.paging.active() {
		cmd = send(m, await[historyPageMsg](t, cmd))
	}
	if r, _ := m.history.Selected(); r.ID != 900 {
		t.Fatalf("100 lines down selected %d, want 900", r.ID)
	}
	// And back up past the top of the window, in one read too.
	cmd = send(m, runes(strings.Repeat("k", 99)))
	for m.history.paging.active() {
		cmd = send(m, await[historyPageMsg](t, cmd))
	}
	if r, _ := m.history.Selected(); r.ID != 999 {
		t.Fatalf("99 lines back up selected %d, want 999", r.ID)
	}
}
