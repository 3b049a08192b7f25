package policy

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Scope selects the calls a limit counts; empty fields match every call.
type Scope struct {
	// Number matches one E.164 number exactly.
	Number string
	// Prefix matches the numbers that start with it.
	Prefix string
	// Operator matches the calls one operator placed.
	Operator string
	// Until, when set, matches only the calls created at or before it.
	Until time.Time
}

// Counter reads the call history for the limits. The store implements it inside the write transaction that
// records the new attempt, so the counts cannot change between the check and the write. Calls are the
// attempts that may have rung a phone: refused and never-placed attempts do not count.
type Counter interface {
	// CountCalls counts the calls in scope created after since.
	CountCalls(ctx context.Context, s Scope, since time.Time) (int, error)
	// NthCall returns when the n-th oldest (1-based) call in scope created after since was created.
	NthCall(ctx context.Context, s Scope, since time.Time, n int) (time.Time, error)
	// UndeliveredStreak looks at up to max of the newest finished calls to number and returns how many in a
	// row, newest first, were not delivered, and when the newest of those ended.
	UndeliveredStreak(ctx context.Context, number string, max int) (int, time.Time, error)
	// LastLocked returns when the newest verification of number that locked after too many wrong
	// read-backs locked, or the zero time when none did.
	LastLocked(ctx context.Context, number string) (time.Time, error)
	// BilledMinutes sums the minutes billed by the calls created after since and, when until is set, at or
	// before it: each answered call's duration rounded up to whole minutes (at least one), one minute for a
	// call whose outcome is not known yet (its worst case), none for the others.
	BilledMinutes(ctx context.Context, since, until time.Time) (int, error)
}

// Request is one call about to be placed.
type Request struct {
	// Number is the E.164 number to call.
	Number string
	// Operator is who places it, as stored with attempts.
	Operator string
	// Now is the time of the service's clock; its location sets where a day starts for the daily cap.
	Now time.Time
	// Lift, when set, is asked about each rule that would refuse the call: an override it uses lifts that
	// rule for this call. Nil lifts nothing.
	Lift Lifter
	// Started is when this process first read its clock. History stamped after Now was written before the
	// clock was set back; it counts as if written at Started (Now when zero), so that a step back neither
	// refuses calls until the clock catches up nor frees the calls just made.
	Started time.Time
}

// stepAware counts calls as CheckLimits does: calls stamped after now (written before the clock was set
// back) count as if created at started.
type stepAware struct {
	c            Counter
	now, started time.Time
}

// count counts the calls in s created after since.
func (a stepAware) count(ctx context.Context, s Scope, since time.Time) (int, error) {
	past := s
	past.Until = a.now
	n, err := a.c.CountCalls(ctx, past, since)
	if err != nil || !a.started.After(since) {
		return n, err
	}
	future, err := a.c.CountCalls(ctx, s, a.now)
	return n + future, err
}

// nth returns when the k-th oldest (1-based) call in s created after since was created, calls stamped after
// now taken as created at started.
func (a stepAware) nth(ctx context.Context, s Scope, since time.Time, k int) (time.Time, error) {
	past := s
	past.Until = a.now
	future := 0
	if a.started.After(since) {
		var err error
		if future, err = a.c.CountCalls(ctx, s, a.now); err != nil {
			return time.Time{}, err
		}
	}
	if future == 0 {
		return a.c.NthCall(ctx, past, since, k)
	}
	before := past
	before.Until = a.started
	older, err := a.c.CountCalls(ctx, before, since)
	switch {
	case err != nil:
		return time.Time{}, err
	case k <= older:
		return a.c.NthCall(ctx, before, since, k)
	case k <= older+future:
		return a.started, nil
	}
	return a.c.NthCall(ctx, past, since, k-future)
}

// clamp takes a time stamped after now (before the clock was set back) as started.
func (a stepAware) clamp(t time.Time) time.Time {
	if t.After(a.now) {
		return a.started
	}
	return t
}

// PrefixOf is the range a number belongs to for the per-prefix limit: the number without its last 4 digits.
func PrefixOf(e164 string) string {
	if len(e164) <= 5 {
		return e164
	}
	return e164[:len(e164)-4]
}

// CheckLimits applies the velocity limits, the cooldowns (after undelivered calls, after a locked
// verification), the daily cap and the daily cost cap to req, counting calls through c.
// It returns nil, a *Refusal, or the counter's error. When several limits refuse, the refusal that lasts
// longest is returned, so "try again" is never too early.
func (p *Policy) CheckLimits(ctx context.Context, c Counter, req Request) error {
	if c == nil {
		return errNoCounter
	}
	r := p.rules
	now := req.Now
	started := req.Started
	if started.IsZero() || started.After(now) {
		started = now
	}
	sa := stepAware{c: c, now: now, started: started}
	var (
		worst   *Refusal
		liftErr error
	)
	keep := func(ref *Refusal) {
		if ref == nil || liftErr != nil {
			return
		}
		if req.Lift != nil {
			lifted, err := req.Lift(ctx, ref.Rule)
			if err != nil || lifted {
				liftErr = err
				return
			}
		}
		if worst == nil || ref.RetryAfter.After(worst.RetryAfter) {
			worst = ref
		}
	}
	if r.CooldownAfter > 0 {
		n, last, err := c.UndeliveredStreak(ctx, req.Number, r.CooldownAfter)
		if err != nil {
			return err
		}
		last = sa.clamp(last)
		if until := last.Add(r.Cooldown); n >= r.CooldownAfter && until.After(now) {
			keep(refusal(RuleCooldown, fmt.Sprintf("the last %d calls to this number were not delivered, so it "+
				"rests for %s", n, FormatWindow(r.Cooldown)), now, until.In(now.Location())))
		}
	}
	if r.Cooldown > 0 {
		// A locked verification must not be worked around by starting a new one: whoever guessed wrong
		// max_checks times waits as long as a number that would not ring.
		locked, err := c.LastLocked(ctx, req.Number)
		if err != nil {
			return err
		}
		locked = sa.clamp(locked)
		if until := locked.Add(r.Cooldown); !locked.IsZero() && until.After(now) {
			keep(refusal(RuleLocked, "the last verification of this number locked after too many wrong "+
				"read-backs, so it rests for "+FormatWindow(r.Cooldown), now, until.In(now.Location())))
		}
	}
	prefix := PrefixOf(req.Number)
	for _, w := range []struct {
		rule  string
		limit Limit
		scope Scope
		what  string
	}{
		{RulePerNumber, r.PerNumber, Scope{Number: req.Number}, "to this number"},
		{RulePerPrefix, r.PerPrefix, Scope{Prefix: prefix}, "to numbers starting " + prefix},
		{RulePerOperator, r.PerOperator, Scope{Operator: req.Operator}, "by " + req.Operator},
		{RuleGlobal, r.Global, Scope{}, "in all"},
	} {
		ref, err := checkWindow(ctx, sa, w.rule, w.limit, w.scope, w.what, now)
		if err != nil {
			return err
		}
		keep(ref)
	}
	if r.DailyCap > 0 {
		y, m, d := now.Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
		n, err := sa.count(ctx, Scope{}, start.Add(-time.Nanosecond))
		if err != nil {
			return err
		}
		if n >= r.DailyCap {
			keep(refusal(RuleDailyCap, strconv.Itoa(n)+" calls today reach the daily cap of "+
				strconv.Itoa(r.DailyCap), now, time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())))
		}
	}
	ref, err := r.Cost.checkCost(ctx, sa, now)
	if err != nil {
		return err
	}
	keep(ref)
	switch {
	case liftErr != nil:
		return liftErr
	case worst == nil:
		return nil
	}
	return worst
}

// checkWindow applies one sliding-window limit: a call is refused while Count calls in scope were created
// within the last Window, until the oldest of the surplus leaves the window.
func checkWindow(ctx context.Context, c stepAware, rule string, l Limit, s Scope, what string, now time.Time) (*Refusal, error) {
	if l.Off() {
		return nil, nil
	}
	since := now.Add(-l.Window)
	n, err := c.count(ctx, s, since)
	if err != nil || n < l.Count {
		return nil, err
	}
	oldest, err := c.nth(ctx, s, since, n-l.Count+1)
	if err != nil {
		return nil, err
	}
	reason := fmt.Sprintf("%d calls %s within %s (limit %s)", n, what, FormatWindow(l.Window), l)
	return refusal(rule, reason, now, oldest.Add(l.Window).In(now.Location())), nil
}
