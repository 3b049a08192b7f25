package verify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// TestHistoryAheadOfTheClockRefusesForOneWindowAtMost: the history holds calls stamped a year ahead (the
// clock was wrong, then corrected). With the real database, the global limit refuses for at most one window
// from the start, never until the clock catches up, and then calls flow again.
func TestHistoryAheadOfTheClockRefusesForOneWindowAtMost(t *testing.T) {
	r := newRig(t, withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.Global = policy.Limit{Count: 3, Window: time.Hour}
	}))
	ahead := r.clk.Now().AddDate(1, 0, 0)
	for i := range 5 {
		a := record.Attempt{Number: fmt.Sprintf("+44740012%04d", i), State: record.StateEnded,
			Outcome: record.OutcomeDelivered, CreatedAt: ahead, UpdatedAt: ahead, EndedAt: ahead}
		if err := r.st.InsertAttempt(context.Background(), &a); err != nil {
			t.Fatal(err)
		}
	}
	_, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RuleGlobal {
		t.Fatalf("place: %v, want a refusal by the global limit", err)
	}
	if limit := r.clk.Now().Add(time.Hour); ref.RetryAfter.After(limit) {
		t.Fatalf("try again after %v: later than one window from now (%v)", ref.RetryAfter, limit)
	}
	r.advance(time.Hour)
	if _, err := r.svc.Place(context.Background(), r.op, "+447400123450"); err != nil {
		t.Fatalf("a window later: %v", err)
	}
}
