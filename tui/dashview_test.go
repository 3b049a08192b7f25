package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/stats"
)

// TestDashboardScreen: D from the history opens the dashboard with the last hour's figures; t switches the
// window (today starts at midnight), b the breakdown, each read again from the service; the alarms that
// hold are on it; esc goes back where it came from. Every operator may open it.
func TestDashboardScreen(t *testing.T) {
	stub := newStub()
	stub.figures = seededFigures(t)
	stub.alarms = []alarms.Alarm{{Kind: alarms.AnsweredRate, Key: "all"}}
	m := newUnitModel(t, stub, 100, 34)
	m.Update(startedWith(makeRows(2)))
	send(m, keyTab)
	if m.Focus() != "history" {
		t.Fatalf("focus %s", m.Focus())
	}
	m.Update(await[figuresMsg](t, send(m, runes("D"))))
	v := m.View()
	if m.Focus() != "dashboard" || !strings.Contains(v, "Dashboard · last hour") || !strings.Contains(v, "66.7%") ||
		!strings.Contains(v, "1 alarm(s): answered-rate all") {
		t.Fatalf("focus %s; the dashboard:\n%s", m.Focus(), v)
	}
	want := "figures " + testStart.Add(-time.Hour).Format(time.RFC3339) + " " + testStart.Format(time.RFC3339) + " [country hour]"
	if !slices.Contains(stub.Calls(), want) {
		t.Fatalf("calls %v, want %q", stub.Calls(), want)
	}
	m.Update(await[figuresMsg](t, send(m, runes("t"))))
	midnight := time.Date(testStart.Year(), testStart.Month(), testStart.Day(), 0, 0, 0, 0, time.UTC)
	if want := "figures " + midnight.Format(time.RFC3339) + " " + testStart.Format(time.RFC3339) + " [country hour]"; !slices.Contains(stub.Calls(), want) {
		t.Fatalf("after t: calls %v, want %q", stub.Calls(), want)
	}
	m.Update(await[figuresMsg](t, send(m, runes("b"))))
	if v := m.View(); !strings.Contains(v, "Dashboard · today") || !strings.Contains(v, "by caller ID") {
		t.Fatalf("after t and b:\n%s", v)
	}
	send(m, keyEsc)
	if m.Focus() != "history" {
		t.Fatalf("esc: focus %s, want back to the history", m.Focus())
	}
	// A stale reply (the dashboard closed meanwhile) changes nothing.
	m.Update(figuresMsg{seq: m.dash.seq, f: stats.Figures{}})
	if m.Focus() != "history" {
		t.Fatalf("a late reply moved the focus to %s", m.Focus())
	}
}
