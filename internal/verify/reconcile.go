package verify

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/flashcall/flashcall/internal/record"
)

// Start reconciles attempts that a previous process left live (killed, crashed, or shut down with calls in
// flight), re-arms expiry for open verifications, starts tracking, and runs the retention purge (then daily). It never dials: an attempt with a SID
// is fetched by SID; one without is looked up with ListCalls by To, From and the time it was written.
func (s *Service) Start(ctx context.Context) error {
	un, err := s.st.UnfinishedAttempts(ctx)
	if err != nil {
		return fmt.Errorf("reading unfinished attempts: %w", err)
	}
	mine := un[:0]
	for _, a := range un {
		ok, err := s.st.ClaimTracking(ctx, a.ID, s.me, s.clk.Now(), s.trackerGone)
		if err != nil {
			return fmt.Errorf("claiming attempt %d: %w", a.ID, err)
		}
		if !ok {
			// Another running process follows it: leave it alone (its number stays busy meanwhile).
			s.log.Info("attempt followed by another process", "attempt", a.ID, "sid", a.CallSID)
			continue
		}
		mine = append(mine, a)
	}
	un = mine
	for _, a := range un {
		if a.State == record.StatePlacing {
			a.State = record.StateUnknown
			if a.CallSID == "" {
				a.Outcome = record.OutcomeUnknown
				a.Error = "the previous run stopped while placing this call: looking it up in Restcomm"
			}
			a.UpdatedAt = s.clk.Now()
			if err := s.st.UpdateAttempt(ctx, &a); err != nil {
				return fmt.Errorf("updating attempt %d: %w", a.ID, err)
			}
			s.addTransition(ctx, a.ID, "unknown", record.SourceReconcile, a.Error)
		}
		s.track(a, a.CreatedAt)
		s.log.Info("reconciling attempt", "attempt", a.ID, "sid", a.CallSID, "state", a.State)
	}
	open, err := s.st.OpenVerifications(ctx)
	if err != nil {
		return fmt.Errorf("reading open verifications: %w", err)
	}
	for _, v := range open {
		if s.expireIfDue(ctx, &v) {
			continue
		}
		s.scheduleExpiry(v)
	}
	// One immediate pass, so the screen starts from Restcomm's current word rather than the stored one.
	for _, a := range un {
		s.mu.Lock()
		t, ok := s.live[a.ID]
		var cur tracked
		if ok {
			cur = *t
		}
		s.mu.Unlock()
		if !ok {
			continue
		}
		if cur.attempt.CallSID == "" {
			s.lookUp(cur)
		} else {
			s.refresh(cur.attempt)
		}
	}
	s.startRetention(ctx)
	s.scheduleRenew()
	return nil
}

// Tracking returns the attempts the tracker follows now, oldest first: live calls, and creates of unknown
// outcome (CallSID empty) still being looked up in Restcomm, this process's own and those Start took over.
func (s *Service) Tracking() []record.Attempt {
	s.mu.Lock()
	out := make([]record.Attempt, 0, len(s.live))
	for _, t := range s.live {
		out = append(out, t.attempt)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b record.Attempt) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Settle is for a command about to exit (flashcall call): it blocks until no attempt the tracker follows is
// linked to a call that has not ended — calls a killed run left ringing and Start took over included — with
// every end stored, so closing the service then leaves no call recorded live that Restcomm has finished. It
// gives up when ctx ends or when the longest a tracked call can take to end has passed (its queue bound, then
// its ring Timeout or its answered bound: a little over three minutes with the default 60 s Timeout).
//
// It does not wait out the look-up window of creates of unknown outcome (attempts with no call found yet):
// such an attempt stays unknown, with its note, and holds its number until the next start finishes the
// look-up. Settle returns what it leaves to the next start: those attempts, and the calls still live when it
// gave up. Polling goes on meanwhile; a look-up that links a call just as the service closes is cut short as a
// kill would cut it, and the next start completes it from the SID it stored.
func (s *Service) Settle(ctx context.Context) []record.Attempt {
	events, unsubscribe := s.Subscribe()
	defer unsubscribe()
	gaveUp := make(chan struct{})
	timer := s.clk.AfterFunc(s.settleLimit(), func() { close(gaveUp) })
	defer timer.Stop()
	for s.callsLive() {
		select {
		case <-ctx.Done():
			return s.Tracking()
		case <-gaveUp:
			return s.Tracking()
		case _, ok := <-events: // every end is published once it is stored; look again
			if !ok {
				return s.Tracking()
			}
		}
	}
	return s.Tracking()
}

// callsLive reports whether a tracked attempt is linked to a call that has not ended. It waits for a merge in
// progress (applyMu), so an end already taken out of the live set has also been stored and published.
func (s *Service) callsLive() bool {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.live {
		if t.attempt.CallSID != "" {
			return true
		}
	}
	return false
}
