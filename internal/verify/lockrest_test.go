package verify

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// lockVerification delivers a call to number and reads back a wrong code until the verification locks.
func (r *rig) lockVerification(number string) {
	r.t.Helper()
	v, code := r.deliveredVerification(number)
	for i := 0; i < v.MaxChecks; i++ {
		if _, err := r.svc.Check(context.Background(), r.op, v.ID, wrongCode(code)); err != nil {
			r.t.Fatalf("wrong check %d: %v", i+1, err)
		}
	}
}

// TestLockedNumberRestsForTheCooldown: after max_checks wrong read-backs, a new verification of the same
// number is refused by policy.locked until the cooldown has passed; other numbers are not affected.
func TestLockedNumberRestsForTheCooldown(t *testing.T) {
	r := newRig(t, withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.Cooldown = time.Hour
	}))
	const number = "+447400123450"
	r.lockVerification(number)
	lockedAt := r.clk.Now()

	_, err := r.svc.Place(context.Background(), r.op, number)
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RuleLocked {
		t.Fatalf("new verification after the lock: %v, want a refusal by policy.locked", err)
	}
	if want := lockedAt.Add(time.Hour); !ref.RetryAfter.Equal(want) {
		t.Errorf("retry after %v, want %v (an hour after the lock)", ref.RetryAfter, want)
	}
	if _, err := r.svc.Place(context.Background(), r.op, "+447400123460"); err != nil {
		t.Fatalf("another number: %v", err)
	}
	r.advance(time.Hour)
	if _, err := r.svc.Place(context.Background(), r.op, number); err != nil {
		t.Fatalf("after the cooldown: %v", err)
	}
}

// TestLockRestHoldsUnderConcurrentPlacements: 20 sessions in two processes try to start a new verification of
// a locked number at once; every one is refused (by the lock rest, or because another session's placement of
// the number is under way), and the simulator is never asked to dial it again.
func TestLockRestHoldsUnderConcurrentPlacements(t *testing.T) {
	r := newRig(t, withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.Cooldown = time.Hour
	}))
	const number = "+447400123450"
	r.lockVerification(number)
	other := r.secondProcess(withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.Cooldown = time.Hour
	}))
	before := len(r.sim.CallLog())
	var wg sync.WaitGroup
	errs := make([]error, 20)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			svc := r.svc
			if i%2 == 1 {
				svc = other
			}
			_, errs[i] = svc.Place(context.Background(), r.op, number)
		}()
	}
	close(start)
	wg.Wait()
	locked := 0
	for i, err := range errs {
		var ref *policy.Refusal
		switch {
		case errors.As(err, &ref) && ref.Rule == policy.RuleLocked:
			locked++
		case errors.Is(err, ErrLiveCall):
		default:
			t.Errorf("placement %d: %v, want a refusal by policy.locked or ErrLiveCall", i, err)
		}
	}
	if locked < 2 {
		t.Errorf("%d placements reached the lock rest, want at least one per process", locked)
	}
	if n := len(r.sim.CallLog()) - before; n != 0 {
		t.Fatalf("%d calls dialled to a locked number", n)
	}
}

// TestPerOperatorLimitIsThePersonsWhicheverKey: alice with two SSH keys has one per-operator limit, not two.
func TestPerOperatorLimitIsThePersonsWhicheverKey(t *testing.T) {
	r := newRig(t, withRules(t, func(ru *policy.Rules) {
		noLimits(ru)
		ru.PerOperator = policy.Limit{Count: 2, Window: time.Hour}
	}))
	laptop := record.Operator{Name: "alice", Remote: "192.0.2.1:50000", Fingerprint: "SHA256:laptopkey0000000"}
	phone := record.Operator{Name: "alice", Remote: "192.0.2.2:50000", Fingerprint: "SHA256:phonekey00000000"}
	bob := record.Operator{Name: "bob", Remote: "192.0.2.3:50000", Fingerprint: "SHA256:bobkey0000000000"}
	ctx := context.Background()
	if _, err := r.svc.Place(ctx, laptop, "+447400123450"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Place(ctx, phone, "+447400123460"); err != nil {
		t.Fatal(err)
	}
	_, err := r.svc.Place(ctx, phone, "+447400123470")
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RulePerOperator {
		t.Fatalf("alice's third call from her second key: %v, want a refusal by the per-operator limit", err)
	}
	if _, err := r.svc.Place(ctx, bob, "+447400123480"); err != nil {
		t.Fatalf("bob is not alice: %v", err)
	}
}
