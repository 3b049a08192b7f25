package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testBilledMinutes: the minutes the daily cost cap prices, over bounded windows (from the per-hour and
// per-minute counters) and open-ended ones (row by row), equal the hand-counted ones as calls are placed,
// end, are answered for longer and are deleted by the retention: one minute for a call whose outcome is not
// known, an answered call's minutes rounded up (at least one), none for the rest.
func testBilledMinutes(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	day := at(0).Truncate(24 * time.Hour) // midnight UTC of base's day
	type call struct {
		d        time.Duration // after midnight
		state    record.State
		outcome  record.Outcome
		duration int
		minutes  int
	}
	calls := []call{
		{1*time.Hour + 10*time.Second, record.StatePlacing, "", 0, 1},
		{1*time.Hour + 59*time.Minute, record.StateLive, "", 40, 1},
		{2*time.Hour + 30*time.Second, record.StateEnded, record.OutcomeDelivered, 9, 0},
		{2*time.Hour + 3*time.Minute, record.StateEnded, record.OutcomeAnswered, 30, 1},
		{3*time.Hour + 17*time.Minute + 5*time.Second, record.StateEnded, record.OutcomeAnswered, 61, 2},
		{3*time.Hour + 17*time.Minute + 6*time.Second, record.StateEnded, record.OutcomeAnswered, 150, 3},
		{3*time.Hour + 17*time.Minute + 7*time.Second, record.StateEnded, record.OutcomeAnswered, 0, 1},
		{4*time.Hour + 1*time.Second, record.StateUnknown, record.OutcomeUnknown, 0, 1},
		{4*time.Hour + 2*time.Second, record.StateNotPlaced, "", 0, 0},
		{4*time.Hour + 3*time.Second, record.StateEnded, record.OutcomeBusy, 0, 0},
		{5*time.Hour + 4*time.Second, record.StateEnded, record.OutcomeAnswered, 600, 10},
	}
	stored := make([]record.Attempt, len(calls))
	for i, cl := range calls {
		a := record.Attempt{Number: fmt.Sprintf("+4474003%05d", i), Operator: "alice", State: record.StatePlacing,
			CreatedAt: day.Add(cl.d), UpdatedAt: day.Add(cl.d)}
		mustInsert(t, s, &a)
		a.State, a.Outcome, a.Duration = cl.state, cl.outcome, cl.duration
		if err := s.UpdateAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if a.BilledMinutes() != cl.minutes {
			t.Fatalf("call %d: record.Attempt.BilledMinutes says %d, the table %d", i, a.BilledMinutes(), cl.minutes)
		}
		stored[i] = a
	}
	blocked := record.Attempt{Number: "+447400399990", State: record.StateBlocked, CreatedAt: day.Add(3 * time.Hour)}
	if err := s.RecordBlocked(ctx, &record.Verification{Number: blocked.Number, Status: record.StatusBlocked,
		CreatedAt: blocked.CreatedAt, UpdatedAt: blocked.CreatedAt}, &blocked); err != nil {
		t.Fatal(err)
	}
	want := func(since, until time.Time) int {
		n := 0
		for _, cl := range calls {
			if when := day.Add(cl.d); when.After(since) && (until.IsZero() || !when.After(until)) {
				n += cl.minutes
			}
		}
		return n
	}
	windows := []struct{ since, until time.Time }{
		{day.Add(-time.Nanosecond), day.Add(24*time.Hour - time.Nanosecond)}, // the whole day
		{day.Add(-time.Nanosecond), time.Time{}},                             // open-ended
		{day.Add(time.Hour), day.Add(2 * time.Hour)},                         // one hour
		{day.Add(3*time.Hour + 17*time.Minute + 5*time.Second), day.Add(4 * time.Hour)},
		{day.Add(3*time.Hour + 17*time.Minute), day.Add(3*time.Hour + 17*time.Minute + 6*time.Second)},
		{day.Add(2 * time.Hour), time.Time{}},
	}
	check := func(stage string) {
		t.Helper()
		// The check runs in a placement at the day's end, which bills its own minute after the check.
		p := newPlacement(fmt.Sprintf("+4474004%05d", len(stage)), "bob", day.Add(24*time.Hour-time.Second))
		p.Attempt.State = record.StateNotPlaced
		err := s.InsertAttemptChecked(ctx, p, func(ctx context.Context, q store.LimitQuerier) error {
			for _, w := range windows {
				got, err := q.BilledMinutes(ctx, w.since, w.until)
				if err != nil {
					return err
				}
				if exp := want(w.since, w.until); got != exp {
					t.Errorf("%s: minutes in (%s, %s]: %d, want %d", stage, w.since.Format(time.TimeOnly),
						w.until.Format(time.TimeOnly), got, exp)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("as placed")
	// The placing call is answered for 200 s, the live one is delivered, the unknown one stays unknown.
	stored[0].State, stored[0].Outcome, stored[0].Duration = record.StateEnded, record.OutcomeAnswered, 200
	calls[0].minutes = 4
	stored[1].State, stored[1].Outcome = record.StateEnded, record.OutcomeDelivered
	calls[1].minutes = 0
	for _, i := range []int{0, 1} {
		if err := s.UpdateAttempt(ctx, &stored[i]); err != nil {
			t.Fatal(err)
		}
	}
	check("after the ends")
	// The retention deletes the calls of the first two hours.
	if _, err := s.Purge(ctx, day.Add(2*time.Hour), false); err != nil {
		t.Fatal(err)
	}
	calls[0].minutes, calls[1].minutes = 0, 0
	check("after the retention")
}

// testCostCap: Goroutines placers on every instance place calls under a cost cap checked in the placement
// transaction (calls × price per call + billed minutes × price per minute, the new call at its worst case),
// while the calls already placed end, delivered (freeing their minute) or answered within a minute; the
// spend never exceeds the cap, and once the placers stop, one more call is refused exactly when it could
// overrun it.
func testCostCap(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const perCall, perMinute, limit = 3, 5, 200 // in any unit: 25 calls at their worst case
	day := at(0).Truncate(24 * time.Hour)
	over := errors.New("refused by policy.daily_cost_cap")
	spend := func(ctx context.Context, q store.LimitQuerier) (int, error) {
		calls, err := q.CountCalls(ctx, store.CallFilter{Until: day.Add(24*time.Hour - time.Nanosecond)}, day.Add(-time.Nanosecond))
		if err != nil {
			return 0, err
		}
		minutes, err := q.BilledMinutes(ctx, day.Add(-time.Nanosecond), day.Add(24*time.Hour-time.Nanosecond))
		return calls*perCall + minutes*perMinute, err
	}
	capCheck := func(ctx context.Context, q store.LimitQuerier) error {
		n, err := spend(ctx, q)
		if err != nil {
			return err
		}
		if n+perCall+perMinute > limit {
			return over
		}
		return nil
	}
	const tries = 4
	var refusals atomic.Int64
	errs := together(Goroutines, func(g int) error {
		st := insts[g%len(insts)]
		for k := range tries {
			p := newPlacement(fmt.Sprintf("+4474005%03d%02d", g, k), fmt.Sprintf("op%d", g%4),
				at(time.Duration(g*tries+k)*time.Second))
			switch err := st.InsertAttemptChecked(ctx, p, capCheck); {
			case errors.Is(err, over):
				refusals.Add(1)
				continue
			case err != nil:
				return err
			}
			a := p.Attempt
			a.State, a.Outcome = record.StateEnded, record.OutcomeDelivered
			if (g+k)%3 == 0 {
				a.Outcome, a.Duration = record.OutcomeAnswered, 20+g%40 // within its first minute
			}
			if (g+k)%5 == 0 {
				continue // still live: it keeps its worst case
			}
			if err := st.UpdateAttempt(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The spend, counted by hand from the history.
	rows := allHistory(t, s)
	total := 0
	for _, r := range rows {
		a := r.Attempt
		total += perCall
		if a.Outcome == record.OutcomeAnswered || a.Outcome == "" {
			total += perMinute
		}
	}
	if total > limit {
		t.Fatalf("%d calls spent %d, over the cap of %d", len(rows), total, limit)
	}
	if refusals.Load() == 0 {
		t.Fatalf("%d placements with room for about 25: none refused", Goroutines*tries)
	}
	last := newPlacement("+447400599999", "alice", at(time.Hour))
	err := s.InsertAttemptChecked(ctx, last, capCheck)
	if room := total+perCall+perMinute <= limit; room != (err == nil) || (!room && !errors.Is(err, over)) {
		t.Fatalf("a placement with %d spent of %d: %v", total, limit, err)
	}
}
