package tui

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/flashcall/flashcall/internal/record"
)

// TestFlowDashboardGoldens: the whole console with the dashboard open (D from the history), at 80x24 and
// 160x50, in colour and under NO_COLOR, against goldens.
func TestFlowDashboardGoldens(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile termenv.Profile
		w, h    int
	}{
		{"80x24_color", termenv.TrueColor, 80, 24},
		{"80x24_nocolor", termenv.Ascii, 80, 24},
		{"160x50_color", termenv.TrueColor, 160, 50},
		{"160x50_nocolor", termenv.Ascii, 160, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stub := newStub()
			stub.figures = seededFigures(t)
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(tc.profile)
			r.SetHasDarkBackground(true)
			m := New(stub, Options{Operator: record.Operator{Name: "alice", Remote: "local"}, Renderer: r,
				Now: func() time.Time { return testStart }, Location: time.UTC, NoticeTTL: time.Hour})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(tc.w, tc.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("History (")) },
				teatest.WithDuration(10*time.Second))
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("D")})
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("66.7%")) },
				teatest.WithDuration(10*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
			if final.Focus() != "dashboard" {
				t.Fatalf("focus %s", final.Focus())
			}
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}
