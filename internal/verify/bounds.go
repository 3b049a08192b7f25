package verify

import (
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// serverCreateTimeout is how long Restcomm itself waits while creating a call before it answers "Futures timed
// out after [10 seconds]" (and may leave a QUEUED record behind although nothing was dialled).
const serverCreateTimeout = 10 * time.Second

// answeredMargin is how long past its ring Timeout an answered call may stay in-progress. Restcomm's Timeout is
// an idle timer that an answer does not clear, so a flash call's message is cut off at Timeout unless a
// <Pause> resets it; a minute more covers a document that pauses once or twice.
const answeredMargin = time.Minute

// queuedLimit is how long a call may stay queued before the tracker gives up on it: its ring Timeout, plus the
// server's own create timeout (a create that timed out inside the server leaves such a record), plus two poll
// intervals so that at least two polls can see ringing that started at the last moment.
func (s *Service) queuedLimit() time.Duration {
	return time.Duration(s.timeoutSeconds())*time.Second + serverCreateTimeout + 2*s.set.PollInterval
}

// answeredLimit is how long after the answer was seen an in-progress record is still believed.
func (s *Service) answeredLimit() time.Duration {
	return time.Duration(s.timeoutSeconds())*time.Second + answeredMargin
}

// timeoutSeconds is the ring Timeout the calls are created with (Restcomm's default 60 when none is sent).
func (s *Service) timeoutSeconds() int {
	if s.set.Timeout > 0 {
		return s.set.Timeout
	}
	return 60
}

// checkBounds ends the tracking of a call whose record Restcomm will never finish: one still queued well
// past its ring Timeout (a wrong outbound proxy: the INVITE went nowhere), or one answered whose record stays
// in-progress long after the message must have ended. Only a fresh state counts: a call whose last poll
// failed is not known to be stuck. The call is also hung up, so it cannot ring after being written off.
func (s *Service) checkBounds(attemptID int64) {
	now := s.clk.Now()
	s.mu.Lock()
	t, ok := s.live[attemptID]
	var cur tracked
	if ok {
		cur = *t
	}
	s.mu.Unlock()
	if !ok || cur.attempt.CallSID == "" || !cur.attempt.StaleSince.IsZero() {
		return
	}
	switch st := restcomm.Status(cur.attempt.Status); {
	case (st == restcomm.StatusQueued || st == "") && now.Sub(cur.sentAt) > s.queuedLimit():
		secs := int(now.Sub(cur.sentAt).Round(time.Second) / time.Second)
		s.hangUpQuietly(cur.attempt, false)
		s.finish(attemptID, record.OutcomeNotDelivered, fmt.Sprintf("Restcomm never rang this call (still queued after %d s): check the outbound route", secs))
	case st == restcomm.StatusInProgress && !cur.answeredAt.IsZero() && now.Sub(cur.answeredAt) > s.answeredLimit():
		secs := int(now.Sub(cur.answeredAt).Round(time.Second) / time.Second)
		s.hangUpQuietly(cur.attempt, true)
		s.finish(attemptID, record.OutcomeAnswered, fmt.Sprintf("answered; Restcomm still showed the call in progress %d s after the answer, so tracking stopped", secs))
	}
}

// hangUpQuietly asks Restcomm to end a call the tracker is writing off; a failure is only logged, since the
// record is already known to be unreliable.
func (s *Service) hangUpQuietly(a record.Attempt, answered bool) {
	ctx, cancel := s.reqCtx(s.ctx)
	defer cancel()
	var err error
	if answered {
		_, err = s.calls.HangUpCall(ctx, a.CallSID)
	} else {
		_, err = s.calls.CancelCall(ctx, a.CallSID)
	}
	if err != nil {
		s.log.Warn("hang-up of a stuck call failed", "attempt", a.ID, "sid", a.CallSID, "err", err)
	}
}

// settleLimit is the longest a tracked call can take from here to an end the tracker stores, when Restcomm
// ends it or the bounds above write it off: queued up to queuedLimit, then ringing for the ring Timeout or
// answered and bounded by answeredLimit. Settle waits no longer.
func (s *Service) settleLimit() time.Duration {
	return s.queuedLimit() + s.answeredLimit() + 2*s.set.PollInterval
}
