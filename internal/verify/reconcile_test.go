package verify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// settleAsync runs Settle in the background and returns once it has armed its time limit (the only timer
// armed while the clock stands still); the channel delivers what Settle left.
func (r *rig) settleAsync() <-chan []record.Attempt {
	r.t.Helper()
	armed := r.clk.Changed()
	ch := make(chan []record.Attempt, 1)
	go func() { ch <- r.svc.Settle(context.Background()) }()
	select {
	case <-armed:
	case <-time.After(30 * time.Second):
		r.t.Fatal("Settle armed no timer")
	}
	return ch
}

// settled waits for a Settle started by settleAsync; the bound only turns a hang into a failure.
func settled(t *testing.T, ch <-chan []record.Attempt) []record.Attempt {
	t.Helper()
	select {
	case left := <-ch:
		return left
	case <-time.After(30 * time.Second):
		t.Fatal("Settle did not return")
		return nil
	}
}

// TestSettleFollowsACallAKilledRunLeftRinging: a run that starts while an earlier, killed run's call is still
// ringing takes it over, and Settle returns only once that call's end is stored.
func TestSettleFollowsACallAKilledRunLeftRinging(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	r.svc.Close() // the process is killed with the call ringing
	r.svc = r.newService(defaultSettings(), r.client)
	if a := r.attempt(res.Attempt.ID); a.State != record.StateLive {
		t.Fatalf("after the restart: %s, want live (still ringing)", a.State)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if left := r.svc.Settle(ctx); len(left) != 1 || left[0].CallSID != res.Attempt.CallSID {
		t.Fatalf("Settle with ctx done left %+v, want the ringing call", left)
	}
	done := r.settleAsync()
	r.advance(12 * time.Second)
	if left := settled(t, done); len(left) != 0 {
		t.Fatalf("Settle left %+v", left)
	}
	if a := r.attempt(res.Attempt.ID); a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("after Settle: %s/%s, want ended/delivered", a.State, a.Outcome)
	}
}

// TestSettleLeavesALookUpToTheNextStart: a write-ahead row whose create never reached Restcomm is not waited
// out by Settle; it stays unknown with a note and holds its number until the look-up window ends, then ends.
func TestSettleLeavesALookUpToTheNextStart(t *testing.T) {
	r := newRig(t, func(s *Settings) { s.Expiry = time.Hour })
	ctx := context.Background()
	v := &record.Verification{Number: "+447400123450", CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(time.Hour),
		Status: record.StatusCalling, MaxChecks: 3}
	if err := r.st.CreateVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	a := &record.Attempt{VerificationID: v.ID, CreatedAt: t0, UpdatedAt: t0, Number: "+447400123450",
		From: "447418340465", State: record.StatePlacing}
	if err := r.st.InsertAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	r.svc.Close()
	set := defaultSettings()
	set.Expiry = time.Hour
	r.svc = r.newService(set, r.client)
	left := r.svc.Settle(ctx)
	if len(left) != 1 || left[0].ID != a.ID || left[0].CallSID != "" {
		t.Fatalf("Settle left %+v, want the attempt still being looked up", left)
	}
	got := r.attempt(a.ID)
	if got.State != record.StateUnknown || got.Outcome != record.OutcomeUnknown || got.Error == "" || !got.EndedAt.IsZero() {
		t.Fatalf("attempt %s/%s %q ended %v, want unknown with a note and still open", got.State, got.Outcome, got.Error, got.EndedAt)
	}
	if _, err := r.svc.Place(ctx, r.op, "+447400123450"); !errors.Is(err, ErrLiveCall) {
		t.Fatalf("a second call during the look-up: %v, want ErrLiveCall", err)
	}
	r.advance(LookupWindow + 2*time.Second)
	got = r.attempt(a.ID)
	if got.State != record.StateUnknown || got.EndedAt.IsZero() || got.Error == "" {
		t.Fatalf("after the window: %s ended %v %q, want ended as unknown with a note", got.State, got.EndedAt, got.Error)
	}
	if len(r.svc.Tracking()) != 0 {
		t.Fatalf("still tracking %+v", r.svc.Tracking())
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("reconciliation placed %d calls", n)
	}
}

// failingGets makes every GetCall fail, so a tracked call goes stale and no bound ends it.
type failingGets struct{ Caller }

func (failingGets) GetCall(context.Context, string) (*restcomm.Call, error) {
	return nil, errors.New("network down")
}

// TestSettleGivesUp: a call whose state cannot be read any more is not waited for beyond the longest a call
// can take; Settle then leaves it live for the next start.
func TestSettleGivesUp(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.svc.Close()
	r.svc = r.newService(defaultSettings(), failingGets{r.client})
	done := r.settleAsync()
	r.advance(r.svc.settleLimit() - time.Second)
	select {
	case left := <-done:
		t.Fatalf("Settle gave up before its limit, leaving %+v", left)
	default:
	}
	r.advance(2 * time.Second)
	if left := settled(t, done); len(left) != 1 || left[0].CallSID != res.Attempt.CallSID {
		t.Fatalf("Settle left %+v, want the unreadable call", left)
	}
	if a := r.attempt(res.Attempt.ID); a.State != record.StateLive {
		t.Fatalf("the unreadable call is %s, want it left live for the next start", a.State)
	}
}
