package verify

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// listCounter counts ListCalls requests on top of a real client.
type listCounter struct {
	Caller
	lists atomic.Int32
}

func (c *listCounter) ListCalls(ctx context.Context, f restcomm.ListFilter) iter.Seq2[restcomm.Call, error] {
	c.lists.Add(1)
	return c.Caller.ListCalls(ctx, f)
}

// lostCreates answers every create with an unknown outcome without sending it: no call exists.
type lostCreates struct{ Caller }

func (lostCreates) CreateCall(_ context.Context, p restcomm.CallParams) ([]restcomm.Call, error) {
	return nil, &restcomm.OutcomeUnknownError{To: p.To, From: p.From, SentAt: t0, Err: errors.New("connection reset")}
}

// placeUnknown places a call whose create's outcome is unknown and returns its attempt.
func (r *rig) placeUnknown(number string) record.Attempt {
	r.t.Helper()
	res, err := r.svc.Place(context.Background(), r.op, number)
	if !errors.Is(err, restcomm.ErrOutcomeUnknown) || res.Attempt.State != record.StateUnknown || res.Attempt.CallSID != "" {
		r.t.Fatalf("Place(%s) = %+v, %v; want an attempt of unknown outcome", number, res.Attempt, err)
	}
	return res.Attempt
}

// TestLookUpGivesUpWhileListsKeepFailing: the create was processed but its reply lost, and every ListCalls
// fails. The attempt holds its number for the look-up window, however the look-ups fail, and then ends as
// unknown with a note saying the look-up gave up and why; nothing is dialled again.
func TestLookUpGivesUpWhileListsKeepFailing(t *testing.T) {
	r := newRig(t, nil)
	set := r.svc.set
	set.LookupWindow = 30 * time.Second
	r.svc.Close()
	r.svc = r.newService(set, r.client)
	if got := r.svc.LookupWindow(); got != 30*time.Second {
		t.Fatalf("LookupWindow() = %s, want the setting", got)
	}
	r.sim.SetFaults(sim.Faults{DropAfterCreate: 1, ErrorRate: map[sim.Op]float64{sim.OpList: 1}})
	a := r.placeUnknown("+447400123450")

	r.advance(29 * time.Second)
	got := r.attempt(a.ID)
	if got.State != record.StateUnknown || !got.EndedAt.IsZero() || got.StaleSince.IsZero() || !strings.Contains(got.Error, "HTTP 500") {
		t.Fatalf("within the window: %s ended %v stale %v %q; want still looked up, stale, with the list's error",
			got.State, got.EndedAt, got.StaleSince, got.Error)
	}
	if _, err := r.svc.Place(context.Background(), r.op, "+447400123450"); !errors.Is(err, ErrLiveCall) {
		t.Fatalf("a second call within the window: %v, want ErrLiveCall", err)
	}

	r.advance(2 * time.Second)
	got = r.attempt(a.ID)
	if got.State != record.StateUnknown || got.Outcome != record.OutcomeUnknown || got.EndedAt.IsZero() {
		t.Fatalf("after the window: %s/%s ended %v, want unknown and ended", got.State, got.Outcome, got.EndedAt)
	}
	if !strings.HasPrefix(got.Error, "the look-up gave up after 30s: Restcomm's call list could not be read (") ||
		!strings.Contains(got.Error, "check Restcomm's call log") {
		t.Fatalf("note %q, want the look-up giving up and why", got.Error)
	}
	if strings.Contains(got.Error, "447400123450") || strings.Contains(got.Error, codeOfFrom(got.From)) {
		t.Fatalf("note %q quotes the number or the code", got.Error)
	}
	if len(r.svc.Tracking()) != 0 {
		t.Fatalf("still tracking %+v", r.svc.Tracking())
	}
	if v := r.verification(a.VerificationID); v.Status != record.StatusNotDelivered {
		t.Fatalf("verification %s, want not-delivered", v.Status)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("the simulator placed %d calls, want the one create", n)
	}
}

// TestLookUpGivesUpWhenNoCallIsFound: the lists succeed but hold no call; at the end of the window the
// attempt ends as unknown, the note saying the look-up gave up and that the call was probably not placed.
func TestLookUpGivesUpWhenNoCallIsFound(t *testing.T) {
	r := newRig(t, nil)
	r.svc.Close()
	r.svc = r.newService(r.svc.set, lostCreates{r.client})
	a := r.placeUnknown("+447400123450")
	r.advance(LookupWindow - time.Second)
	if got := r.attempt(a.ID); !got.EndedAt.IsZero() {
		t.Fatalf("ended before the default window: %+v", got)
	}
	r.advance(2 * time.Second)
	got := r.attempt(a.ID)
	if got.State != record.StateUnknown || got.EndedAt.IsZero() ||
		got.Error != "the look-up gave up after 5m0s: no call to this number from this caller ID in Restcomm's call log, so it was probably not placed" {
		t.Fatalf("after the window: %s ended %v %q", got.State, got.EndedAt, got.Error)
	}
}

// TestEndedUnknownIsNotLookedUpAgain: an attempt whose look-up gave up is left alone by every later start:
// not claimed, tracked or listed, its end and note kept; its number is free.
func TestEndedUnknownIsNotLookedUpAgain(t *testing.T) {
	r := newRig(t, nil)
	r.svc.Close()
	r.svc = r.newService(r.svc.set, lostCreates{r.client})
	a := r.placeUnknown("+447400123450")
	r.advance(LookupWindow + 2*time.Second)
	ended := r.attempt(a.ID)
	if ended.EndedAt.IsZero() {
		t.Fatalf("the look-up did not give up: %+v", ended)
	}
	before := r.statuses(a.ID)

	for range 3 {
		r.svc.Close()
		r.advance(time.Minute)
		lc := &listCounter{Caller: r.client}
		r.svc = r.newService(defaultSettings(), lc)
		r.advance(5 * time.Second)
		if n := lc.lists.Load(); n != 0 {
			t.Fatalf("a restart listed calls %d times for an attempt whose look-up is over", n)
		}
		if tr := r.svc.Tracking(); len(tr) != 0 {
			t.Fatalf("a restart tracks %+v", tr)
		}
	}
	got := r.attempt(a.ID)
	if !got.EndedAt.Equal(ended.EndedAt) || got.Error != ended.Error || got.State != record.StateUnknown {
		t.Fatalf("after restarts the attempt is %+v, want it as it ended: %+v", got, ended)
	}
	if after := r.statuses(a.ID); len(after) != len(before) {
		t.Fatalf("restarts added transitions: %v, then %v", before, after)
	}
	r.place("+447400123450")
}

// TestLongForgottenLookUpEndsAtStart: a write-ahead row a killed run left whose look-up window ended more
// than a day before the next start ends there as unknown, with a note, without a request to Restcomm; one
// whose window ended an hour ago is still looked up once.
func TestLongForgottenLookUpEndsAtStart(t *testing.T) {
	r := newRig(t, func(s *Settings) { s.Expiry = time.Hour })
	ctx := context.Background()
	row := func(number string, created time.Time) record.Attempt {
		t.Helper()
		v := &record.Verification{Number: number, CreatedAt: created, UpdatedAt: created, ExpiresAt: created.Add(time.Hour),
			Status: record.StatusCalling, MaxChecks: 3}
		if err := r.st.CreateVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
		a := &record.Attempt{VerificationID: v.ID, CreatedAt: created, UpdatedAt: created, Number: number,
			From: "447418340465", State: record.StatePlacing}
		if err := r.st.InsertAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		return *a
	}
	r.svc.Close()
	r.clk.Advance(3 * policy.Day)
	now := r.clk.Now()
	forgotten := row("+447400123450", now.Add(-LookupWindow-policy.Day-time.Minute))
	recent := row("+447400123451", now.Add(-time.Hour))

	lc := &listCounter{Caller: r.client}
	r.svc = r.newService(defaultSettings(), lc)
	if n := lc.lists.Load(); n != 1 {
		t.Fatalf("Start listed calls %d times, want once (the recent row only)", n)
	}
	got := r.attempt(forgotten.ID)
	if got.State != record.StateUnknown || got.Outcome != record.OutcomeUnknown || !got.EndedAt.Equal(now) ||
		!strings.HasPrefix(got.Error, "the look-up gave up: the run that placed this call stopped") ||
		!strings.Contains(got.Error, "no run finished looking it up in Restcomm within its 5m0s window") {
		t.Fatalf("the forgotten row: %s/%s ended %v %q", got.State, got.Outcome, got.EndedAt, got.Error)
	}
	if st := r.statuses(forgotten.ID); strings.Join(st, ",") != "placing,unknown" {
		t.Fatalf("the forgotten row's timeline %v, want placing then one unknown end", st)
	}
	if got := r.attempt(recent.ID); got.EndedAt.IsZero() || !strings.Contains(got.Error, "no call to this number") {
		t.Fatalf("the recent row: ended %v %q, want it looked up once and ended", got.EndedAt, got.Error)
	}
	if tr := r.svc.Tracking(); len(tr) != 0 {
		t.Fatalf("Start tracks %+v", tr)
	}
	for _, id := range []int64{forgotten.VerificationID, recent.VerificationID} {
		if v := r.verification(id); v.Status != record.StatusExpired {
			t.Errorf("verification %d: %s, want expired", id, v.Status)
		}
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("reconciliation placed %d calls", n)
	}
}

// TestRetentionPurgesAttemptsEndedUnknown: an attempt whose look-up gave up is anonymised by the retention
// like any other finished attempt, and counted in the purge's audit entry.
func TestRetentionPurgesAttemptsEndedUnknown(t *testing.T) {
	r := newRig(t, nil)
	r.svc.Close()
	r.svc = r.newService(r.svc.set, lostCreates{r.client})
	a := r.placeUnknown("+447400123450")
	r.advance(LookupWindow + 2*time.Second)
	if got := r.attempt(a.ID); got.EndedAt.IsZero() {
		t.Fatalf("the look-up did not give up: %+v", got)
	}
	r.svc.Close()
	r.clk.Advance(31 * policy.Day)
	set := defaultSettings()
	set.Retention = 30 * policy.Day
	r.svc = r.newService(set, r.client)
	r.clk.Advance(0) // the retention runs in the background, on the clock
	got := r.attempt(a.ID)
	if got.Number != "" || got.Error != "" || got.State != record.StateUnknown || got.Outcome != record.OutcomeUnknown {
		t.Fatalf("after the purge: %+v, want it anonymised, its state and outcome kept", got)
	}
	for _, tr := range mustTransitions(t, r, a.ID) {
		if tr.Detail != "" {
			t.Errorf("transition detail kept: %q", tr.Detail)
		}
	}
	if p := r.auditOf(record.AuditPurge); len(p) != 1 || p[0].Detail != "1 attempts older than 30d anonymised" {
		t.Fatalf("purge audit %+v", p)
	}
}

// mustTransitions returns an attempt's timeline.
func mustTransitions(t *testing.T, r *rig, id int64) []record.Transition {
	t.Helper()
	trs, err := r.st.Transitions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return trs
}
