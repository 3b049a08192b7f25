package policy

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Money is an amount of the configured currency in millionths of its unit, so that prices such as 0.0045 a
// call add up exactly.
type Money int64

// MoneyUnit is one unit of the currency.
const MoneyUnit Money = 1_000_000

// MaxMoney bounds the amounts a configuration may give (a billion units): far above any real price or cap,
// and far from overflowing when multiplied by a day's calls.
const MaxMoney = 1_000_000_000 * MoneyUnit

// MoneyOf converts an amount written as a decimal number of units (0.0045) to Money, rounded to the
// millionth; false when it is not a finite amount from 0 to MaxMoney.
func MoneyOf(units float64) (Money, bool) {
	if math.IsNaN(units) || units < 0 || units > float64(MaxMoney/MoneyUnit) {
		return 0, false
	}
	return Money(math.Round(units * float64(MoneyUnit))), true
}

// String writes the amount with two decimals, more when it has them (up to six): "20.00", "0.0045".
func (m Money) String() string {
	neg := m < 0
	if neg {
		m = -m
	}
	frac := strconv.FormatInt(int64(m%MoneyUnit)+int64(MoneyUnit), 10)[1:] // six digits
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	s := strconv.FormatInt(int64(m/MoneyUnit), 10) + "." + frac
	if neg {
		s = "-" + s
	}
	return s
}

// Cost prices calls for the daily cost cap. Restcomm's own price fields are not reliable, so the day's
// spend is computed from the history: every call placed at PerCall, and the minutes answered calls billed
// (each rounded up to a whole minute, at least one) at PerMinute; a call whose outcome is not known yet
// counts at its worst case, PerCall and one answered minute. The zero Cost has no cap.
type Cost struct {
	// PerCall is the price of placing a call, answered or not.
	PerCall Money
	// PerMinute is the price of each answered minute.
	PerMinute Money
	// Currency labels the amounts in messages ("EUR").
	Currency string
	// DailyCap is the most the calls of one calendar day of the service's clock may cost (0: no cap). A call
	// is refused when the day's spend plus the new call at its worst case would pass it.
	DailyCap Money
}

// WorstCall is the most a call may cost before its outcome is known: the price of a call and of one answered
// minute.
func (c Cost) WorstCall() Money { return c.PerCall + c.PerMinute }

// Spend prices calls and billed minutes.
func (c Cost) Spend(calls, minutes int) Money {
	return Money(calls)*c.PerCall + Money(minutes)*c.PerMinute
}

// Format writes an amount with the currency: "20.00 EUR" ("20.00" with no currency set).
func (c Cost) Format(m Money) string {
	if c.Currency == "" {
		return m.String()
	}
	return m.String() + " " + c.Currency
}

// problems checks the cost settings, as Rules.Problems reports them.
func (c Cost) problems(add func(key, format string, args ...any)) {
	for _, m := range []struct {
		key string
		v   Money
	}{{"price_per_call", c.PerCall}, {"price_per_answered_minute", c.PerMinute}, {"daily_cost_cap", c.DailyCap}} {
		if m.v < 0 || m.v > MaxMoney {
			add(m.key, "is not an amount from 0 to 1000000000 of your currency: write a number such as 0.005 "+
				"(0 for none)")
		}
	}
	if strings.TrimSpace(c.Currency) != c.Currency || len(c.Currency) > 8 {
		add("currency", "is %q: use a short label such as \"EUR\" or \"USD\" (it only labels the amounts)", c.Currency)
	}
	if c.DailyCap <= 0 {
		return
	}
	switch {
	case c.WorstCall() == 0:
		add("daily_cost_cap", "is %s, but price_per_call and price_per_answered_minute are 0, so calls cost "+
			"nothing and the cap can never refuse one: set the prices your carrier charges, or the cap to 0", c.DailyCap)
	case c.DailyCap < c.WorstCall():
		add("daily_cost_cap", "is %s, less than one call may cost (price_per_call + price_per_answered_minute = "+
			"%s), so every call would be refused: raise it, or set it to 0 for no cap", c.DailyCap, c.WorstCall())
	}
}

// checkCost applies the daily cost cap to a call at now: the calls of the day so far (midnight in now's
// location), their billed minutes, and the new call at its worst case, against the cap.
func (c Cost) checkCost(ctx context.Context, sa stepAware, now time.Time) (*Refusal, error) {
	if c.DailyCap <= 0 {
		return nil, nil
	}
	y, m, d := now.Date()
	since := time.Date(y, m, d, 0, 0, 0, 0, now.Location()).Add(-time.Nanosecond)
	calls, err := sa.count(ctx, Scope{}, since)
	if err != nil {
		return nil, err
	}
	minutes, err := sa.minutes(ctx, since)
	if err != nil {
		return nil, err
	}
	spent := c.Spend(calls, minutes)
	if spent+c.WorstCall() <= c.DailyCap {
		return nil, nil
	}
	reason := fmt.Sprintf("%s spent today (%d calls, %d answered or unsettled minutes) and a call may cost up to %s, "+
		"which would pass the daily cost cap of %s", c.Format(spent), calls, minutes, c.Format(c.WorstCall()),
		c.Format(c.DailyCap))
	return refusal(RuleCostCap, reason, now, time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())), nil
}

// minutes sums the minutes billed by the calls created after since, calls stamped after now (written before
// the clock was set back) counted too.
func (a stepAware) minutes(ctx context.Context, since time.Time) (int, error) {
	n, err := a.c.BilledMinutes(ctx, since, a.now)
	if err != nil || !a.started.After(since) {
		return n, err
	}
	future, err := a.c.BilledMinutes(ctx, a.now, time.Time{})
	return n + future, err
}
