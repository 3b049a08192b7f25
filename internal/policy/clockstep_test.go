package policy

import (
	"context"
	"testing"
	"time"
)

// check applies p at now for a process that started at started, recording the call when it is allowed.
func (h *fakeHistory) check(p *Policy, number string, now, started time.Time) error {
	err := p.CheckLimits(context.Background(), h, Request{Number: number, Operator: "alice", Now: now, Started: started})
	if err == nil {
		h.calls = append(h.calls, fakeCall{number: number, operator: "alice", at: now})
	}
	return err
}

// TestClockSetBackDoesNotRefuseForAYear: the history holds calls stamped a year ahead (the clock was wrong,
// then corrected). They count as made when this process started: refused for one window at most, then
// calls flow again.
func TestClockSetBackDoesNotRefuseForAYear(t *testing.T) {
	p := onlyLimit(func(r *Rules) { r.Global = Limit{Count: 3, Window: time.Hour} })
	now := limitStart
	h := &fakeHistory{}
	for i := range 5 {
		h.calls = append(h.calls, fakeCall{number: "+44740012345" + string(rune('0'+i)), at: now.AddDate(1, 0, 0)})
	}
	mustRefuse(t, h.check(p, "+447400123459", now, now), RuleGlobal, now.Add(time.Hour),
		"refused by policy.limit_global: 5 calls in all within 1h (limit 3/1h); try again in 1h "+
			"(after 2026-11-26 10:00:00 UTC)")
	if err := h.check(p, "+447400123459", now.Add(time.Hour), now); err != nil {
		t.Fatalf("an hour after the start: %v", err)
	}
}

// TestClockSetBackDoesNotFreeABurst: three calls, then the clock is set back a year and flashcall restarts.
// The three calls still fill the per-number window: no fourth call within it.
func TestClockSetBackDoesNotFreeABurst(t *testing.T) {
	p := onlyLimit(func(r *Rules) { r.PerNumber = Limit{Count: 3, Window: 10 * time.Minute} })
	const num = "+447400123450"
	h := &fakeHistory{}
	for i := range 3 {
		if err := h.check(p, num, limitStart.Add(time.Duration(i)*time.Minute), limitStart); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	back := limitStart.Add(3*time.Minute).AddDate(-1, 0, 0) // the restart, a year behind
	mustRefuse(t, h.check(p, num, back, back), RulePerNumber, back.Add(10*time.Minute),
		"refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again in "+
			"10m (after 2025-11-26 09:13:00 UTC)")
	if err := h.check(p, num, back.Add(9*time.Minute), back); err == nil {
		t.Fatal("a fourth call within the window after the step back")
	}
	if err := h.check(p, num, back.Add(10*time.Minute), back); err != nil {
		t.Fatalf("a window after the restart: %v", err)
	}
}

// TestClockSetBackMixesPastAndFutureCalls: calls stamped before the start, after it, and ahead of the clock
// are ordered by when they count, so "try again" is exact.
func TestClockSetBackMixesPastAndFutureCalls(t *testing.T) {
	p := onlyLimit(func(r *Rules) { r.Global = Limit{Count: 3, Window: time.Hour} })
	started := limitStart
	h := &fakeHistory{calls: []fakeCall{
		{number: "+447400000001", at: started.Add(-20 * time.Minute)}, // before the start
		{number: "+447400000002", at: started.AddDate(0, 6, 0)},       // ahead of the clock: counts at started
		{number: "+447400000003", at: started.Add(20 * time.Minute)},  // since the start
	}}
	now := started.Add(30 * time.Minute)
	// A fourth would be over the limit; the oldest that must leave the window is the one at started-20m.
	mustRefuse(t, h.check(p, "+447400000004", now, started), RuleGlobal, started.Add(40*time.Minute),
		"")
	h.calls = append(h.calls, fakeCall{number: "+447400000005", at: started.Add(25 * time.Minute)})
	// Now two must leave: the one at started-20m, then the one ahead of the clock (counted at started).
	mustRefuse(t, h.check(p, "+447400000006", now, started), RuleGlobal, started.Add(time.Hour), "")
}

// TestCooldownStampedAheadOfTheClock: an undelivered streak and a lock stamped a year ahead rest the number
// for one cooldown from the start, not for a year.
func TestCooldownStampedAheadOfTheClock(t *testing.T) {
	p := onlyLimit(func(r *Rules) { r.CooldownAfter, r.Cooldown = 1, time.Hour })
	const num = "+447400123457"
	ahead := limitStart.AddDate(1, 0, 0)
	h := &fakeHistory{calls: []fakeCall{{number: num, at: ahead, undelivered: true, ended: ahead}}}
	mustRefuse(t, h.check(p, num, limitStart, limitStart), RuleCooldown, limitStart.Add(time.Hour), "")
	h = &fakeHistory{locked: map[string]time.Time{num: ahead}}
	mustRefuse(t, h.check(p, num, limitStart, limitStart), RuleLocked, limitStart.Add(time.Hour), "")
}
