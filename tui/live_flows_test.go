package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// TestFlowManyLiveCallsAreAllVisible: 14 calls ring at once on an 80x24 console. The live pane grows to half
// the screen, says how many calls are below, and G scrolls to the newest, so every live call is on screen at
// some point; no call line loses its ring timer.
func TestFlowManyLiveCallsAreAllVisible(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	var numbers []string
	for i := 10; i < 24; i++ {
		// Each in its own range of 10,000 numbers (the per-range limit), each ending in 0 (rings out), each
		// with its own last three digits (what the mask shows).
		numbers = append(numbers, fmt.Sprintf("+4474%02d001%02d0", i, i))
	}
	for i, n := range numbers {
		h.dialAnother(tm, n, i+1)
	}
	rows := 24/2 - 1
	// The waits so far saw the title as the 14th call joined (the screen draws only lines that change).
	if !strings.Contains(h.shown.String(), fmt.Sprintf("Live calls (14) · ↓ %d more", 14-rows)) {
		t.Fatal("the live pane never said how many calls are below")
	}
	h.advance(flowPollInterval)
	h.waitFor(tm, "ringing")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(runes("G"))
	h.waitFor(tm, fmt.Sprintf("▶ Live calls (14) · ↑ %d more", 14-rows))
	seen := h.shown.String()
	for _, n := range numbers {
		// A live row: the spinner, the number, then From (not a history row, nor the status bar).
		if !regexp.MustCompile(`\p{Braille} ` + regexp.QuoteMeta(record.MaskNumber(n)) + ` +from `).MatchString(seen) {
			t.Errorf("the live call to %s was never on screen", record.MaskNumber(n))
		}
	}
	m := h.finish(tm)
	for _, l := range linesWith(m.View(), " from +44") {
		if strings.Contains(l, "ringing") && !strings.Contains(l, "/10s") { // a live row without its timer
			t.Fatalf("a call line lost its ring timer: %q", l)
		}
	}
	if a, _ := m.live.Selected(); a.Number != numbers[len(numbers)-1] {
		t.Fatalf("G selected %s, want the newest call", a.Number)
	}
}
