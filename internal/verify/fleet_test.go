package verify

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

func shared(s *Settings) { s.Shared = true }

// drain returns the events waiting on ch.
func drain(ch <-chan Event) []Event {
	var out []Event
	for {
		select {
		case ev := <-ch:
			out = append(out, ev)
		default:
			return out
		}
	}
}

// attemptEvents returns the states published for attempt id, in order.
func attemptEvents(evs []Event, id int64) []record.Attempt {
	var out []record.Attempt
	for _, ev := range evs {
		if ev.Kind == EventAttempt && ev.Attempt.ID == id {
			out = append(out, ev.Attempt)
		}
	}
	return out
}

// TestFeedShowsAnotherProcessesCall: a call placed by one process appears live in another's subscription
// within one poll interval, with its state changes, and ends there; the other's Live lists it meanwhile, and
// no event is published twice.
func TestFeedShowsAnotherProcessesCall(t *testing.T) {
	r := newRig(t, shared)
	b := r.secondProcess(shared)
	b.me.Host = "other-host" // in one test binary both share a PID, which would make each think the other gone
	events, stop := b.Subscribe()
	defer stop()
	res := r.place("+447400123450") // ends in 0: rings until the timeout
	r.clk.Advance(time.Second)      // one poll interval
	got := attemptEvents(drain(events), res.Attempt.ID)
	if len(got) == 0 || !liveReport(got[len(got)-1]) {
		t.Fatalf("the other process was not shown the call within one poll interval: %+v", got)
	}
	if live := b.Live(); len(live) != 1 || live[0].ID != res.Attempt.ID {
		t.Fatalf("the other process's Live = %+v", live)
	}
	var all []record.Attempt
	all = append(all, got...)
	for range 40 {
		r.advance(time.Second)
		all = append(all, attemptEvents(drain(events), res.Attempt.ID)...)
		if len(b.Tracking()) != 0 {
			t.Fatal("the other process follows a call it did not place, whose tracker is alive")
		}
	}
	last := all[len(all)-1]
	if last.State != record.StateEnded || last.Outcome == "" {
		t.Fatalf("the other process was not shown the end: %+v", last)
	}
	for i := 1; i < len(all); i++ {
		if sameReport(all[i], all[i-1]) {
			t.Errorf("event %d repeats the one before: %+v", i, all[i])
		}
	}
	if len(b.Live()) != 0 {
		t.Errorf("the ended call is still live on the other process: %+v", b.Live())
	}
	stored := r.attempt(res.Attempt.ID)
	if !sameReport(stored, last) {
		t.Errorf("the last event %+v is not the stored attempt %+v", last, stored)
	}
}

// kill stops a service as SIGKILL would: no release of its claims, no final write.
func kill(s *Service) {
	s.mu.Lock()
	s.closed = true
	if s.sched.timer != nil {
		s.sched.timer.Stop()
	}
	if s.renewTimer != nil {
		s.renewTimer.Stop()
	}
	s.mu.Unlock()
	s.fleet.stop()
	s.cancel()
	s.wg.Wait()
}

// TestRunningProcessTakesOverACallWhoseTrackerDied: the process that placed a call dies while it rings
// (on another host: only the stale bound tells); a running process takes the call over within trackerStale
// plus one renewal, never dials, and follows it to its true end.
func TestRunningProcessTakesOverACallWhoseTrackerDied(t *testing.T) {
	ring := func(s *Settings) { s.Shared, s.Timeout = true, 60 }
	r := newRig(t, ring)
	r.svc.me.Host = "another-host"
	b := r.secondProcess(ring)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	kill(r.svc)
	calls := r.sim.CallLog()
	r.advance(trackerStale)
	if len(b.Tracking()) != 0 {
		t.Fatalf("taken over before the stale bound: %+v", b.Tracking())
	}
	r.advance(trackerRenew + time.Second)
	if tr := b.Tracking(); len(tr) != 1 || tr[0].ID != res.Attempt.ID {
		t.Fatalf("not taken over within %s: %+v", trackerStale+trackerRenew, tr)
	}
	for range 60 {
		r.advance(time.Second)
	}
	a := r.attempt(res.Attempt.ID)
	if a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("the taken-over call ended %s/%s, want its true outcome", a.State, a.Outcome)
	}
	if got := r.sim.CallLog(); len(got) != len(calls) {
		t.Fatalf("the takeover dialled: %d calls, had %d", len(got), len(calls))
	}
}

// TestLostLeaseStopsTracking: a process whose call's lease another has taken stops following (polling,
// writing) it at its next renewal; one that cannot renew at all stops before the stale bound.
func TestLostLeaseStopsTracking(t *testing.T) {
	r := newRig(t, shared)
	res := r.place("+447400123450")
	thief := store.Tracker{Owner: "thief", Host: "elsewhere", PID: 1}
	ok, err := r.st.ClaimTracking(context.Background(), res.Attempt.ID, thief, r.clk.Now(),
		func(store.Tracker, time.Time) bool { return true })
	if err != nil || !ok {
		t.Fatalf("steal: %v %v", ok, err)
	}
	// The thief is alive: it renews every second.
	step := func(d time.Duration) {
		for ; d > 0; d -= time.Second {
			r.advance(time.Second)
			if err := r.st.RenewTracking(context.Background(), "thief", r.clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	step(trackerRenew + time.Second)
	if len(r.svc.Tracking()) != 0 {
		t.Fatalf("still following a call whose lease was taken: %+v", r.svc.Tracking())
	}
	before := r.attempt(res.Attempt.ID)
	step(20 * time.Second)
	if after := r.attempt(res.Attempt.ID); !sameReport(before, after) {
		t.Fatalf("wrote a call it no longer holds: %+v -> %+v", before, after)
	}
}

// TestCallbackAtAnotherProcessIsApplied: Restcomm sends a call's status callback to a process that does not
// follow the call (any instance behind the public URL): it is recorded in the history, and the process that
// follows the call merges it from there within one poll interval, once.
func TestCallbackAtAnotherProcessIsApplied(t *testing.T) {
	r := newCallbackRig(t)
	r.svc.Close()
	set := defaultSettings()
	// The feed looks as often as the poller: its first look, armed at Start, comes before the first poll, and
	// before the verification expires (5 minutes).
	set.PollInterval = 2 * time.Minute
	set.StatusCallbackURL = callbackBase
	set.AccountSID = r.sim.AccountSID()
	set.Shared = true
	r.svc = r.newService(set, r.calls)
	other := r.secondProcess(func(s *Settings) {
		s.Shared, s.StatusCallbackURL, s.AccountSID = true, callbackBase, r.sim.AccountSID()
	})
	other.me.Host = "other-host" // in one test binary both share a PID, which would make each think the other gone
	mux := http.NewServeMux()
	mux.Handle(CallbackPattern, other.CallbackHandler())
	r.mux = mux // callbacks reach the other process only
	res := r.place("+447400123450")
	u, err := url.Parse(r.calls.last())
	if err != nil {
		t.Fatal(err)
	}
	if code := r.post(u.Path, r.event(res.Attempt.CallSID, "ringing", "1")); code != http.StatusNoContent {
		t.Fatalf("callback at the other process: HTTP %d", code)
	}
	if code := r.post(u.Path, r.event(res.Attempt.CallSID, "ringing", "1")); code != http.StatusNoContent {
		t.Fatalf("duplicate callback at the other process: HTTP %d", code)
	}
	if len(other.Tracking()) != 0 {
		t.Fatal("the other process started following the call")
	}
	forwarded := 0
	trs, err := r.st.Transitions(context.Background(), res.Attempt.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trs {
		if tr.Source == record.SourceCallback && strings.HasPrefix(tr.Detail, forwardedPrefix) {
			forwarded++
		}
	}
	if forwarded != 2 {
		t.Fatalf("%d callbacks recorded for the tracker, want 2 (the duplicate too: the tracker drops it)", forwarded)
	}
	merged := 0
	r.svc.fleet.mu.Lock()
	before := len(r.svc.fleet.merged)
	r.svc.fleet.mu.Unlock()
	r.clk.Advance(2 * time.Minute)
	r.svc.fleet.mu.Lock()
	merged = len(r.svc.fleet.merged) - before
	r.svc.fleet.mu.Unlock()
	if merged != 2 {
		t.Fatalf("the tracker merged %d recorded callbacks, want 2 read (one news, one duplicate)", merged)
	}
	trs, err = r.st.Transitions(context.Background(), res.Attempt.ID)
	if err != nil {
		t.Fatal(err)
	}
	fromCallback := false
	for _, tr := range trs {
		fromCallback = fromCallback || tr.Status == "ringing" && tr.Source == record.SourceCallback
	}
	if !fromCallback {
		t.Fatalf("the tracker did not merge the ringing callback: %+v", trs)
	}
}

// TestHangUpOfAnotherProcessesCall: an operator hangs up, from a process that does not follow it, a call
// another process follows: Restcomm is asked, and the tracker there records the end.
func TestHangUpOfAnotherProcessesCall(t *testing.T) {
	r := newRig(t, func(s *Settings) { s.Shared, s.Timeout = true, 60 })
	b := r.secondProcess(shared)
	b.me.Host = "other-host"
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	if err := b.HangUp(context.Background(), record.Operator{Name: "bob", Remote: "local"}, res.Attempt.ID); err != nil {
		t.Fatalf("hang-up from the other process: %v", err)
	}
	r.advance(2 * time.Second)
	if a := r.attempt(res.Attempt.ID); a.State != record.StateEnded || a.Status != "canceled" {
		t.Fatalf("after the hang-up: %s/%s, want ended/canceled", a.State, a.Status)
	}
	if len(b.Tracking()) != 0 {
		t.Fatal("the hang-up made the other process follow the call")
	}
}

// renewFails is the history with renewals refused, as during a partition from the database.
type renewFails struct {
	Store
	fail atomic.Bool
}

func (r *renewFails) RenewTracking(ctx context.Context, owner string, now time.Time) error {
	if r.fail.Load() {
		return errors.New("connection to the database lost")
	}
	return r.Store.RenewTracking(ctx, owner, now)
}

// TestUnrenewableLeaseStopsTrackingBeforeTheStaleBound: a process whose renewals fail stops polling and
// writing its calls leaseSafe after its last renewal, before another may think it gone (trackerStale).
func TestUnrenewableLeaseStopsTrackingBeforeTheStaleBound(t *testing.T) {
	r := newRig(t, nil)
	r.svc.Close()
	st := &renewFails{Store: r.st}
	set := defaultSettings()
	set.Shared, set.Timeout, set.RCMLURL = true, 60, r.rcml.URL+"/rcml.xml"
	svc, err := New(Deps{Calls: r.client, Store: st, Clock: r.clk, Settings: set})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Place(context.Background(), r.op, "+447400123450")
	if err != nil {
		t.Fatal(err)
	}
	r.advance(trackerRenew) // one renewal taken
	st.fail.Store(true)
	lastOK := r.clk.Now()
	r.advance(leaseSafe - time.Second)
	if len(svc.Tracking()) != 1 {
		t.Fatal("stopped following before the safe bound")
	}
	r.advance(trackerRenew)
	if len(svc.Tracking()) != 0 {
		t.Fatalf("still following %s after the last renewal", r.clk.Now().Sub(lastOK))
	}
	if r.clk.Now().Sub(lastOK) > trackerStale {
		t.Fatalf("stopped only %s after the last renewal, past the stale bound %s", r.clk.Now().Sub(lastOK), trackerStale)
	}
	before := r.attempt(res.Attempt.ID)
	r.advance(30 * time.Second)
	if after := r.attempt(res.Attempt.ID); !sameReport(before, after) {
		t.Fatalf("wrote a call it stopped following: %+v -> %+v", before, after)
	}
}

// TestHostIdentityNamesTheHostAndItsPIDNamespace: stable within a process, led by the host name.
func TestHostIdentityNamesTheHostAndItsPIDNamespace(t *testing.T) {
	host, _ := os.Hostname()
	a, b := HostIdentity(), HostIdentity()
	if a != b || !strings.HasPrefix(a, host) {
		t.Fatalf("HostIdentity = %q then %q, want a stable name led by %q", a, b, host)
	}
	if _, err := os.Stat("/proc/self/ns/pid"); err == nil && a == host {
		t.Fatalf("HostIdentity = %q: the PID namespace is not part of it", a)
	}
}
