package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
)

// session runs a console session of name on the harness's service with a seat on hub, as flashcall serve
// gives each SSH session, and waits until it has loaded the history. The seat is left when the test ends.
func (h *harness) session(name string, hub presence.Hub) *teatest.TestModel {
	h.t.Helper()
	op := record.Operator{Name: name, Remote: "192.0.2.7:50000", Role: record.RoleOperator}
	seat := hub.Join(op)
	m := New(h.svc, Options{
		Operator: op, Renderer: asciiRenderer(), Now: h.clk.Now, Location: time.UTC,
		NoticeTTL: time.Hour, Served: true, Presence: seat,
	})
	tm := teatest.NewTestModel(h.t, m, teatest.WithInitialTermSize(100, 30))
	h.t.Cleanup(func() { _ = tm.Quit(); seat.Leave() })
	h.waitFor(tm, "History (")
	return tm
}

// TestFlowTwoSessionsSeeEachOthersChecksAndPresence: alice and bob share one service and one presence hub.
// Each sees who is connected; bob sees that alice is reading back her customer's code and the wrong digits
// she checks, at once; bob opens the verification (every read-back, by whom, right or wrong) and reads back
// the right digits from there, with its countdown; alice sees him reading back and his check.
func TestFlowTwoSessionsSeeEachOthersChecksAndPresence(t *testing.T) {
	h := newHarness(t)
	hub := presence.NewLocal(h.clk)
	alice := h.session("alice", hub)
	bob := h.session("bob", hub)
	masked := record.MaskNumber(testNumber)

	// bob lists who is connected, from the history.
	bob.Send(tea.KeyMsg{Type: tea.KeyTab})
	bob.Send(runes("w"))
	h.waitFor(bob, "Connected (2)", "alice 192.0.2.7:50000", "bob (you)")

	tm := alice
	tm.Type(testNumber)
	h.waitFor(tm, "✓ "+testNumber)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, "Live calls (1)")
	h.advance(time.Duration(flowTimeout)*time.Second + 2*flowPollInterval)
	h.readBack(tm, testNumber, "Live calls (0)")

	// On bob's screen, whatever he looks at: alice is reading back.
	h.waitFor(bob, "◆ alice is reading back "+masked, "reading back "+masked+" (#1)")

	code := h.code(testNumber)
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	tm.Type(wrong)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(tm, "✗ wrong digits: 2 checks left")
	h.waitFor(bob, "alice checked "+masked+": ✗ wrong digits, 2 checks left")

	// bob opens the verification from its history row: alice's read-back is in it, never the digits.
	bob.Send(tea.KeyMsg{Type: tea.KeyEsc})
	bob.Send(runes("i"))
	seen := h.waitFor(bob, "Verification #1 · "+masked, "Read-backs (1)", "/alice +✗ wrong/", "alice is reading back", "expires in", "✗ read-back")
	if containsDigits(seen, wrong) {
		t.Fatalf("the digits alice typed are on bob's screen:\n%s", seen)
	}

	// From the view, bob reads the code back himself: a colleague's verification, with its countdown.
	bob.Send(runes("c"))
	h.waitFor(bob, "Read-back for "+masked+" · expires in")
	// alice's read-back of it is still open: she sees bob on it too.
	h.waitFor(tm, "◆ bob is reading back "+masked, "bob reading it back too")
	bob.Type(code)
	bob.Send(tea.KeyMsg{Type: tea.KeyEnter})
	h.waitFor(bob, masked+" is verified")
	h.waitFor(tm, "bob checked "+masked+": ✓ right digits, verified")

	mb := h.finish(bob)
	ma := h.finish(tm)
	if v := h.verification(testNumber); v.Status != record.StatusVerified || v.Checks != 2 {
		t.Fatalf("verification %s after %d checks, want verified after 2", v.Status, v.Checks)
	}
	if checks := h.auditOf(record.AuditCodeChecked); len(checks) != 2 {
		t.Fatalf("%d checks audited, want 2", len(checks))
	}
	if mb.code.open || ma.code.open {
		t.Fatal("a read-back stayed open after the verification ended")
	}
}

// containsDigits reports whether digits appear in the screen text as typed digits (a code field or a
// log line), not as part of a longer number.
func containsDigits(screen, digits string) bool {
	for i := 0; i+len(digits) <= len(screen); i++ {
		if screen[i:i+len(digits)] != digits {
			continue
		}
		before := i == 0 || screen[i-1] < '0' || screen[i-1] > '9'
		after := i+len(digits) == len(screen) || screen[i+len(digits)] < '0' || screen[i+len(digits)] > '9'
		if before && after {
			return true
		}
	}
	return false
}
