package tui

import (
	"context"

	"github.com/flashcall/flashcall/internal/record"
)

// startedWith is the start-up message of a console whose service holds rows (newest first): the first page
// of them, as the stub's FindHistory pages them.
func startedWith(rows []record.HistoryRow) startedMsg {
	s := newStub()
	s.rows = rows
	res, _ := s.FindHistory(context.Background(), record.HistoryPage{Limit: DefaultHistoryWindow / 3, Count: true})
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
