package tui

import (
	"slices"
	"strings"
	"testing"
)

// TestRefusedNumberIsAudited: enter on a number the console's own intake refuses places nothing, says why,
// and has the service audit the refusal (as a Place would have); enter on an empty field records nothing.
func TestRefusedNumberIsAudited(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 100, 30)
	m.Update(startedMsg{})
	if c := send(m, keyEnter); c != nil && slices.Contains(stub.Calls(), "refuse ") {
		t.Fatal("enter on an empty field was audited")
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
