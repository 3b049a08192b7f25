package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/stats"
)

// TestDashboardPricesTheWindow: with prices configured the dashboard has a cost tile, the window's calls and
// billed minutes priced as the daily cost cap prices them; over today it names the cap and warns from four
// fifths of it; with nothing priced there is no tile.
func TestDashboardPricesTheWindow(t *testing.T) {
	stub := newStub()
	stub.figures = seededFigures(t)
	stub.figures.Billed = stats.Billed{Calls: 7, Minutes: 3} // 7 × 0.05 + 3 × 0.20 = 0.95
	stub.cost = policy.Cost{PerCall: 50_000, PerMinute: 200_000, Currency: "EUR", DailyCap: policy.MoneyUnit}
	m := newUnitModel(t, stub, 120, 34)
	m.Update(startedWith(makeRows(2)))
	send(m, keyTab)
	m.Update(await[figuresMsg](t, send(m, runes("D"))))
	if v := m.View(); !strings.Contains(v, "cost ") || !strings.Contains(v, "0.95 EUR") || strings.Contains(v, "cost (cap") {
		t.Fatalf("the last hour's cost tile:\n%s", v)
	}
	m.Update(await[figuresMsg](t, send(m, runes("t"))))
	d := m.dash.view
	// Styles of their own colours: the test's renderer resolves every colour away (NO_COLOR).
	d.styles.Bad = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	d.styles.Text = lipgloss.NewStyle().Foreground(lipgloss.Color("7"))
	if tl := d.costTile(stub.cost, stub.figures.Billed); tl.label != "cost (cap 1.00)" || tl.value != "0.95 EUR" {
		t.Fatalf("today's cost tile %q %q", tl.label, tl.value)
	} else if tl.style.GetForeground() != d.styles.Bad.GetForeground() {
		t.Error("0.95 of a 1.00 cap is not shown as a warning")
	}
	if tl := d.costTile(stub.cost, stats.Billed{Calls: 1}); tl.style.GetForeground() == d.styles.Bad.GetForeground() {
		t.Error("0.05 of a 1.00 cap is shown as a warning")
	}
	stub.cost = policy.Cost{}
	m.Update(await[figuresMsg](t, send(m, runes("t"))))
	if v := m.View(); strings.Contains(v, "cost") {
		t.Fatalf("a cost tile with nothing priced:\n%s", v)
	}
}
