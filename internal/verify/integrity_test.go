package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// deliveredVerification places a call to a number ending 0 and lets it ring out: a missed call, the
// verification awaiting the code. It returns the verification and its code.
func (r *rig) deliveredVerification(number string) (record.Verification, string) {
	r.t.Helper()
	res := r.place(number)
	r.advance(15 * time.Second)
	v := r.verification(res.Verification.ID)
	if v.Status != record.StatusAwaitingCode {
		r.t.Fatalf("verification %q, want awaiting-code", v.Status)
	}
	return v, codeOfFrom(r.attempt(res.Attempt.ID).From)
}

// wrongCode is a code of the right length that is not code.
func wrongCode(code string) string {
	if code == "0000" {
		return "1111"
	}
	return "0000"
}

// TestConcurrentWrongChecksAreEachCounted: 50 wrong read-backs at once on one verification with 3 checks
// allowed: exactly 3 are counted, it locks, and the right code is refused afterwards.
func TestConcurrentWrongChecksAreEachCounted(t *testing.T) {
	r := newRig(t, nil)
	v, code := r.deliveredVerification("+447400123450")
	const n = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	var mu sync.Mutex
	counted, closed := 0, 0
	for i := range n {
		op := record.Operator{Name: fmt.Sprintf("op%02d", i), Remote: "local"}
		wg.Go(func() {
			<-start
			_, err := r.svc.Check(context.Background(), op, v.ID, wrongCode(code))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				counted++
			case errors.Is(err, ErrClosed):
				closed++
			default:
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if counted != 3 || closed != n-3 {
		t.Fatalf("%d checks counted, %d refused as closed; want 3 and %d", counted, closed, n-3)
	}
	got := r.verification(v.ID)
	if got.Checks != 3 || got.Status != record.StatusFailed {
		t.Fatalf("verification %q with %d checks, want failed with 3", got.Status, got.Checks)
	}
	checks, err := r.st.Checks(context.Background(), v.ID)
	if err != nil || len(checks) != 3 {
		t.Fatalf("%d checks stored (%v), want 3", len(checks), err)
	}
	if res, err := r.svc.Check(context.Background(), r.op, v.ID, code); !errors.Is(err, ErrClosed) || res.Verified {
		t.Fatalf("right code after the lock: verified %v, %v; want ErrClosed", res.Verified, err)
	}
}

// TestVerifyRacingCancelHasOneWinner: the right read-back and a cancel from another session at once, many
// times over: whichever commits first wins, the other is refused, and the audit log says which.
func TestVerifyRacingCancelHasOneWinner(t *testing.T) {
	r := newRig(t, withRules(t, noLimits))
	wins := map[string]int{}
	for i := range 12 {
		v, code := r.deliveredVerification(fmt.Sprintf("+447400123%03d", i*10))
		var wg sync.WaitGroup
		start := make(chan struct{})
		var checkErr, cancelErr error
		var verified bool
		wg.Go(func() {
			<-start
			var res CheckResult
			res, checkErr = r.svc.Check(context.Background(), r.op, v.ID, code)
			verified = res.Verified
		})
		wg.Go(func() {
			<-start
			cancelErr = r.svc.Cancel(context.Background(), record.Operator{Name: "bob", Remote: "local"}, v.ID)
		})
		close(start)
		wg.Wait()
		got := r.verification(v.ID)
		switch {
		case verified && checkErr == nil && errors.Is(cancelErr, ErrClosed):
			if got.Status != record.StatusVerified {
				t.Fatalf("check won but the verification is %q", got.Status)
			}
			wins["check"]++
		case cancelErr == nil && errors.Is(checkErr, ErrClosed) && !verified:
			if got.Status != record.StatusCanceled {
				t.Fatalf("cancel won but the verification is %q", got.Status)
			}
			wins["cancel"]++
		default:
			t.Fatalf("no single winner: check %v (verified %v), cancel %v, verification %q", checkErr, verified, cancelErr, got.Status)
		}
		entries, err := r.st.Audit(context.Background(), record.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var checked, canceled int
		for _, e := range entries {
			if e.VerificationID != v.ID {
				continue
			}
			switch e.Action {
			case record.AuditCodeChecked:
				checked++
			case record.AuditCancel:
				canceled++
			}
		}
		if checked+canceled != 1 {
			t.Fatalf("audit has %d checks and %d cancels for one race; want exactly one entry", checked, canceled)
		}
	}
	t.Logf("winners: %v", wins)
}

// TestExpiryNeverOverwritesAVerifiedVerification: a stale copy of an open verification past its deadline must
// not expire it once another session verified it.
func TestExpiryNeverOverwritesAVerifiedVerification(t *testing.T) {
	r := newRig(t, nil)
	v, code := r.deliveredVerification("+447400123450")
	stale := v
	if res, err := r.svc.Check(context.Background(), r.op, v.ID, code); err != nil || !res.Verified {
		t.Fatalf("check: %v %v", res.Verified, err)
	}
	r.clk.Advance(10 * time.Minute)
	if r.svc.expireIfDue(context.Background(), &stale) && stale.Status != record.StatusVerified {
		t.Fatalf("expiry of a stale copy reported %q", stale.Status)
	}
	if got := r.verification(v.ID); got.Status != record.StatusVerified {
		t.Fatalf("verification %q after a stale expiry, want verified", got.Status)
	}
}

// TestOneLiveCallPerNumberAcrossProcesses: two services on two connections to one history file (two
// flashcall processes), 10 goroutines each, all dialling one number at once: exactly one call is placed.
func TestOneLiveCallPerNumberAcrossProcesses(t *testing.T) {
	r := newRig(t, withRules(t, noLimits))
	svc2 := r.secondProcess(withRules(t, noLimits))
	var wg sync.WaitGroup
	results := make([][3]int, 2)
	for i, svc := range []*Service{r.svc, svc2} {
		numbers := make([]string, 10)
		for j := range numbers {
			numbers[j] = "+447400123450"
		}
		wg.Go(func() {
			p, ref, l := dialAll(t, svc, numbers, fmt.Sprintf("p%d-", i))
			if len(ref) != 0 {
				t.Errorf("policy refusals %v", ref)
			}
			results[i] = [3]int{p, 0, l}
		})
	}
	wg.Wait()
	if placed, live := results[0][0]+results[1][0], results[0][2]+results[1][2]; placed != 1 || live != 19 {
		t.Fatalf("placed %d, refused as live %d; want 1 and 19", placed, live)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("the simulator received %d calls, want 1", n)
	}
}
