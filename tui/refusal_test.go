package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

func TestRefusalIsShownVerbatimAndTheBlockedAttemptListed(t *testing.T) {
	stub := newStub()
	ref := &policy.Refusal{Rule: policy.RulePerNumber, Reason: "3 calls to this number within 10m",
		RetryAfter: testStart.Add(9*time.Minute + 30*time.Second)}
	stub.placeErr = ref
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	typeText(m, testNumber)
	cmd := send(m, keyEnter)
	// The service records the refusal as a blocked attempt and reports it before it answers.
	blocked := record.Attempt{ID: 4, VerificationID: 2, Number: testNumber, Country: "GB", State: "blocked",
		CreatedAt: testStart, UpdatedAt: testStart, EndedAt: testStart, Error: ref.Error()}
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventAttempt, Attempt: blocked,
		Verification: record.Verification{ID: 2, Number: testNumber, Status: "awaiting-code", UpdatedAt: testStart}}})
	m.Update(await[placedMsg](t, cmd))

	if got := m.status.Text(); got != ref.Error() {
		t.Fatalf("status %q, want the refusal as it is: %q", got, ref.Error())
	}
	view := m.View()
	// Wrapped, not cut: the rule and when to try again are both on screen.
	flat := strings.Join(strings.Fields(view), " ")
	if !strings.Contains(view, "✗ refused by policy.limit_per_number") || !strings.Contains(flat, "try again after 2025-03-14 09:39:30 UTC") {
		t.Fatalf("the refusal is not shown whole:\n%s", view)
	}
	if m.dialer.Value() != "" {
		t.Fatalf("a refused number stays in the input, where the next number would be typed onto it: %q", m.dialer.Value())
	}
	if rows := linesWith(view, testMasked); len(rows) != 1 || !regexp.MustCompile(`blocked +blocked`).MatchString(rows[0]) {
		t.Fatalf("the blocked attempt is not listed as blocked:\n%s", view)
	}
	if strings.Contains(view, "awaiting-code") {
		t.Fatal("a blocked retry shows its verification's status as its result")
	}

	// The detail pane leads with the refusal, whole.
	send(m, keyTab, keyEnter)
	view = m.View()
	flat = strings.Join(strings.Fields(view), " ")
	if !strings.Contains(view, "blocked refused by policy.limit_per_number") || !strings.Contains(flat, "try again after 2025-03-14 09:39:30 UTC attempt #4") ||
		!strings.Contains(view, "result blocked (verification awaiting-code)") {
		t.Fatalf("the detail pane does not give the reason:\n%s", view)
	}

	// A long notice takes more lines, and the screen still fits the window exactly.
	if m.lay.statusH < 2 || len(strings.Split(view, "\n")) != 24 {
		t.Fatalf("status lines %d, view lines %d", m.lay.statusH, len(strings.Split(view, "\n")))
	}
	m.Update(clearNoticeMsg{id: m.status.id})
	if m.lay.statusH != 1 {
		t.Fatalf("the status bar keeps %d lines after the notice cleared", m.lay.statusH)
	}
}

func TestRetryOfAnOpenVerificationIsSaid(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedMsg{})
	typeText(m, testNumber)
	a := record.Attempt{ID: 7, VerificationID: 3, Number: testNumber, From: "+447418340466", State: "live", Status: "queued", CreatedAt: testStart, UpdatedAt: testStart}
	stub.placeRes = verify.Result{Attempt: a, Verification: record.Verification{ID: 3, Number: testNumber, Status: "calling"}, Retry: true}
	m.Update(await[placedMsg](t, send(m, keyEnter)))
	if got, want := m.status.Text(), "retry of the open verification: calling "+testMasked+" again from +44741834••••"; got != want {
		t.Fatalf("status %q, want %q", got, want)
	}
}
