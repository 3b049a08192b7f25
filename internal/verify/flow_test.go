package verify

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

func TestMissedCallThenRightDigitsVerifies(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	if res.Retry {
		t.Fatal("a first call must not be a retry")
	}
	if res.Attempt.CallSID == "" || res.Attempt.State != record.StateLive {
		t.Fatalf("after Place: state %q sid %q, want live with a SID", res.Attempt.State, res.Attempt.CallSID)
	}
	if res.Verification.Status != record.StatusCalling {
		t.Fatalf("verification %q, want calling", res.Verification.Status)
	}
	r.advance(3 * time.Second)
	if a := r.attempt(res.Attempt.ID); a.Status != "ringing" || !a.RingingSeen {
		t.Fatalf("at 3s: status %q ringing seen %v, want ringing", a.Status, a.RingingSeen)
	}
	r.advance(9 * time.Second)
	a := r.attempt(res.Attempt.ID)
	// Restcomm 8.4+: a rung-out call ends canceled, with a duration of about the ring time. Delivered, not answered.
	if a.State != record.StateEnded || a.Status != "canceled" || a.Outcome != record.OutcomeDelivered || a.Duration <= 0 {
		t.Fatalf("after timeout: %s/%s/%s duration %d, want ended/canceled/delivered with a duration", a.State, a.Status, a.Outcome, a.Duration)
	}
	if got := r.statuses(a.ID); !slices.Equal(got, []string{"placing", "queued", "ringing", "canceled"}) {
		t.Fatalf("timeline %v", got)
	}
	v := r.verification(res.Verification.ID)
	if v.Status != record.StatusAwaitingCode {
		t.Fatalf("verification %q, want awaiting-code", v.Status)
	}
	ctx := context.Background()
	wrong := "0000"
	if codeOfFrom(a.From) == wrong {
		wrong = "1111"
	}
	cr, err := r.svc.Check(ctx, r.op, v.ID, wrong)
	if err != nil || cr.Verified || cr.ChecksLeft != 2 {
		t.Fatalf("wrong digits: %+v %v, want not verified with 2 left", cr, err)
	}
	cr, err = r.svc.Check(ctx, r.op, v.ID, codeOfFrom(a.From))
	if err != nil || !cr.Verified || cr.Verification.Status != record.StatusVerified {
		t.Fatalf("right digits: %+v %v, want verified", cr, err)
	}
	checks, _ := r.st.Checks(ctx, v.ID)
	if len(checks) != 2 || checks[0].OK || !checks[1].OK || checks[1].Operator != "alice" {
		t.Fatalf("checks %+v", checks)
	}
	if _, err := r.svc.Check(ctx, r.op, v.ID, codeOfFrom(a.From)); !errors.Is(err, ErrClosed) {
		t.Fatalf("check after verified: %v, want ErrClosed", err)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("simulator placed %d calls, want 1", n)
	}
}

func TestWrongDigitsLockAfterMaxChecks(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123451")
	r.advance(12 * time.Second)
	a := r.attempt(res.Attempt.ID)
	wrong := "9999"
	if codeOfFrom(a.From) == wrong {
		wrong = "8888"
	}
	ctx := context.Background()
	var cr CheckResult
	var err error
	for i := 0; i < 3; i++ {
		cr, err = r.svc.Check(ctx, r.op, res.Verification.ID, wrong)
		if err != nil {
			t.Fatalf("check %d: %v", i, err)
		}
	}
	if cr.Verification.Status != record.StatusFailed || cr.ChecksLeft != 0 {
		t.Fatalf("after 3 wrong: %+v, want failed with 0 left", cr)
	}
	if _, err := r.svc.Check(ctx, r.op, res.Verification.ID, codeOfFrom(a.From)); !errors.Is(err, ErrClosed) {
		t.Fatalf("the right code after lock-out: %v, want ErrClosed", err)
	}
}

func TestCheckRefusesMalformedDigitsWithoutCounting(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123452")
	r.advance(12 * time.Second)
	for _, in := range []string{"12", "12345", "12a4", ""} {
		if _, err := r.svc.Check(context.Background(), r.op, res.Verification.ID, in); err == nil {
			t.Fatalf("Check(%q) accepted", in)
		}
	}
	if v := r.verification(res.Verification.ID); v.Checks != 0 {
		t.Fatalf("malformed input counted %d checks", v.Checks)
	}
}

func TestCheckBeforeDeliveryIsRefused(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123453")
	if _, err := r.svc.Check(context.Background(), r.op, res.Verification.ID, "1234"); !errors.Is(err, ErrNotAwaitingCode) {
		t.Fatalf("check while ringing: %v, want ErrNotAwaitingCode", err)
	}
}

func TestOutcomesByLastDigit(t *testing.T) {
	cases := []struct {
		number, status string
		outcome        record.Outcome
		verification   record.Status
	}{
		{"+447400123450", "canceled", record.OutcomeDelivered, record.StatusAwaitingCode},
		{"+447400123455", "busy", record.OutcomeBusy, record.StatusNotDelivered},
		{"+447400123456", "completed", record.OutcomeAnswered, record.StatusAwaitingCode},
		{"+447400123457", "busy", record.OutcomeBusy, record.StatusNotDelivered},
		{"+447400123458", "failed", record.OutcomeFailed, record.StatusNotDelivered},
		{"+447400123459", "failed", record.OutcomeFailed, record.StatusNotDelivered},
		{"+447400123454", "queued", record.OutcomeNotDelivered, record.StatusNotDelivered},
	}
	for _, c := range cases {
		t.Run(c.number, func(t *testing.T) {
			r := newRig(t, nil)
			res := r.place(c.number)
			r.advance(r.svc.queuedLimit() + 2*time.Second)
			a := r.attempt(res.Attempt.ID)
			if a.Status != c.status || a.Outcome != c.outcome || a.State != record.StateEnded {
				t.Fatalf("got %s/%s/%s, want ended/%s/%s", a.State, a.Status, a.Outcome, c.status, c.outcome)
			}
			if v := r.verification(res.Verification.ID); v.Status != c.verification {
				t.Fatalf("verification %q, want %q", v.Status, c.verification)
			}
			if c.outcome == record.OutcomeAnswered && (a.Duration <= 0 || a.AnsweredBy == "") {
				t.Fatalf("answered call without duration/answered_by: %+v", a)
			}
		})
	}
}

func TestRetryUsesAnotherCallerIDAndIsTheSameVerification(t *testing.T) {
	r := newRig(t, nil)
	first := r.place("+447400123457") // busy
	r.advance(5 * time.Second)
	if v := r.verification(first.Verification.ID); v.Status != record.StatusNotDelivered {
		t.Fatalf("after busy: %q", v.Status)
	}
	second, err := r.svc.Retry(context.Background(), r.op, first.Verification.ID)
	if err != nil {
		t.Fatal(err)
	}
	if second.Verification.ID != first.Verification.ID || !second.Retry {
		t.Fatalf("retry made verification %d (retry=%v), want %d", second.Verification.ID, second.Retry, first.Verification.ID)
	}
	if second.Attempt.From == first.Attempt.From {
		t.Fatalf("retry reused caller ID %s while the pool has another", first.Attempt.From)
	}
	// Typing the same number again while the verification is open is a retry too.
	r.advance(5 * time.Second)
	third := r.place("+44 7400 123457")
	if !third.Retry || third.Verification.ID != first.Verification.ID {
		t.Fatalf("re-entering the number: retry=%v verification %d", third.Retry, third.Verification.ID)
	}
}

func TestSecondCallWhileLiveIsRefused(t *testing.T) {
	r := newRig(t, nil)
	r.place("+447400123450")
	if _, err := r.svc.Place(context.Background(), r.op, "+447400123450"); !errors.Is(err, ErrLiveCall) {
		t.Fatalf("second Place while ringing: %v, want ErrLiveCall", err)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("simulator placed %d calls, want 1", n)
	}
}

func TestHangUpWhileRingingDeliversTheMissedCall(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.advance(2 * time.Second)
	if err := r.svc.HangUp(context.Background(), r.op, res.Attempt.ID); err != nil {
		t.Fatal(err)
	}
	r.advance(2 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Status != "canceled" || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("after hang-up: %s/%s, want canceled/delivered", a.Status, a.Outcome)
	}
	if !slices.Contains(r.statuses(a.ID), "hang-up-requested") {
		t.Fatalf("timeline lacks the operator's hang-up: %v", r.statuses(a.ID))
	}
	if err := r.svc.HangUp(context.Background(), r.op, res.Attempt.ID); !errors.Is(err, ErrNotLive) {
		t.Fatalf("second hang-up: %v, want ErrNotLive", err)
	}
}

func TestExpiry(t *testing.T) {
	r := newRig(t, nil)
	res := r.place("+447400123450")
	r.advance(12 * time.Second)
	r.clk.Advance(5 * time.Minute)
	v := r.verification(res.Verification.ID)
	if v.Status != record.StatusExpired {
		t.Fatalf("after 5m: %q, want expired", v.Status)
	}
	a := r.attempt(res.Attempt.ID)
	if _, err := r.svc.Check(context.Background(), r.op, v.ID, codeOfFrom(a.From)); !errors.Is(err, ErrClosed) {
		t.Fatalf("check after expiry: %v, want ErrClosed", err)
	}
	// A new request for the number starts a new verification.
	res2 := r.place("+447400123450")
	if res2.Retry || res2.Verification.ID == v.ID {
		t.Fatal("a request after expiry must start a new verification")
	}
}

func TestCancelAndReportNoCall(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	res := r.place("+447400123450")
	r.advance(12 * time.Second)
	if err := r.svc.ReportNoCall(ctx, r.op, res.Verification.ID); err != nil {
		t.Fatal(err)
	}
	v := r.verification(res.Verification.ID)
	if v.Status != record.StatusNotDelivered {
		t.Fatalf("after 'no call': %q, want not-delivered", v.Status)
	}
	a := r.attempt(res.Attempt.ID)
	if _, err := r.svc.Check(ctx, r.op, v.ID, codeOfFrom(a.From)); !errors.Is(err, ErrNotAwaitingCode) {
		t.Fatalf("the code of a call the customer never saw was accepted: %v", err)
	}
	retry, err := r.svc.Retry(ctx, r.op, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.advance(2 * time.Second)
	if err := r.svc.Cancel(ctx, r.op, v.ID); err != nil {
		t.Fatal(err)
	}
	r.advance(2 * time.Second)
	if v := r.verification(v.ID); v.Status != record.StatusCanceled {
		t.Fatalf("after cancel: %q", v.Status)
	}
	if a := r.attempt(retry.Attempt.ID); a.State != record.StateEnded || a.Status != "canceled" {
		t.Fatalf("cancel left the live call %s/%s", a.State, a.Status)
	}
}

func TestInvalidNumberIsRefusedBeforeAnything(t *testing.T) {
	r := newRig(t, nil)
	for _, in := range []string{"hello", "+44 12", "07400123450"} {
		_, err := r.svc.Place(context.Background(), r.op, in)
		var ne *NumberError
		if !errors.As(err, &ne) || ne.Reason == "" {
			t.Fatalf("Place(%q): %v, want a NumberError with a reason", in, err)
		}
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("simulator placed %d calls for invalid numbers", n)
	}
	hist, _ := r.st.History(context.Background(), store.HistoryQuery{})
	if len(hist) != 0 {
		t.Fatalf("invalid numbers wrote %d attempts", len(hist))
	}
}

func TestOperatorIsStoredWithTheAttempt(t *testing.T) {
	r := newRig(t, nil)
	r.op = record.Operator{Name: "bob", Remote: "10.0.0.9:5555", Fingerprint: "SHA256:abcdefghijklmnopqrstuvwxyz"}
	res := r.place("+447400123450")
	a := r.attempt(res.Attempt.ID)
	if a.Operator != "bob (SHA256:abcdefghi)" || a.Remote != "10.0.0.9:5555" {
		t.Fatalf("operator %q remote %q", a.Operator, a.Remote)
	}
}
