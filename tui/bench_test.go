package tui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// benchSizes are the history sizes the budget compares: the 100,000 figure must stay within 2x of the 1,000
// one, because a session holds a window of the history and View and a cursor move only touch the rows on
// screen.
var benchSizes = []int{1000, 100000}

// benchScreens are an 80x24 terminal and a large one that shows the detail pane beside the table.
var benchScreens = [][2]int{{80, 24}, {160, 50}}

func benchModel(b *testing.B, rows, w, h int) *Model {
	b.Helper()
	stub := newStub()
	stub.rows = makeRows(rows)
	m := newUnitModel(b, stub, w, h)
	m.Update(startedWith(stub.rows))
	m.Update(keyTab) // the history has the keyboard
	// The session holds a window of the history (its first page), whatever the history's size.
	if m.Focus() != "history" || m.history.Len() != min(rows, DefaultHistoryWindow/3) || m.history.Total() != rows {
		b.Fatalf("focus %s, %d rows of %d", m.Focus(), m.history.Len(), m.history.Total())
	}
	// Start in the middle, so moves in both directions really move.
	m.history.Move(m.history.Len() / 2)
	return m
}

func BenchmarkView(b *testing.B) {
	for _, n := range benchSizes {
		for _, sc := range benchScreens {
			b.Run(fmt.Sprintf("rows=%d/%dx%d", n, sc[0], sc[1]), func(b *testing.B) {
				m := benchModel(b, n, sc[0], sc[1])
				b.ReportAllocs()
				for b.Loop() {
					if m.View() == "" {
						b.Fatal("empty view")
					}
				}
			})
		}
	}
}

func BenchmarkCursorMove(b *testing.B) {
	for _, n := range benchSizes {
		for _, sc := range benchScreens {
			b.Run(fmt.Sprintf("rows=%d/%dx%d", n, sc[0], sc[1]), func(b *testing.B) {
				m := benchModel(b, n, sc[0], sc[1])
				keys := []tea.Msg{keyDown, keyDown, keyDown, keyUp, keyUp, keyUp}
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					m.Update(keys[i%len(keys)])
					i++
				}
			})
		}
	}
}
