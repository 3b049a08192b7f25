package policy

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		units float64
		want  string
	}{{0, "0.00"}, {20, "20.00"}, {0.0045, "0.0045"}, {0.1, "0.10"}, {1234.5, "1234.50"}, {0.0000004, "0.00"},
		{0.0000005, "0.000001"}, {0.123456, "0.123456"}} {
		m, ok := MoneyOf(tt.units)
		if !ok || m.String() != tt.want {
			t.Errorf("MoneyOf(%v) = %s, %v; want %s", tt.units, m, ok, tt.want)
		}
	}
	for _, bad := range []float64{-0.01, math.NaN(), math.Inf(1), 2e9} {
		if _, ok := MoneyOf(bad); ok {
			t.Errorf("MoneyOf(%v) took it", bad)
		}
	}
	// Millionths add up exactly where floats would not: ten calls at 0.1 are 1.00, not 0.9999999999999999.
	c := Cost{PerCall: 100_000, Currency: "EUR"}
	if got := c.Format(c.Spend(10, 0)); got != "1.00 EUR" {
		t.Errorf("ten calls at 0.10 = %s", got)
	}
	if (Money(-1500000)).String() != "-1.50" {
		t.Errorf("negative: %s", Money(-1500000))
	}
}

func TestCostProblems(t *testing.T) {
	for _, tt := range []struct {
		cost Cost
		key  string
		want string
	}{
		{Cost{PerCall: -1}, "price_per_call", "not an amount"},
		{Cost{DailyCap: 20 * MoneyUnit}, "daily_cost_cap", "calls cost nothing"},
		{Cost{PerCall: MoneyUnit, PerMinute: MoneyUnit, DailyCap: MoneyUnit}, "daily_cost_cap", "every call would be refused"},
		{Cost{Currency: " EUR"}, "currency", "short label"},
	} {
		r := DefaultRules()
		r.Cost = tt.cost
		ps := r.Problems()
		if len(ps) != 1 || ps[0].Key != tt.key || !strings.Contains(ps[0].Message, tt.want) {
			t.Errorf("%+v: problems %v, want one of %s saying %q", tt.cost, ps, tt.key, tt.want)
		}
	}
	r := DefaultRules()
	r.Cost = Cost{PerCall: 5000, PerMinute: 20000, Currency: "EUR", DailyCap: 20 * MoneyUnit}
	if ps := r.Problems(); len(ps) != 0 {
		t.Errorf("a sound cost: %v", ps)
	}
}

func TestDailyCostCap(t *testing.T) {
	clk := clock.NewFake(limitStart) // 09:00 UTC
	// 0.02 a call and 0.10 an answered minute, capped at 1.00 a day: a call costs at most 0.12.
	cost := Cost{PerCall: 20_000, PerMinute: 100_000, Currency: "EUR", DailyCap: MoneyUnit}
	p := onlyLimit(func(r *Rules) { r.Cost = cost })
	h := &fakeHistory{calls: []fakeCall{
		{number: "+447400000001", at: limitStart.Add(-10 * time.Hour), minutes: 50}, // yesterday: not today's
	}}
	// Today so far: 5 calls, one answered for 3 minutes, one still live (its worst case, one minute): 0.10 +
	// 0.40 = 0.50 spent. Four more calls at their worst case (0.48) fit; the fifth would pass 1.00.
	for i, m := range []int{0, 3, 0, 1, 0} {
		h.calls = append(h.calls, fakeCall{number: "+44740000010" + string(rune('0'+i)), at: limitStart.Add(-time.Duration(5-i) * time.Hour), minutes: m})
	}
	for i := range 4 {
		clk.Advance(time.Minute)
		err := p.CheckLimits(context.Background(), h, Request{Number: "+447400123450", Now: clk.Now()})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		h.calls = append(h.calls, fakeCall{number: "+447400123450", at: clk.Now(), minutes: 1})
	}
	clk.Advance(time.Minute)
	err := p.CheckLimits(context.Background(), h, Request{Number: "+447400123450", Now: clk.Now()})
	midnight := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	mustRefuse(t, err, RuleCostCap, midnight, "refused by policy.daily_cost_cap: 0.98 EUR spent today (9 calls, "+
		"8 answered or unsettled minutes) and a call may cost up to 0.12 EUR, which would pass the daily cost cap of "+
		"1.00 EUR; try again in 14h55m (after 2026-11-27 00:00:00 UTC)")
	// Two of the calls end unanswered: their minute is freed, and a call fits again.
	h.calls[len(h.calls)-1].minutes, h.calls[len(h.calls)-2].minutes = 0, 0
	if err := p.CheckLimits(context.Background(), h, Request{Number: "+447400123450", Now: clk.Now()}); err != nil {
		t.Fatalf("after two calls ended unanswered: %v", err)
	}
	// The cap follows the clock's zone: in Tokyo the day began at 15:00 UTC the day before, so the call of
	// 23:00 UTC then is today's, and its 50 minutes use the cap up.
	tokyo := time.FixedZone("JST", 9*3600)
	err = p.CheckLimits(context.Background(), h, Request{Number: "+447400123450", Now: clk.Now().In(tokyo)})
	var ref *Refusal
	if !errors.As(err, &ref) || ref.Rule != RuleCostCap || !ref.RetryAfter.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, tokyo)) {
		t.Fatalf("in Tokyo: %v", err)
	}
	// Off: no cap, however much was spent.
	off := onlyLimit(func(r *Rules) { r.Cost = Cost{PerCall: cost.PerCall, PerMinute: cost.PerMinute} })
	if err := off.CheckLimits(context.Background(), h, Request{Number: "+447400123450", Now: clk.Now()}); err != nil {
		t.Fatalf("no cap: %v", err)
	}
}
