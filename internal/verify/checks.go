package verify

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/store"
)

// Check compares the digits the customer read back with the caller ID of the last delivered call. The
// expected code never leaves this function; only the result and the checks left do.
func (s *Service) Check(ctx context.Context, op Operator, verificationID int64, digits string) (CheckResult, error) {
	digits = strings.TrimSpace(digits)
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return CheckResult{}, err
	}
	if s.expireIfDue(ctx, v) || finalVerification(v.Status) {
		return CheckResult{Verification: *v}, ErrClosed
	}
	if v.Status != store.StatusAwaitingCode {
		return CheckResult{Verification: *v, ChecksLeft: v.MaxChecks - v.Checks}, ErrNotAwaitingCode
	}
	if len(digits) != s.set.CodeDigits || digitsOf(digits) != digits {
		return CheckResult{Verification: *v, ChecksLeft: v.MaxChecks - v.Checks},
			fmt.Errorf("type the last %d digits of the number that called the customer", s.set.CodeDigits)
	}
	want, ok, err := s.expectedCode(ctx, v.ID)
	if err != nil {
		return CheckResult{}, err
	}
	if !ok {
		return CheckResult{Verification: *v}, ErrNotAwaitingCode
	}
	match := subtle.ConstantTimeCompare([]byte(want), []byte(digits)) == 1
	now := s.clk.Now()
	if err := s.st.AddCheck(ctx, store.Check{VerificationID: v.ID, At: now, Operator: op.String(), OK: match}); err != nil {
		return CheckResult{}, fmt.Errorf("the check could not be recorded, try again: %w", err)
	}
	v.Checks++
	v.UpdatedAt = now
	switch {
	case match:
		v.Status = store.StatusVerified
		v.Reason = ""
	case v.Checks >= v.MaxChecks:
		v.Status = store.StatusFailed
		v.Reason = fmt.Sprintf("locked after %d wrong read-backs", v.Checks)
	}
	if err := s.st.UpdateVerification(ctx, v); err != nil {
		return CheckResult{}, fmt.Errorf("the check could not be recorded, try again: %w", err)
	}
	if finalVerification(v.Status) {
		s.stopExpiry(v.ID)
	}
	s.log.Info("code checked", "verification", v.ID, "operator", op.String(), "ok", match)
	s.audit(ctx, op, store.AuditCodeChecked, v.Number, v.ID, 0, checkDetail(match, *v))
	s.publish(Event{Kind: EventVerification, Verification: *v})
	return CheckResult{Verified: match, ChecksLeft: max(0, v.MaxChecks-v.Checks), Verification: *v}, nil
}

// expectedCode is the last CodeDigits digits of the caller ID of the newest delivered attempt.
func (s *Service) expectedCode(ctx context.Context, verificationID int64) (string, bool, error) {
	as, err := s.st.AttemptsFor(ctx, verificationID)
	if err != nil {
		return "", false, err
	}
	var newest *store.Attempt
	for i := range as {
		a := &as[i]
		if !delivered(a.Outcome) || a.NoCallReported {
			continue
		}
		if newest == nil || a.CreatedAt.After(newest.CreatedAt) || (a.CreatedAt.Equal(newest.CreatedAt) && a.ID > newest.ID) {
			newest = a
		}
	}
	if newest == nil {
		return "", false, nil
	}
	return s.codeOf(newest.From), true, nil
}

// codeOf is the code a caller ID carries.
func (s *Service) codeOf(from string) string {
	d := digitsOf(from)
	if len(d) <= s.set.CodeDigits {
		return d
	}
	return d[len(d)-s.set.CodeDigits:]
}

// CodeFor returns the code for a live or recent call, for an RCML document that speaks it to a customer who
// answered.
func (s *Service) CodeFor(callSID string) (string, bool) {
	s.mu.Lock()
	id, ok := s.bySID[callSID]
	var from string
	if ok {
		from = s.live[id].attempt.From
	}
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	return s.codeOf(from), true
}

// Cancel ends an open verification on the operator's request, hanging up its live call if there is one.
func (s *Service) Cancel(ctx context.Context, op Operator, verificationID int64) error {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return err
	}
	if finalVerification(v.Status) {
		return ErrClosed
	}
	s.hangUpLive(ctx, op, verificationID)
	v.Status = store.StatusCanceled
	v.Reason = "canceled by " + op.String()
	v.UpdatedAt = s.clk.Now()
	if err := s.st.UpdateVerification(ctx, v); err != nil {
		return err
	}
	s.stopExpiry(v.ID)
	s.audit(ctx, op, store.AuditCancel, v.Number, v.ID, 0, "verification canceled")
	s.publish(Event{Kind: EventVerification, Verification: *v})
	return nil
}

// ReportNoCall records that the customer saw no call although Restcomm reported one delivered, so the code of
// that call is not accepted and a retry is offered.
func (s *Service) ReportNoCall(ctx context.Context, op Operator, verificationID int64) error {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return err
	}
	if s.expireIfDue(ctx, v) || finalVerification(v.Status) {
		return ErrClosed
	}
	if v.Status == store.StatusCalling {
		return ErrLiveCall
	}
	as, err := s.st.AttemptsFor(ctx, verificationID)
	if err != nil {
		return err
	}
	for i := range as {
		a := as[i]
		if a.NoCallReported || a.State != store.StateEnded {
			continue
		}
		a.NoCallReported = true
		a.UpdatedAt = s.clk.Now()
		if err := s.st.UpdateAttempt(ctx, &a); err != nil {
			return err
		}
		s.addTransition(ctx, a.ID, "no-call-reported", store.SourceOperator, "customer got no call (reported by "+op.String()+")")
	}
	nv := s.afterAttempt(ctx, verificationID)
	s.audit(ctx, op, store.AuditNoCall, v.Number, v.ID, 0, "the customer got no call")
	s.publish(Event{Kind: EventVerification, Verification: nv})
	return nil
}

// checkDetail words a check for the audit log: whether it matched, never the digits.
func checkDetail(match bool, v store.Verification) string {
	switch {
	case match:
		return "matched: verified"
	case v.Status == store.StatusFailed:
		return fmt.Sprintf("did not match: locked after %d read-backs", v.Checks)
	}
	return fmt.Sprintf("did not match: %d of %d read-backs left", max(0, v.MaxChecks-v.Checks), v.MaxChecks)
}
