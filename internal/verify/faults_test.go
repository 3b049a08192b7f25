package verify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestAmbiguousCreateIsFoundNotRedialled(t *testing.T) {
	r := newRig(t, nil)
	cc := &countingCaller{Caller: r.client}
	r.svc = r.newService(r.svc.set, cc)
	r.sim.SetFaults(sim.Faults{DropAfterCreate: 1})
	res, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	if !errors.Is(err, restcomm.ErrOutcomeUnknown) {
		t.Fatalf("Place: %v, want an unknown outcome", err)
	}
	if res.Attempt.State != record.StateUnknown || res.Attempt.CallSID != "" {
		t.Fatalf("attempt %s sid %q, want unknown without SID", res.Attempt.State, res.Attempt.CallSID)
	}
	r.advance(2 * time.Second)
	a := r.attempt(res.Attempt.ID)
	log := r.sim.CallLog()
	if len(log) != 1 {
		t.Fatalf("simulator placed %d calls, want exactly 1", len(log))
	}
	if a.CallSID != log[0].SID || a.State != record.StateLive {
		t.Fatalf("reconciled attempt: sid %q state %s, want %s live", a.CallSID, a.State, log[0].SID)
	}
	r.advance(12 * time.Second)
	if a := r.attempt(res.Attempt.ID); a.Outcome != record.OutcomeDelivered {
		t.Fatalf("outcome %q, want delivered", a.Outcome)
	}
	if cc.creates != 1 {
		t.Fatalf("%d create requests, want 1", cc.creates)
	}
}

func TestCreateRefusedIsRecordedAndNotRetried(t *testing.T) {
	r := newRig(t, nil)
	r.sim.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpCreate: 1}})
	cc := &countingCaller{Caller: r.client}
	r.svc = r.newService(r.svc.set, cc)
	res, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	var apiErr *restcomm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("Place: %v, want a 500 APIError", err)
	}
	a := r.attempt(res.Attempt.ID)
	if a.State != record.StateNotPlaced || a.Error == "" {
		t.Fatalf("attempt %s error %q, want not-placed with the reason", a.State, a.Error)
	}
	if v := r.verification(a.VerificationID); v.Status != record.StatusNotDelivered {
		t.Fatalf("verification %q, want not-delivered", v.Status)
	}
	r.advance(5 * time.Second)
	if cc.creates != 1 || len(r.sim.CallLog()) != 0 {
		t.Fatalf("creates %d, calls %d: want 1 request and no call", cc.creates, len(r.sim.CallLog()))
	}
}

func TestConnectionRefusedOnCreate(t *testing.T) {
	r := newRig(t, nil)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	c, err := restcomm.New(deadURL+"/restcomm", r.sim.AccountSID(), r.sim.AuthToken())
	if err != nil {
		t.Fatal(err)
	}
	r.svc = r.newService(r.svc.set, c)
	res, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	if err == nil || errors.Is(err, restcomm.ErrOutcomeUnknown) {
		t.Fatalf("Place: %v, want a not-sent error", err)
	}
	if a := r.attempt(res.Attempt.ID); a.State != record.StateNotPlaced {
		t.Fatalf("attempt %s, want not-placed", a.State)
	}
}

func TestHistoryWriteFailureMeansNoCall(t *testing.T) {
	r := newRig(t, nil)
	r.st.Close()
	_, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	if !errors.Is(err, ErrHistory) {
		t.Fatalf("Place with a closed history: %v, want ErrHistory", err)
	}
	if !strings.Contains(err.Error(), "NOT placed") {
		t.Fatalf("message does not tell the operator: %v", err)
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("simulator placed %d calls although the attempt was not written", n)
	}
}

func TestTrackingErrorsKeepLastStateMarkedStale(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	r.sim.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpGet: 1}})
	r.advance(2 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Status != "ringing" || a.StaleSince.IsZero() || a.Error == "" {
		t.Fatalf("during GET errors: status %q stale %v err %q, want ringing, stale, with the error", a.Status, a.StaleSince, a.Error)
	}
	r.sim.SetFaults(sim.Faults{})
	r.advance(10 * time.Second)
	a = r.attempt(res.Attempt.ID)
	if a.Outcome != record.OutcomeDelivered || !a.StaleSince.IsZero() {
		t.Fatalf("after recovery: outcome %q stale %v", a.Outcome, a.StaleSince)
	}
}

// switchCaller sends GETs to a second client once switched: a token rotated in mid-session.
type switchCaller struct {
	Caller
	mu      sync.Mutex
	bad     Caller
	on      bool
	badGets int
}

func (s *switchCaller) GetCall(ctx context.Context, sid string) (*restcomm.Call, error) {
	s.mu.Lock()
	on := s.on
	if on {
		s.badGets++
	}
	s.mu.Unlock()
	if on {
		return s.bad.GetCall(ctx, sid)
	}
	return s.Caller.GetCall(ctx, sid)
}

func TestUnauthorizedMidSessionPausesPollingAndSaysWhy(t *testing.T) {
	r := newRig(t, nil)
	bad, err := restcomm.New(r.simSrv.URL+"/restcomm", r.sim.AccountSID(), "rotated-token-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	sc := &switchCaller{Caller: r.client, bad: bad}
	r.svc = r.newService(r.svc.set, sc)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	sc.mu.Lock()
	sc.on = true
	sc.mu.Unlock()
	r.advance(20 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Status != "ringing" || a.StaleSince.IsZero() {
		t.Fatalf("status %q stale %v: the last known state must stay, marked stale", a.Status, a.StaleSince)
	}
	sc.mu.Lock()
	gets := sc.badGets
	sc.mu.Unlock()
	if gets > 2 {
		t.Fatalf("%d GETs with rejected credentials in 20s: a retry storm", gets)
	}
	var notice string
	for {
		select {
		case ev := <-r.events:
			if ev.Kind == EventNotice {
				notice = ev.Notice
			}
			continue
		default:
		}
		break
	}
	if !strings.Contains(notice, "credentials") || strings.Contains(notice, "rotated-token") {
		t.Fatalf("notice %q: want a credentials message without the token", notice)
	}
}

func TestRestartReconcilesLiveAttemptWithoutDialling(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	// The process dies: the service is dropped without tracking the call to its end.
	r.svc.Close()
	r.advance(12 * time.Second)
	cc := &countingCaller{Caller: r.client}
	r.svc = r.newService(defaultSettings(), cc)
	a := r.attempt(res.Attempt.ID)
	if a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("after restart: %s/%s, want ended/delivered", a.State, a.Outcome)
	}
	if cc.creates != 0 || len(r.sim.CallLog()) != 1 {
		t.Fatalf("restart dialled: %d creates, %d calls", cc.creates, len(r.sim.CallLog()))
	}
	if v := r.verification(res.Verification.ID); v.Status != record.StatusAwaitingCode {
		t.Fatalf("verification %q, want awaiting-code", v.Status)
	}
}

func TestRestartFindsACallPlacedJustBeforeTheCrash(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	// A write-ahead row with no SID, as a process killed between the write and the reply leaves it...
	v := &record.Verification{Number: "+447400123450", CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute),
		Status: record.StatusCalling, MaxChecks: 3}
	if err := r.st.CreateVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	a := &record.Attempt{VerificationID: v.ID, CreatedAt: t0, UpdatedAt: t0, Number: "+447400123450",
		From: "447418340465", State: record.StatePlacing}
	if err := r.st.InsertAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	// ...while the create did reach Restcomm.
	if _, err := r.client.CreateCall(ctx, restcomm.CallParams{From: "447418340465", To: "+447400123450",
		URL: r.rcml.URL + "/rcml.xml", Timeout: 10}); err != nil {
		t.Fatal(err)
	}
	cc := &countingCaller{Caller: r.client}
	r.svc.Close()
	r.svc = r.newService(defaultSettings(), cc)
	got := r.attempt(a.ID)
	if got.CallSID != r.sim.CallLog()[0].SID {
		t.Fatalf("reconciled SID %q, want %q", got.CallSID, r.sim.CallLog()[0].SID)
	}
	r.advance(12 * time.Second)
	if got := r.attempt(a.ID); got.Outcome != record.OutcomeDelivered {
		t.Fatalf("outcome %q", got.Outcome)
	}
	if cc.creates != 0 || len(r.sim.CallLog()) != 1 {
		t.Fatalf("reconciliation dialled: %d creates, %d calls", cc.creates, len(r.sim.CallLog()))
	}
}
