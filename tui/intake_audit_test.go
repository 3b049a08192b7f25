package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// TestRefusedNumberIsAudited: enter on a number the console's own intake refuses places nothing, says why,
// and has the service audit the refusal (as a Place would have); enter on an empty field records nothing.
func TestRefusedNumberIsAudited(t *testing.T) {
	stub := newStub()
	m := New(stub, Options{Operator: record.Operator{Name: "alice", Remote: "local"}, Renderer: asciiRenderer(),
		Now: func() time.Time { return testStart }, Location: time.UTC, NoticeTTL: time.Millisecond})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(startedMsg{})
	runAll(send(m, keyEnter)) // every command enter on an empty field gives, run to its end
	if calls := stub.Calls(); len(calls) != 0 {
		t.Fatalf("enter on an empty field reached the service: %v", calls)
	}
	send(m, runes("+44 12"))
	await[refusedNumberMsg](t, send(m, keyEnter))
	calls := stub.Calls()
	if !slices.Contains(calls, "refuse +44 12") {
		t.Fatalf("the refusal was not handed to the service for the audit log: calls %v", calls)
	}
	for _, c := range calls {
		if strings.HasPrefix(c, "place") {
			t.Fatalf("a refused number was placed: calls %v", calls)
		}
	}
	if !strings.Contains(m.status.Text(), "not called") {
		t.Errorf("status %q does not say the number was not called", m.status.Text())
	}
}

// runAll runs cmd and every command batched in it, one after another, to their ends (ticks included: use a
// short NoticeTTL).
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}
