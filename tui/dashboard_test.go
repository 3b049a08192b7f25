package tui

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/stats/statstest"
)

// seededFigures are the figures of statstest's hand-counted day, by country, with the day's hours.
func seededFigures(t *testing.T) stats.Figures {
	t.Helper()
	f, err := stats.Compute(context.Background(), statstest.SQLite(t), statstest.Day, statstest.Day.AddDate(0, 0, 1), stats.Options{
		By: []stats.Dimension{stats.ByCountry, stats.ByHour}, CodeDigits: 4})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestDashboardGoldens: the dashboard of the hand-counted day at 80x24 and 160x50, in colour and under
// NO_COLOR (every figure is a number, so it reads the same without colour), and exactly the size it is given.
func TestDashboardGoldens(t *testing.T) {
	f := seededFigures(t)
	data := dashboardData{Figures: f, Window: stats.Today, By: stats.ByCountry, Live: 1, Operators: 2}
	for _, tc := range []struct {
		name    string
		profile termenv.Profile
		w, h    int
	}{
		{"80x24_color", termenv.TrueColor, 80, 22},
		{"80x24_nocolor", termenv.Ascii, 80, 22},
		{"160x50_color", termenv.TrueColor, 160, 48},
		{"160x50_nocolor", termenv.Ascii, 160, 48},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(tc.profile)
			r.SetHasDarkBackground(true)
			d := newDashboard(NewStyles(r), nil)
			d.SetSize(tc.w, tc.h)
			d.SetData(data)
			view := d.View()
			lines := strings.Split(view, "\n")
			if len(lines) != tc.h {
				t.Fatalf("%d lines, want %d", len(lines), tc.h)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != tc.w {
					t.Fatalf("line %d is %d cells wide, want %d: %q", i, w, tc.w, l)
				}
			}
			plain := ansi.Strip(view)
			for _, want := range []string{"verifications", "5", "66.7%", "16.7%", "40.0%", "2m0s", "GB", "FR",
				"live now: 1 call(s) · 2 operator(s)"} {
				if !strings.Contains(plain, want) {
					t.Errorf("the dashboard lacks %q:\n%s", want, plain)
				}
			}
			if tc.profile == termenv.Ascii && strings.Contains(view, "\x1b[") {
				t.Error("escape sequences under NO_COLOR")
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}
