package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// withCostCap prices calls at 0.01 each and 0.05 an answered minute, capped at 0.60 a day: a call whose
// outcome is not known yet may cost 0.06, so 10 such calls use the cap up.
func withCostCap(t *testing.T) func(*Settings) {
	return withRules(t, func(p *policy.Rules) {
		noLimits(p)
		p.Cost = policy.Cost{PerCall: 10_000, PerMinute: 50_000, Currency: "EUR", DailyCap: 600_000}
	})
}

// spentToday prices the rig's history by hand: every call placed at 0.01, each answered call's minutes
// (rounded up, at least one) and each call not over yet (one minute) at 0.05; in millionths.
func spentToday(t *testing.T, r *rig) policy.Money {
	t.Helper()
	rows, err := r.st.History(context.Background(), store.HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var m policy.Money
	for _, a := range rows {
		if a.State == record.StateBlocked || a.State == record.StateNotPlaced {
			continue
		}
		m += 10_000
		switch {
		case a.Outcome == record.OutcomeAnswered:
			m += 50_000 * policy.Money(max(1, (a.Duration+59)/60))
		case a.Outcome == "" || a.Outcome == record.OutcomeUnknown:
			m += 50_000
		}
	}
	return m
}

// TestCostCapHoldsUnderParallelPlacements: 50 operators dial 50 numbers at once under a daily cost cap;
// every call is live (its worst case counts), so exactly as many reach the simulator as the cap allows and
// the rest are refused by policy.daily_cost_cap, naming the spend, the cap and midnight. Once the calls ring
// out unanswered only their price per call is left, and more calls fit, up to the cap again.
func TestCostCapHoldsUnderParallelPlacements(t *testing.T) {
	r := newRig(t, withCostCap(t))
	var numbers []string
	for i := range 50 {
		numbers = append(numbers, fmt.Sprintf("+4477%02d12345%d", i, i%4)) // 0-3: the phone rings out
	}
	placed, refused, live := dialAll(t, r.svc, numbers, "op")
	if placed != 10 || refused[policy.RuleCostCap] != 40 || live != 0 {
		t.Fatalf("placed %d, refused %v, live %d: want 10 placed and 40 refused by the cost cap", placed, refused, live)
	}
	if n := len(r.sim.CallLog()); n != 10 {
		t.Fatalf("the simulator received %d calls, want 10", n)
	}
	if m := spentToday(t, r); m > 600_000 {
		t.Fatalf("%s spent, over the cap of 0.60", m)
	}
	_, err := r.svc.Place(context.Background(), r.op, "+447799123450")
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RuleCostCap {
		t.Fatalf("one more: %v, want the cost cap", err)
	}
	for _, want := range []string{"0.60 EUR spent today (10 calls, 10 answered or unsettled minutes)",
		"a call may cost up to 0.06 EUR", "the daily cost cap of 0.60 EUR", "after 2026-11-27 00:00:00 UTC"} {
		if !strings.Contains(ref.Error(), want) {
			t.Errorf("the refusal %q does not say %q", ref.Error(), want)
		}
	}
	// The calls ring out unanswered: 0.10 is spent, and 8 more calls fit under the cap (0.10 + 8 × 0.06).
	r.advance(15 * time.Second)
	if m := spentToday(t, r); m != 100_000 {
		t.Fatalf("after the calls rang out %s is spent, want 0.10", m)
	}
	// The dashboard's figures of today, priced with the service's cost, show what the cap sees.
	midnight := r.clk.Now().Truncate(24 * time.Hour)
	f, err := r.svc.Figures(context.Background(), midnight, r.clk.Now().Add(time.Nanosecond), nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.svc.Cost(); c.Spend(f.Billed.Calls, f.Billed.Minutes) != 100_000 || c.Format(c.DailyCap) != "0.60 EUR" {
		t.Fatalf("the figures price today at %s (billed %+v)", c.Format(c.Spend(f.Billed.Calls, f.Billed.Minutes)), f.Billed)
	}
	var more []string
	for i := range 20 {
		more = append(more, fmt.Sprintf("+4478%02d12345%d", i, i%4))
	}
	placed, refused, _ = dialAll(t, r.svc, more, "late")
	if placed != 8 || refused[policy.RuleCostCap] != 12 {
		t.Fatalf("after the calls ended: placed %d, refused %v; want 8 and 12 refused by the cost cap", placed, refused)
	}
	if m := spentToday(t, r); m > 600_000 {
		t.Fatalf("%s spent, over the cap of 0.60", m)
	}
}

// TestCostCapAcrossProcesses: two flashcall processes on one history dial at once; the cap holds over both.
func TestCostCapAcrossProcesses(t *testing.T) {
	edit := withCostCap(t)
	r := newRig(t, edit)
	svc2 := r.secondProcess(edit)
	var wg sync.WaitGroup
	placed := make([]int, 2)
	for i, svc := range []*Service{r.svc, svc2} {
		var numbers []string
		for j := range 15 {
			numbers = append(numbers, fmt.Sprintf("+447%d%02d12345%d", 7+i, j, j%4))
		}
		wg.Go(func() { placed[i], _, _ = dialAll(t, svc, numbers, fmt.Sprintf("p%d-", i)) })
	}
	wg.Wait()
	if placed[0]+placed[1] != 10 || len(r.sim.CallLog()) != 10 {
		t.Fatalf("placed %v, the simulator saw %d calls: want 10 in all", placed, len(r.sim.CallLog()))
	}
}
