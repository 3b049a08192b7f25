package verify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
)

// LookupWindow is the default of Settings.LookupWindow: how long after a create of unknown outcome was sent
// (for an attempt a killed run left placing: after its write-ahead row was written) the tracker keeps looking
// for its call before it gives up and ends the attempt as unknown for the operator; until then an empty
// look-up is not taken as proof that nothing was placed, and the attempt keeps its number from being dialled
// again. The window is bounded whether the look-ups succeed or fail.
const LookupWindow = 5 * time.Minute

// lookupGaveUp starts the note of an attempt whose look-up ended without finding its call.
const lookupGaveUp = "the look-up gave up"

// authPause is how long polling stops after Restcomm rejected the credentials, so a rotated token does not
// turn into a storm of failing requests.
const authPause = 30 * time.Second

// track adds an attempt to the live set and gives it its first due time, one poll interval after sentAt on
// the fixed rate from then (the next such time after now for an attempt taken over from a previous run).
func (s *Service) track(a record.Attempt, sentAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.live[a.ID] = &tracked{attempt: a, sentAt: sentAt}
	if a.CallSID != "" {
		s.bySID[a.CallSID] = a.ID
	}
	iv := s.set.PollInterval
	s.setDueLocked(a.ID, nextSlot(sentAt.Add(iv), s.clk.Now(), iv))
}

// untrack removes an attempt from the live set.
func (s *Service) untrack(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.live[id]; ok {
		delete(s.bySID, t.attempt.CallSID)
		delete(s.live, id)
	}
}

// refresh GETs one call and applies what it says. Errors keep the last known state, marked stale.
func (s *Service) refresh(a record.Attempt) {
	ctx, cancel := s.reqCtx(s.ctx)
	defer cancel()
	start := time.Now() // wall time: the round trip measures the network, whatever the service's clock
	c, err := s.calls.GetCall(ctx, a.CallSID)
	s.mu.Lock()
	s.noteLatencyLocked(time.Since(start))
	s.mu.Unlock()
	if err != nil {
		s.pollFailed(a, err)
		return
	}
	s.apply(s.ctx, a.ID, c, record.SourcePoll)
}

// PollNow fetches one live attempt's call at once, outside the poll schedule (after a final callback).
func (s *Service) pollNow(attemptID int64) {
	s.mu.Lock()
	t, ok := s.live[attemptID]
	var a record.Attempt
	if ok {
		a = t.attempt
	}
	s.mu.Unlock()
	if ok && a.CallSID != "" {
		s.refresh(a)
	}
}

// pollFailed marks an attempt stale and, for credential errors, pauses polling and tells the operator.
func (s *Service) pollFailed(a record.Attempt, err error) {
	now := s.clk.Now()
	if errors.Is(err, restcomm.ErrNotFound) && !errors.Is(err, restcomm.ErrUnauthorized) {
		var apiErr *restcomm.APIError
		if errors.As(err, &apiErr) && apiErr.Op == "get call" {
			// Restcomm does not know this SID: it will never report an end.
			s.finish(a.ID, record.OutcomeUnknown, "Restcomm does not know this call (404): check the account in use")
			return
		}
	}
	s.pauseIfRefused(err)
	s.applyMu.Lock() // an end merged meanwhile must not be overwritten by this stale mark
	defer s.applyMu.Unlock()
	s.mu.Lock()
	t, ok := s.live[a.ID]
	if !ok {
		s.mu.Unlock()
		return
	}
	changed := t.attempt.StaleSince.IsZero()
	if changed {
		t.attempt.StaleSince = now
	}
	err = s.masked(err, t.attempt.From, t.attempt.Number)
	t.attempt.Error = err.Error()
	cur := t.attempt
	s.mu.Unlock()
	s.log.Warn("tracking failed", "attempt", a.ID, "sid", a.CallSID, "err", err)
	if changed {
		if uerr := s.st.UpdateAttempt(s.ctx, &cur); uerr != nil {
			s.log.Error("attempt update failed", "attempt", cur.ID, "err", uerr)
		}
		s.publishAttempt(s.ctx, cur)
	}
}

// pauseIfRefused pauses polling for authPause after Restcomm refused the credentials or the account, and tells
// the operator the first time.
func (s *Service) pauseIfRefused(err error) {
	why := pauseReason(err)
	if why == "" {
		return
	}
	now := s.clk.Now()
	s.mu.Lock()
	first := !now.Before(s.authHold)
	s.authHold = now.Add(authPause)
	s.mu.Unlock()
	if first {
		s.notice(fmt.Sprintf("%s while tracking calls: %v. Live calls keep their last known state; polling resumes in %s.", why, err, authPause), true)
	}
}

// pauseReason says why polling must pause after err, or "" when it need not: asking again with the same
// credentials for the same account can only be refused again (401, 403 including "Provided Account is not
// active", and the 500 an unknown account gets).
func pauseReason(err error) string {
	switch {
	case errors.Is(err, restcomm.ErrAccountInactive):
		return "Restcomm says the account is not active"
	case errors.Is(err, restcomm.ErrUnauthorized), errors.Is(err, restcomm.ErrForbidden):
		return "Restcomm rejected the credentials"
	case errors.Is(err, restcomm.ErrUnknownAccount):
		return "Restcomm does not know the account"
	}
	return ""
}

// lookUp searches Restcomm for a call whose create had an unknown outcome: same To and From, created around
// the time the create was sent, held by no attempt in the database. It never dials.
func (s *Service) lookUp(t tracked) {
	ctx, cancel := s.reqCtx(s.ctx)
	defer cancel()
	cands, err := s.findCalls(ctx, t.attempt, t.sentAt)
	if err != nil {
		if s.lookupOver(t.sentAt) {
			// The window is bounded whether or not Restcomm answers: a look-up that keeps failing must not
			// keep an attempt (and a headless call) open for ever.
			err = s.masked(err, t.attempt.From, t.attempt.Number)
			s.log.Warn("look-up of a create of unknown outcome gave up", "attempt", t.attempt.ID, "err", err)
			s.finish(t.attempt.ID, record.OutcomeUnknown, fmt.Sprintf("%s after %s: Restcomm's call list could not be read (%v), "+
				"so whether this call was placed is unknown: check Restcomm's call log before calling again", lookupGaveUp, s.set.LookupWindow, err))
			return
		}
		s.pollFailed(t.attempt, err)
		return
	}
	for _, c := range cands {
		why := fmt.Sprintf("linked after an unknown create outcome: the unclaimed call to this number from this caller ID created closest to the create (%s %s it was sent; %d candidate(s))",
			absDuration(c.DateCreated.Sub(t.sentAt)).Round(time.Second), beforeAfter(c.DateCreated.Sub(t.sentAt)), len(cands))
		err := s.st.ClaimCallSID(ctx, t.attempt.ID, c.SID, record.Transition{At: s.clk.Now(), Status: "linked", Source: record.SourceReconcile, Detail: why})
		if errors.Is(err, store.ErrSIDHeld) {
			continue // another attempt (in this process or another) took it meanwhile
		}
		if err != nil {
			s.pollFailed(t.attempt, err)
			return
		}
		s.mu.Lock()
		if lt, ok := s.live[t.attempt.ID]; ok {
			lt.attempt.CallSID = c.SID
			lt.attempt.State = record.StateLive
			lt.attempt.Outcome = ""
			lt.attempt.Error = ""
			s.bySID[c.SID] = t.attempt.ID
		}
		s.mu.Unlock()
		s.log.Info("call found after an unknown create outcome", "attempt", t.attempt.ID, "sid", c.SID, "why", why)
		s.apply(s.ctx, t.attempt.ID, &c, record.SourceReconcile)
		return
	}
	if s.lookupOver(t.sentAt) {
		s.log.Info("look-up of a create of unknown outcome gave up: no call found", "attempt", t.attempt.ID)
		s.finish(t.attempt.ID, record.OutcomeUnknown, fmt.Sprintf("%s after %s: no call to this number from this caller ID "+
			"in Restcomm's call log, so it was probably not placed", lookupGaveUp, s.set.LookupWindow))
	}
}

// lookupOver reports whether the look-up window of a create sent at sentAt has passed.
func (s *Service) lookupOver(sentAt time.Time) bool {
	return s.clk.Now().Sub(sentAt) > s.set.LookupWindow
}

// clockSkew is how far Restcomm's clock may run behind ours when matching a call to the time a create was sent.
const clockSkew = 5 * time.Minute

// findCalls lists calls to the attempt's number from its caller ID created at or after sentAt (less the
// allowed clock skew) that no attempt of this process tracks, closest to sentAt first. Whether another
// attempt in the database holds one is decided by ClaimCallSID, in the transaction that links it.
func (s *Service) findCalls(ctx context.Context, a record.Attempt, sentAt time.Time) ([]restcomm.Call, error) {
	since := sentAt.Add(-clockSkew)
	var found []restcomm.Call
	f := restcomm.ListFilter{To: a.Number, From: a.From, StartTime: sentAt.UTC().Add(-24 * time.Hour), PageSize: 50}
	s.listMu.Lock() // list requests are serial (restcomm.md: concurrent ones mix up their paging)
	defer s.listMu.Unlock()
	for c, err := range s.calls.ListCalls(ctx, f) {
		if err != nil {
			return nil, err
		}
		if !sameNumber(c.To, a.Number) || !sameNumber(c.From, a.From) {
			continue
		}
		if !c.DateCreated.IsZero() && c.DateCreated.Before(since) {
			break // newest first: everything after this is older
		}
		if !s.claimedSID(c.SID) { // held by an attempt in another process: ClaimCallSID refuses it
			found = append(found, c)
		}
	}
	// Closest to the create first; a call created after it beats one the same distance before (the skew
	// allowance is for a server clock that runs behind, not a reason to prefer older calls).
	slices.SortStableFunc(found, func(x, y restcomm.Call) int {
		dx, dy := absDuration(x.DateCreated.Sub(sentAt)), absDuration(y.DateCreated.Sub(sentAt))
		if dx != dy {
			return cmp.Compare(dx, dy)
		}
		return y.DateCreated.Compare(x.DateCreated)
	})
	return found, nil
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func beforeAfter(d time.Duration) string {
	if d < 0 {
		return "before"
	}
	return "after"
}

// claimedSID reports whether another tracked attempt already owns a call SID.
func (s *Service) claimedSID(sid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.bySID[sid]
	return ok
}

// sameNumber compares two numbers by their digits, since Restcomm drops the leading +.
func sameNumber(a, b string) bool {
	return digitsOf(a) == digitsOf(b)
}

func digitsOf(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
