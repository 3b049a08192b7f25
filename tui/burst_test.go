package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// TestNumbersTypedWhilePlacing: enter empties the field at once, so numbers typed and entered while earlier
// creates are on their way are each placed, none typed onto another; the replies coming back later touch
// nothing the operator is typing.
func TestNumbersTypedWhilePlacing(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 100, 30)
	var pending []placedMsg
	for _, n := range []string{"+447400123450", "+447400123461", "+447400123472"} {
		typeText(m, n)
		if !m.keys.Call.Enabled() {
			t.Fatalf("enter is not offered for %s while %d creates are in flight", n, m.placing)
		}
		pending = append(pending, await[placedMsg](t, send(m, keyEnter)))
		if v := m.dialer.Value(); v != "" {
			t.Fatalf("the field still holds %q after enter", v)
		}
	}
	typeText(m, "+4474")
	for _, p := range pending {
		m.Update(p)
	}
	if got := strings.Join(stub.Calls(), ","); got != "place +447400123450,place +447400123461,place +447400123472" {
		t.Fatalf("calls %s", got)
	}
	if m.dialer.Value() != "+4474" || m.placing != 0 {
		t.Fatalf("after the replies: field %q, %d in flight", m.dialer.Value(), m.placing)
	}
}

// TestRefusedNumberIsNotGivenBack: a number the policy refused is not put back into the field (it would be
// refused again, and the next number typed onto it); the status bar says why.
func TestRefusedNumberIsNotGivenBack(t *testing.T) {
	stub := newStub()
	stub.placeErr = &policy.Refusal{Rule: "policy.limit_per_number", Reason: "3 calls to this number in 10m"}
	m := newUnitModel(t, stub, 100, 30)
	typeText(m, "+447400123450")
	m.Update(await[placedMsg](t, send(m, keyEnter)))
	if v := m.dialer.Value(); v != "" {
		t.Fatalf("a refused number was given back: %q", v)
	}
	if !strings.Contains(m.status.Text(), "limit_per_number") {
		t.Fatalf("status %q does not name the rule", m.status.Text())
	}
}

// TestRepliesInAnyOrderAllShow: the replies to several placements in flight come back in any order; each new
// verification is shown, where its ID puts it, however late its reply comes.
func TestRepliesInAnyOrderAllShow(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 100, 30)
	rows := makeRows(5)                                       // verifications 5 (newest) to 1
	m.Update(startedWith(rows[2:]))                           // the window shows 3, 2, 1
	for _, r := range []record.HistoryRow{rows[0], rows[1]} { // 5's reply first, then 4's
		v := record.Verification{ID: r.VerificationID, Number: r.Number, Country: r.Country, CreatedAt: r.CreatedAt,
			Status: record.StatusCalling, MaxChecks: 3}
		a := r.Attempt
		a.State = record.StateLive
		m.Update(placedMsg{input: a.Number, number: a.Number, res: verify.Result{Verification: v, Attempt: a}})
	}
	var got []int64
	for _, r := range shownRows(m) {
		got = append(got, r.VerificationID)
	}
	if !slices.Equal(got, []int64{5, 4, 3, 2, 1}) {
		t.Fatalf("history shows verifications %v, want 5 4 3 2 1", got)
	}
}
