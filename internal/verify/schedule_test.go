package verify

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// fetchCounter records, on the rig's clock, every GET per call SID and every list request.
type fetchCounter struct {
	Caller
	clk   clock.Clock
	mu    sync.Mutex
	gets  map[string][]time.Time
	lists []time.Time
}

func newFetchCounter(c Caller, clk clock.Clock) *fetchCounter {
	return &fetchCounter{Caller: c, clk: clk, gets: map[string][]time.Time{}}
}

func (f *fetchCounter) GetCall(ctx context.Context, sid string) (*restcomm.Call, error) {
	f.mu.Lock()
	f.gets[sid] = append(f.gets[sid], f.clk.Now())
	f.mu.Unlock()
	return f.Caller.GetCall(ctx, sid)
}

func (f *fetchCounter) ListCalls(ctx context.Context, lf restcomm.ListFilter) iter.Seq2[restcomm.Call, error] {
	f.mu.Lock()
	f.lists = append(f.lists, f.clk.Now())
	f.mu.Unlock()
	return f.Caller.ListCalls(ctx, lf)
}

// getsCloserThan returns a call SID with two GETs less than d apart, or "".
func (f *fetchCounter) getsCloserThan(d time.Duration) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sid, ts := range f.gets {
		for i := 1; i < len(ts); i++ {
			if ts[i].Sub(ts[i-1]) < d {
				return fmt.Sprintf("%s: %v then %v", sid, ts[i-1], ts[i])
			}
		}
	}
	return ""
}

// rigWithCounter replaces the rig's service by one whose Restcomm requests are counted.
func rigWithCounter(t *testing.T, edit func(*Settings)) (*rig, *fetchCounter) {
	r := newRig(t, edit)
	r.svc.Close()
	set := defaultSettings()
	if edit != nil {
		edit(&set)
	}
	fc := newFetchCounter(r.client, r.clk)
	r.svc = r.newService(set, fc)
	return r, fc
}

// TestEachCallPolledOnItsOwnRate: calls placed at different moments are each fetched once per interval
// from their own create, never twice within an interval, and all end as Restcomm ends them.
func TestEachCallPolledOnItsOwnRate(t *testing.T) {
	r, fc := rigWithCounter(t, nil)
	var ids []int64
	for i := range 4 {
		ids = append(ids, r.place(fmt.Sprintf("+447400123%02d0", i)).Attempt.ID)
		r.advance(250 * time.Millisecond)
	}
	r.advance(5 * time.Second)
	if bad := fc.getsCloserThan(time.Second); bad != "" {
		t.Fatalf("two GETs of one call within a poll interval: %s", bad)
	}
	fc.mu.Lock()
	for sid, ts := range fc.gets {
		if len(ts) < 5 {
			t.Errorf("call %s fetched %d times in 6 s, want one per second", sid, len(ts))
		}
	}
	if len(fc.lists) != 0 {
		t.Errorf("%d list requests for 4 calls the workers GET easily", len(fc.lists))
	}
	fc.mu.Unlock()
	r.advance(15 * time.Second)
	for _, id := range ids {
		if a := r.attempt(id); a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
			t.Errorf("attempt %d: %s/%s, want ended/delivered", id, a.State, a.Outcome)
		}
	}
}

// TestManyCallsFollowedThroughTheList: with more live calls than the request cap lets the tracker GET one by
// one within an interval, it reads one list page per interval for all of them (one list request at a time),
// fetches no call twice within an interval, and still follows every call to its end.
func TestManyCallsFollowedThroughTheList(t *testing.T) {
	r, fc := rigWithCounter(t, func(s *Settings) { s.MaxRequestsPerSecond = 2 }) // room for 1.6 GETs a second
	var ids []int64
	for i := range 6 {
		ids = append(ids, r.place(fmt.Sprintf("+447400123%02d0", i)).Attempt.ID)
	}
	fc.mu.Lock()
	fc.gets = map[string][]time.Time{}
	fc.mu.Unlock()
	r.advance(6 * time.Second)
	fc.mu.Lock()
	lists, gets := len(fc.lists), 0
	for _, ts := range fc.gets {
		gets += len(ts)
	}
	fc.mu.Unlock()
	if lists < 5 || lists > 7 {
		t.Errorf("%d list requests in 6 s, want one per interval", lists)
	}
	if gets > 0 {
		t.Errorf("%d GETs while every call was on the list page", gets)
	}
	r.advance(15 * time.Second)
	for _, id := range ids {
		if a := r.attempt(id); a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
			t.Errorf("attempt %d: %s/%s, want ended/delivered", id, a.State, a.Outcome)
		}
	}
	if n := len(r.svc.Tracking()); n != 0 {
		t.Errorf("%d calls still tracked", n)
	}
}

// TestManyParallelPlacementsTrackedOnce: forty sessions place calls at once while four workers poll; every
// call is fetched at most once per interval, its end is recorded exactly once, and nothing stays tracked.
func TestManyParallelPlacementsTrackedOnce(t *testing.T) {
	r, fc := rigWithCounter(t, func(s *Settings) { s.PollWorkers = 4 })
	const n = 40
	ids := make([]int64, n)
	errs := together(n, func(i int) error {
		res, err := r.svc.Place(context.Background(), r.op, fmt.Sprintf("+4474%02d12%04d", i, i*10))
		ids[i] = res.Attempt.ID
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r.advance(20 * time.Second)
	if bad := fc.getsCloserThan(time.Second); bad != "" {
		t.Fatalf("two GETs of one call within a poll interval: %s", bad)
	}
	for _, id := range ids {
		a := r.attempt(id)
		ends := 0
		for _, st := range r.statuses(id) {
			if st == "canceled" {
				ends++
			}
		}
		if a.State != record.StateEnded || ends != 1 {
			t.Errorf("attempt %d: %s/%s with %d end transitions, want ended once", id, a.State, a.Outcome, ends)
		}
	}
	if got := len(r.svc.Tracking()); got != 0 {
		t.Errorf("%d calls still tracked", got)
	}
}

// together runs f(0..n-1) at once, each in its own goroutine released at the same moment, and returns their
// errors by index.
func together(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// TestFailedListPageMarksCallsStale: while the call list fails, the calls it follows keep their last state,
// marked stale with the error, and are followed again once it answers.
func TestFailedListPageMarksCallsStale(t *testing.T) {
	r, _ := rigWithCounter(t, func(s *Settings) { s.MaxRequestsPerSecond = 2 })
	var ids []int64
	for i := range 4 {
		ids = append(ids, r.place(fmt.Sprintf("+447400123%02d0", i)).Attempt.ID)
	}
	r.advance(2 * time.Second)
	r.sim.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpList: 1, sim.OpGet: 1}})
	r.advance(2 * time.Second)
	for _, id := range ids {
		if a := r.attempt(id); a.StaleSince.IsZero() || a.State != record.StateLive || a.Error == "" {
			t.Errorf("attempt %d while the list fails: %s, stale since %v, error %q; want live, stale, with the error", id, a.State, a.StaleSince, a.Error)
		}
	}
	r.sim.SetFaults(sim.Faults{})
	r.advance(15 * time.Second)
	for _, id := range ids {
		if a := r.attempt(id); a.State != record.StateEnded || !a.StaleSince.IsZero() {
			t.Errorf("attempt %d after the list is back: %s, stale since %v; want ended, fresh", id, a.State, a.StaleSince)
		}
	}
}

// TestConfigDefaultsAreTheTrackers: the configuration's defaults for the tracker are the tracker's own.
func TestConfigDefaultsAreTheTrackers(t *testing.T) {
	if config.DefaultPollWorkers != DefaultPollWorkers {
		t.Errorf("config.DefaultPollWorkers %d, verify.DefaultPollWorkers %d", config.DefaultPollWorkers, DefaultPollWorkers)
	}
}
