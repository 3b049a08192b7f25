package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// drawnAfresh is the screen as m would draw it with nothing kept from earlier frames.
func drawnAfresh(m *Model) string {
	cp := *m
	cp.header.drawn = nil
	cp.dialer.idle = nil
	cp.history.drawnRows, cp.history.drawnHead = nil, nil
	cp.detail.drawn = nil
	cp.help.short = nil
	return cp.View()
}

// What the memos give back is always what a fresh draw gives: through events on rows in view, a new live
// call, moves, folds, a timeline arriving, focus changes, typing and clearing a number, resizes and a day
// passing (rows of another day show their date).
func TestMemosDrawWhatAFreshDrawDoes(t *testing.T) {
	now := testStart
	stub := newStub()
	stub.rows = makeRows(120)
	m := New(stub, Options{
		Operator: record.Operator{Name: "alice", Remote: "local", Role: record.RoleSupervisor},
		Renderer: asciiRenderer(), Now: func() time.Time { return now }, Location: time.UTC,
	})
	top := stub.rows[0]
	changed := top
	changed.Status, changed.Outcome, changed.UpdatedAt = "busy", record.OutcomeBusy, top.UpdatedAt.Add(time.Minute)
	live := record.Attempt{ID: 500, VerificationID: 500, Number: "+447400123450", State: record.StateLive,
		Status: "ringing", CreatedAt: now, UpdatedAt: now}
	steps := []struct {
		name string
		msg  tea.Msg
		then func()
	}{
		{name: "size", msg: tea.WindowSizeMsg{Width: 160, Height: 50}},
		{name: "history", msg: startedWith(stub.rows)},
		{name: "to the history", msg: keyTab},
		{name: "down", msg: keyDown},
		{name: "down again", msg: keyDown},
		{name: "up", msg: keyUp},
		{name: "timeline", msg: timelineMsg{req: m.detail.seq, attemptID: stub.rows[1].ID,
			items: []record.Transition{{AttemptID: stub.rows[1].ID, At: now, Status: "ringing", Source: "poll"}}}},
		{name: "a row changes", msg: eventMsg{ev: verify.Event{Kind: verify.EventAttempt, At: now, Attempt: changed.Attempt}}},
		{name: "a call goes live", msg: eventMsg{ev: verify.Event{Kind: verify.EventAttempt, At: now, Attempt: live}}},
		{name: "focus back", msg: keyTab},
		{name: "focus on", msg: keyTab},
		{name: "narrow", msg: tea.WindowSizeMsg{Width: 100, Height: 30}},
		{name: "a day later", msg: tea.WindowSizeMsg{Width: 100, Height: 30}, then: func() { now = now.Add(24 * time.Hour) }},
		{name: "the input", msg: keyTab},
		{name: "typing", msg: runes("+44")},
		{name: "cleared", msg: tea.KeyMsg{Type: tea.KeyBackspace}},
		{name: "cleared all", msg: tea.KeyMsg{Type: tea.KeyBackspace}},
		{name: "empty", msg: tea.KeyMsg{Type: tea.KeyBackspace}},
		{name: "wide", msg: tea.WindowSizeMsg{Width: 200, Height: 60}},
	}
	for _, s := range steps {
		if s.then != nil {
			s.then()
		}
		m.Update(s.msg)
		got := m.View()
		if want := drawnAfresh(m); got != want {
			t.Fatalf("after %s the kept pieces drew\n%s\nwhere a fresh draw gives\n%s", s.name, got, want)
		}
		if again := m.View(); again != got {
			t.Fatalf("after %s a second frame differs from the first", s.name)
		}
	}
}
