package verify

import (
	"context"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Refusals. Place, Retry and Supersede return a *policy.Refusal, whose message (rule, reason, when to try
// again) the console and `flashcall call` show as it is; they match it with errors.As. Every refusal is
// recorded as an attempt in state "blocked" with the message as its Error, and audited:
//   - a refused new verification is stored with status "blocked" and the message as its Reason, so the
//     history shows "blocked" for it;
//   - a refused retry of an open verification gets the blocked attempt, and the verification stays open
//     (the operator may retry when the refusal says).
// Blocked attempts never count towards the limits. Invalid numbers (a *NumberError) and a second call to a
// number that is being called (ErrLiveCall) are not policy refusals and are not recorded.

// refuse records a refusal for num (as a retry of open when it is set) and returns ref.
func (s *Service) refuse(ctx context.Context, op record.Operator, num policy.Number, open *record.Verification, ref *policy.Refusal) error {
	now := s.clk.Now()
	msg := ref.Error()
	a := record.Attempt{
		CreatedAt: now, UpdatedAt: now, EndedAt: now,
		Operator: op.String(), Remote: op.Remote,
		Number: num.E164, Country: num.Region, LineType: string(num.Type),
		Error: msg,
	}
	var v record.Verification
	if open != nil {
		v = *open
	} else {
		v = s.newVerification(op, num)
		v.ExpiresAt = now
		v.Status = record.StatusBlocked
		v.Reason = msg
	}
	if err := s.st.RecordBlocked(ctx, &v, &a); err != nil {
		s.log.Error("blocked attempt not recorded", "rule", ref.Rule, "err", err)
	}
	s.observer().Refused(ref.Rule)
	s.log.Info("call refused", "rule", ref.Rule, "number", record.MaskNumber(num.E164), "operator", op.String(),
		"remote", op.Remote, "attempt", a.ID)
	s.audit(ctx, op, record.AuditRefusal, num.E164, v.ID, a.ID, msg)
	if a.ID != 0 {
		s.publish(Event{Kind: EventAttempt, Attempt: a, Verification: v})
	}
	return ref
}

// limitCheck is the check InsertAttemptChecked runs inside its write transaction.
func (s *Service) limitCheck(op record.Operator, num policy.Number, now time.Time) func(context.Context, store.LimitQuerier) error {
	return func(ctx context.Context, q store.LimitQuerier) error {
		lift := lifter(q, num.E164, now) // overrides: see override.go
		if err := pauseInTx(ctx, q, num, lift); err != nil {
			return err
		}
		return s.set.Policy.CheckLimits(ctx, counter{q}, policy.Request{Number: num.E164, Operator: op.Who(), Now: now,
			Started: s.started, Lift: lift})
	}
}

// counter lets the policy count through the store's transaction.
type counter struct{ q store.LimitQuerier }

// CountCalls implements policy.Counter.
func (c counter) CountCalls(ctx context.Context, sc policy.Scope, since time.Time) (int, error) {
	return c.q.CountCalls(ctx, store.CallFilter(sc), since)
}

// NthCall implements policy.Counter.
func (c counter) NthCall(ctx context.Context, sc policy.Scope, since time.Time, n int) (time.Time, error) {
	return c.q.NthCall(ctx, store.CallFilter(sc), since, n)
}

// LastLocked implements policy.Counter.
func (c counter) LastLocked(ctx context.Context, number string) (time.Time, error) {
	return c.q.LastLocked(ctx, number)
}

// BilledMinutes implements policy.Counter.
func (c counter) BilledMinutes(ctx context.Context, since, until time.Time) (int, error) {
	return c.q.BilledMinutes(ctx, since, until)
}

// UndeliveredStreak implements policy.Counter.
func (c counter) UndeliveredStreak(ctx context.Context, number string, max int) (int, time.Time, error) {
	return c.q.UndeliveredStreak(ctx, number, max)
}
