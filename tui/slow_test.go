package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestConsoleStaysResponsiveWhileRestcommIsSlow makes every simulator request take seconds of real time and
// checks that the operator can keep typing while a call is being created: no key press waits on the network.
func TestConsoleStaysResponsiveWhileRestcommIsSlow(t *testing.T) {
	h := newHarness(t)
	tm := h.start()
	h.sim.SetFaults(sim.Faults{Latency: 5 * time.Second})
	tm.Type("+447400123450")
	h.waitFor(tm, "✓ +447400123450")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The create is still on its way to the simulator; clearing the input and typing the next number must show
	// at once anyway.
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	tm.Type("+447400123451")
	h.waitFor(tm, "✓ +447400123451")
	if n := len(h.sim.CallLog()); n != 0 {
		t.Fatalf("the screen waited for the create: the simulator already has %d calls when the typing showed", n)
	}
	// Once the create's reply is in, it must not have wiped the number typed since.
	h.waitFor(tm, "Live calls (1)", "calling +44*******450")
	h.sim.SetFaults(sim.Faults{})
	if got := h.finish(tm).dialer.Value(); got != "+447400123451" {
		t.Fatalf("the number typed during the create became %q", got)
	}
}
