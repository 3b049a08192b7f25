package policy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

// fakeCall is one call in fakeHistory.
type fakeCall struct {
	number, operator string
	at               time.Time
	undelivered      bool
	ended            time.Time
	minutes          int // billed for the cost cap
}

// fakeHistory is a Counter over a slice of calls, oldest first.
type fakeHistory struct {
	calls  []fakeCall
	locked map[string]time.Time // number -> when its last verification locked
}

// LastLocked implements Counter.
func (h *fakeHistory) LastLocked(_ context.Context, number string) (time.Time, error) {
	return h.locked[number], nil
}

func (h *fakeHistory) match(s Scope, c fakeCall) bool {
	return (s.Number == "" || c.number == s.Number) && strings.HasPrefix(c.number, s.Prefix) &&
		(s.Operator == "" || c.operator == s.Operator) && (s.Until.IsZero() || !c.at.After(s.Until))
}

// CountCalls implements Counter.
func (h *fakeHistory) CountCalls(_ context.Context, s Scope, since time.Time) (int, error) {
	n := 0
	for _, c := range h.calls {
		if h.match(s, c) && c.at.After(since) {
			n++
		}
	}
	return n, nil
}

// BilledMinutes implements Counter.
func (h *fakeHistory) BilledMinutes(_ context.Context, since, until time.Time) (int, error) {
	n := 0
	for _, c := range h.calls {
		if c.at.After(since) && (until.IsZero() || !c.at.After(until)) {
			n += c.minutes
		}
	}
	return n, nil
}

// NthCall implements Counter.
func (h *fakeHistory) NthCall(_ context.Context, s Scope, since time.Time, n int) (time.Time, error) {
	var ats []time.Time
	for _, c := range h.calls {
		if h.match(s, c) && c.at.After(since) {
			ats = append(ats, c.at)
		}
	}
	if n < 1 || n > len(ats) {
		return time.Time{}, errors.New("fewer calls than asked for")
	}
	slices.SortFunc(ats, time.Time.Compare)
	return ats[n-1], nil
}

// UndeliveredStreak implements Counter.
func (h *fakeHistory) UndeliveredStreak(_ context.Context, number string, max int) (int, time.Time, error) {
	n, seen := 0, 0
	var last time.Time
	for i := len(h.calls) - 1; i >= 0 && seen < max; i-- {
		c := h.calls[i]
		if c.number != number {
			continue
		}
		seen++
		if !c.undelivered {
			break
		}
		if n == 0 {
			last = c.ended
		}
		n++
	}
	return n, last, nil
}

// place checks a call at the clock's time and records it when allowed.
func (h *fakeHistory) place(t *testing.T, p *Policy, clk *clock.Fake, number, op string) error {
	t.Helper()
	err := p.CheckLimits(context.Background(), h, Request{Number: number, Operator: op, Now: clk.Now()})
	if err == nil {
		h.calls = append(h.calls, fakeCall{number: number, operator: op, at: clk.Now()})
	}
	return err
}

func onlyLimit(edit func(*Rules)) *Policy {
	r := DefaultRules()
	r.PerNumber, r.PerPrefix, r.PerOperator, r.Global = Limit{}, Limit{}, Limit{}, Limit{}
	r.CooldownAfter, r.DailyCap = 0, 0
	edit(&r)
	p, err := New(r)
	if err != nil {
		panic(err)
	}
	return p
}

var limitStart = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func mustRefuse(t *testing.T, err error, rule string, after time.Time, msg string) {
	t.Helper()
	var ref *Refusal
	if !errors.As(err, &ref) {
		t.Fatalf("err = %v, want a refusal by %s", err, rule)
	}
	if ref.Rule != rule || !ref.RetryAfter.Equal(after) || (msg != "" && ref.Error() != msg) {
		t.Fatalf("refusal:\n %s until %v: %q\nwant\n %s until %v: %q", ref.Rule, ref.RetryAfter, ref.Error(), rule, after, msg)
	}
}

func TestPerNumberSlidingWindow(t *testing.T) {
	clk := clock.NewFake(limitStart)
	p := onlyLimit(func(r *Rules) { r.PerNumber = Limit{3, 10 * time.Minute} })
	h := &fakeHistory{}
	const num = "+447400123450"
	for _, step := range []time.Duration{0, 2 * time.Minute, 3 * time.Minute} { // calls at 0, 2m, 5m
		clk.Advance(step)
		if err := h.place(t, p, clk, num, "alice"); err != nil {
			t.Fatalf("call at %v: %v", clk.Now().Sub(limitStart), err)
		}
	}
	if err := h.place(t, p, clk, "+447400123451", "alice"); err != nil {
		t.Fatalf("another number is not limited by this one: %v", err)
	}
	clk.Advance(4 * time.Minute) // 9m: all three within 10m
	mustRefuse(t, h.place(t, p, clk, num, "alice"), RulePerNumber, limitStart.Add(10*time.Minute),
		"refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again in 1m "+
			"(after 2026-11-26 09:10:00 UTC)")
	clk.Advance(time.Minute - time.Nanosecond)
	if err := h.place(t, p, clk, num, "alice"); err == nil {
		t.Fatal("allowed a nanosecond before the first call left the window")
	}
	clk.Advance(time.Nanosecond) // 10m: the call at 0 has left the window
	if err := h.place(t, p, clk, num, "alice"); err != nil {
		t.Fatalf("at 10m: %v", err)
	}
	// Calls at 2m, 5m, 10m: the next chance is when the one at 2m leaves, at 12m.
	mustRefuse(t, h.place(t, p, clk, num, "alice"), RulePerNumber, limitStart.Add(12*time.Minute),
		"refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again in 2m "+
			"(after 2026-11-26 09:12:00 UTC)")
}

func TestPrefixOperatorAndGlobalWindows(t *testing.T) {
	clk := clock.NewFake(limitStart)
	p := onlyLimit(func(r *Rules) {
		r.PerPrefix = Limit{2, time.Hour}
		r.PerOperator = Limit{4, time.Hour}
		r.Global = Limit{5, time.Hour}
	})
	h := &fakeHistory{}
	if err := h.place(t, p, clk, "+447400123450", "alice"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if err := h.place(t, p, clk, "+447400129999", "alice"); err != nil {
		t.Fatal(err)
	}
	mustRefuse(t, h.place(t, p, clk, "+447400121111", "bob"), RulePerPrefix, limitStart.Add(time.Hour),
		"refused by policy.limit_per_prefix: 2 calls to numbers starting +44740012 within 1h (limit 2/1h); try "+
			"again in 59m (after 2026-11-26 10:00:00 UTC)")
	for _, n := range []string{"+447400220000", "+447400330000"} {
		if err := h.place(t, p, clk, n, "alice"); err != nil {
			t.Fatal(err)
		}
	}
	mustRefuse(t, h.place(t, p, clk, "+447400440000", "alice"), RulePerOperator, limitStart.Add(time.Hour),
		"refused by policy.limit_per_operator: 4 calls by alice within 1h (limit 4/1h); try again in 59m "+
			"(after 2026-11-26 10:00:00 UTC)")
	if err := h.place(t, p, clk, "+447400440000", "bob"); err != nil {
		t.Fatal(err)
	}
	mustRefuse(t, h.place(t, p, clk, "+447400550000", "carol"), RuleGlobal, limitStart.Add(time.Hour),
		"refused by policy.limit_global: 5 calls in all within 1h (limit 5/1h); try again in 59m "+
			"(after 2026-11-26 10:00:00 UTC)")
}

func TestCooldownAfterUndeliveredCalls(t *testing.T) {
	clk := clock.NewFake(limitStart)
	p := onlyLimit(func(r *Rules) { r.CooldownAfter, r.Cooldown = 2, time.Hour })
	const num = "+447400123457"
	h := &fakeHistory{calls: []fakeCall{
		{number: num, at: limitStart.Add(-30 * time.Minute), undelivered: true, ended: limitStart.Add(-29 * time.Minute)},
	}}
	if err := h.place(t, p, clk, num, "alice"); err != nil {
		t.Fatalf("one undelivered call: %v", err)
	}
	h.calls[1].undelivered, h.calls[1].ended = true, limitStart.Add(20*time.Second)
	clk.Advance(time.Minute)
	mustRefuse(t, h.place(t, p, clk, num, "alice"), RuleCooldown, limitStart.Add(time.Hour+20*time.Second),
		"refused by policy.cooldown: the last 2 calls to this number were not delivered, so it rests for 1h; "+
			"try again in 59m20s (after 2026-11-26 10:00:20 UTC)")
	clk.Advance(59*time.Minute + 20*time.Second)
	if err := h.place(t, p, clk, num, "alice"); err != nil {
		t.Fatalf("after the cooldown: %v", err)
	}
	// A delivered call breaks the streak.
	h.calls = append(h.calls, fakeCall{number: num, at: clk.Now(), undelivered: true, ended: clk.Now()})
	h.calls[len(h.calls)-2].undelivered = false
	if err := h.place(t, p, clk, num, "alice"); err != nil {
		t.Fatalf("streak broken by a delivered call: %v", err)
	}
}

func TestLockedNumberRests(t *testing.T) {
	clk := clock.NewFake(limitStart)
	p := onlyLimit(func(r *Rules) { r.Cooldown = time.Hour })
	const num = "+447400123457"
	h := &fakeHistory{locked: map[string]time.Time{num: limitStart.Add(-10 * time.Minute)}}
	mustRefuse(t, h.place(t, p, clk, num, "alice"), RuleLocked, limitStart.Add(50*time.Minute),
		"refused by policy.locked: the last verification of this number locked after too many wrong read-backs, "+
			"so it rests for 1h; try again in 50m (after 2026-11-26 09:50:00 UTC)")
	if err := h.place(t, p, clk, "+447400123458", "alice"); err != nil {
		t.Fatalf("another number: %v", err)
	}
	clk.Advance(50 * time.Minute)
	if err := h.place(t, p, clk, num, "alice"); err != nil {
		t.Fatalf("after the rest: %v", err)
	}
}

func TestDailyCapResetsAtMidnightOfTheClock(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	clk := clock.NewFake(time.Date(2026, 11, 26, 23, 0, 0, 0, loc))
	p := onlyLimit(func(r *Rules) { r.DailyCap = 2 })
	h := &fakeHistory{calls: []fakeCall{{number: "+447400000001", at: time.Date(2026, 11, 25, 23, 59, 0, 0, loc)}}}
	for i := range 2 {
		if err := h.place(t, p, clk, "+44740000001"+string(rune('0'+i)), "alice"); err != nil {
			t.Fatal(err)
		}
	}
	mustRefuse(t, h.place(t, p, clk, "+447400000020", "alice"), RuleDailyCap, time.Date(2026, 11, 27, 0, 0, 0, 0, loc),
		"refused by policy.daily_cap: 2 calls today reach the daily cap of 2; try again in 1h "+
			"(after 2026-11-27 00:00:00 CET)")
	clk.Advance(time.Hour)
	if err := h.place(t, p, clk, "+447400000020", "alice"); err != nil {
		t.Fatalf("after midnight: %v", err)
	}
}

func TestTheLongestRefusalWins(t *testing.T) {
	clk := clock.NewFake(limitStart)
	p := onlyLimit(func(r *Rules) { r.PerNumber, r.Global = Limit{1, time.Minute}, Limit{1, time.Hour} })
	h := &fakeHistory{}
	if err := h.place(t, p, clk, "+447400123450", "alice"); err != nil {
		t.Fatal(err)
	}
	var ref *Refusal
	if err := h.place(t, p, clk, "+447400123450", "alice"); !errors.As(err, &ref) || ref.Rule != RuleGlobal {
		t.Fatalf("err = %v, want the global limit (it lasts longest)", err)
	}
}

func TestCounterErrorsPassThrough(t *testing.T) {
	boom := errors.New("database gone")
	err := Default().CheckLimits(context.Background(), failingCounter{boom}, Request{Number: "+447400123450", Now: limitStart})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if err := Default().CheckLimits(context.Background(), nil, Request{}); err == nil {
		t.Fatal("no counter accepted")
	}
}

type failingCounter struct{ err error }

// CountCalls fails.
func (f failingCounter) CountCalls(context.Context, Scope, time.Time) (int, error) { return 0, f.err }

// NthCall fails.
func (f failingCounter) NthCall(context.Context, Scope, time.Time, int) (time.Time, error) {
	return time.Time{}, f.err
}

// BilledMinutes fails.
func (f failingCounter) BilledMinutes(context.Context, time.Time, time.Time) (int, error) {
	return 0, f.err
}

// LastLocked fails.
func (f failingCounter) LastLocked(context.Context, string) (time.Time, error) {
	return time.Time{}, f.err
}

// UndeliveredStreak fails.
func (f failingCounter) UndeliveredStreak(context.Context, string, int) (int, time.Time, error) {
	return 0, time.Time{}, f.err
}

func TestPrefixOf(t *testing.T) {
	for in, want := range map[string]string{"+447400123450": "+44740012", "+12025550123": "+1202555", "+1234": "+1234"} {
		if got := PrefixOf(in); got != want {
			t.Errorf("PrefixOf(%q) = %q, want %q", in, got, want)
		}
	}
}
