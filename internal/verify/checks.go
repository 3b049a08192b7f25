package verify

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Check compares the digits the customer read back with the caller ID of the last delivered call. The
// expected code never leaves this function; only the result and the checks left do. The read, the
// comparison, the counter and the status change happen in one write transaction on the stored verification,
// so concurrent read-backs from any number of sessions or processes are each counted, and none is checked
// against a verification another session has already closed.
func (s *Service) Check(ctx context.Context, op record.Operator, verificationID int64, digits string) (CheckResult, error) {
	digits = strings.TrimSpace(digits)
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return CheckResult{}, err
	}
	if s.expireIfDue(ctx, v) || v.Status.Final() {
		return CheckResult{Verification: *v}, ErrClosed
	}
	if len(digits) != s.set.CodeDigits || digitsOf(digits) != digits {
		return CheckResult{Verification: *v, ChecksLeft: v.MaxChecks - v.Checks},
			fmt.Errorf("type the last %d digits of the number that called the customer", s.set.CodeDigits)
	}
	now := s.clk.Now()
	var match bool
	var outcome error
	nv, err := s.st.ModifyVerification(ctx, verificationID, func(m *store.VerificationChange) error {
		cur := &m.V
		switch {
		case cur.Status.Final():
			return ErrClosed
		case !now.Before(cur.ExpiresAt):
			return ErrClosed // expiry itself runs below, outside this transaction
		case cur.Status != record.StatusAwaitingCode:
			outcome = ErrNotAwaitingCode
			m.Unchanged()
			return nil
		}
		from, ok := expectedFrom(m.Attempts)
		if !ok {
			outcome = ErrNotAwaitingCode
			m.Unchanged()
			return nil
		}
		match = subtle.ConstantTimeCompare([]byte(s.codeOf(from)), []byte(digits)) == 1
		m.AddCheck(record.Check{At: now, Operator: op.String(), OK: match})
		cur.Checks++
		cur.UpdatedAt = now
		switch {
		case match:
			cur.Status = record.StatusVerified
			cur.Reason = ""
		case cur.Checks >= cur.MaxChecks:
			cur.Status = record.StatusFailed
			cur.Reason = fmt.Sprintf("locked after %d wrong read-backs", cur.Checks)
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrClosed):
		if cur, gerr := s.st.GetVerification(ctx, verificationID); gerr == nil {
			s.expireIfDue(ctx, cur)
			v = cur
		}
		return CheckResult{Verification: *v}, ErrClosed
	case err != nil:
		return CheckResult{}, fmt.Errorf("the check could not be recorded, try again: %w", err)
	case outcome != nil:
		return CheckResult{Verification: *nv, ChecksLeft: max(0, nv.MaxChecks-nv.Checks)}, outcome
	}
	if nv.Status.Final() {
		s.stopExpiry(nv.ID)
	}
	s.log.Info("code checked", "verification", nv.ID, "operator", op.String(), "ok", match)
	s.observer().CodeChecked(match)
	s.audit(ctx, op, record.AuditCodeChecked, nv.Number, nv.ID, 0, checkDetail(match, *nv))
	s.publish(Event{Kind: EventVerification, Verification: *nv})
	return CheckResult{Verified: match, ChecksLeft: max(0, nv.MaxChecks-nv.Checks), Verification: *nv}, nil
}

// expectedFrom is the caller ID of the newest delivered attempt the customer did not disown: its last digits
// are the code.
func expectedFrom(as []record.Attempt) (string, bool) {
	var newest *record.Attempt
	for i := range as {
		a := &as[i]
		if !a.Outcome.Delivered() || a.NoCallReported {
			continue
		}
		if newest == nil || a.CreatedAt.After(newest.CreatedAt) || (a.CreatedAt.Equal(newest.CreatedAt) && a.ID > newest.ID) {
			newest = a
		}
	}
	if newest == nil {
		return "", false
	}
	return newest.From, true
}

// codeOf is the code a caller ID carries.
func (s *Service) codeOf(from string) string {
	d := digitsOf(from)
	if len(d) <= s.set.CodeDigits {
		return d
	}
	return d[len(d)-s.set.CodeDigits:]
}

// Cancel ends an open verification on the operator's request, hanging up its live call if there is one. The
// status changes only if the stored verification is still open when the write happens: a verification another
// session verified meanwhile stays verified (ErrClosed).
func (s *Service) Cancel(ctx context.Context, op record.Operator, verificationID int64) error {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return err
	}
	if v.Status.Final() {
		return ErrClosed
	}
	nv, err := s.st.ModifyVerification(ctx, verificationID, func(m *store.VerificationChange) error {
		if m.V.Status.Final() {
			return ErrClosed
		}
		m.V.Status = record.StatusCanceled
		m.V.Reason = "canceled by " + op.String()
		m.V.UpdatedAt = s.clk.Now()
		return nil
	})
	if err != nil {
		return err
	}
	s.hangUpLive(ctx, op, verificationID)
	s.stopExpiry(nv.ID)
	s.audit(ctx, op, record.AuditCancel, nv.Number, nv.ID, 0, "verification canceled")
	s.publish(Event{Kind: EventVerification, Verification: *nv})
	return nil
}

// ReportNoCall records that the customer saw no call although Restcomm reported one delivered, so the code of
// that call is not accepted and a retry is offered. The attempts and the verification change in one write
// transaction.
func (s *Service) ReportNoCall(ctx context.Context, op record.Operator, verificationID int64) error {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return err
	}
	if s.expireIfDue(ctx, v) || v.Status.Final() {
		return ErrClosed
	}
	now := s.clk.Now()
	nv, err := s.st.ModifyVerification(ctx, verificationID, func(m *store.VerificationChange) error {
		switch {
		case m.V.Status.Final():
			return ErrClosed
		case m.V.Status == record.StatusCalling:
			return ErrLiveCall
		}
		for i := range m.Attempts {
			a := &m.Attempts[i]
			if a.NoCallReported || a.State != record.StateEnded {
				continue
			}
			a.NoCallReported = true
			a.UpdatedAt = now
			m.UpdateAttempt(*a)
			m.AddTransition(record.Transition{AttemptID: a.ID, At: now, Status: "no-call-reported", Source: record.SourceOperator,
				Detail: "customer got no call (reported by " + op.String() + ")"})
		}
		s.settle(m)
		return nil
	})
	if err != nil {
		return err
	}
	s.audit(ctx, op, record.AuditNoCall, nv.Number, nv.ID, 0, "the customer got no call")
	s.publish(Event{Kind: EventVerification, Verification: *nv})
	return nil
}

// checkDetail words a check for the audit log: whether it matched, never the digits.
func checkDetail(match bool, v record.Verification) string {
	switch {
	case match:
		return "matched: verified"
	case v.Status == record.StatusFailed:
		return fmt.Sprintf("did not match: locked after %d read-backs", v.Checks)
	}
	return fmt.Sprintf("did not match: %d of %d read-backs left", max(0, v.MaxChecks-v.Checks), v.MaxChecks)
}
