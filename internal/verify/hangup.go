package verify

import (
	"context"
	"errors"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// HangUp ends a live call: canceled while it is queued or ringing (the usual flash-call end), completed once
// answered. Restcomm replies with the state from before the change, so the tracker keeps polling for the end.
func (s *Service) HangUp(ctx context.Context, op record.Operator, attemptID int64) error {
	s.mu.Lock()
	t, ok := s.live[attemptID]
	var a record.Attempt
	if ok {
		a = t.attempt
	}
	s.mu.Unlock()
	if !ok {
		// Another process follows it (feed.go): ask Restcomm all the same; that process sees the end.
		a, ok = s.foreignAttempt(attemptID)
	}
	if !ok || a.CallSID == "" {
		return ErrNotLive
	}
	rctx, cancel := s.reqCtx(ctx)
	defer cancel()
	var err error
	if restcomm.Status(a.Status) == restcomm.StatusInProgress {
		_, err = s.calls.HangUpCall(rctx, a.CallSID)
	} else {
		_, err = s.calls.CancelCall(rctx, a.CallSID)
	}
	if errors.Is(err, restcomm.ErrCallGone) {
		err = nil // it ended on its own meanwhile; the poll picks up how
	}
	if err != nil {
		return err
	}
	s.log.Info("hang-up requested", "attempt", a.ID, "sid", a.CallSID, "operator", op.String())
	s.addTransition(ctx, a.ID, "hang-up-requested", record.SourceOperator, "by "+op.String())
	s.audit(ctx, op, record.AuditHangUp, a.Number, a.VerificationID, a.ID, "call "+a.CallSID)
	s.pollNow(a.ID)
	return nil
}

// hangUpLive hangs up whatever call of a verification is live, ignoring errors (used by Cancel and expiry).
func (s *Service) hangUpLive(ctx context.Context, op record.Operator, verificationID int64) {
	s.mu.Lock()
	var ids []int64
	for id, t := range s.live {
		if t.attempt.VerificationID == verificationID && t.attempt.CallSID != "" {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	for _, id := range ids {
		if err := s.HangUp(ctx, op, id); err != nil {
			s.log.Warn("hang-up failed", "attempt", id, "err", err)
		}
	}
}
