package verify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// lookupForgotten is how long after its look-up window ended an attempt that no process looked up (its run
// was killed, and nothing started again for so long) is finished at Start without a request: its verification
// expired long ago, so a look-up could only relabel history, and every one costs Start a Restcomm request
// (the request timeout and its retries while Restcomm is down) before anything else can run.
const lookupForgotten = 24 * time.Hour

// Start reconciles attempts that a previous process left live (killed, crashed, or shut down with calls in
// flight), re-arms expiry for open verifications, starts tracking, and runs the retention purge (then daily).
// It never dials: an attempt with a SID is fetched by SID; one without is looked up with ListCalls by To, From
// and the time it was written, within the look-up window (Settings.LookupWindow) from then. An attempt
// already ended as unknown (its look-up gave up) is not looked up again, and one whose window ended more
// than a day before this start is ended as unknown at once, with a note, without asking Restcomm.
func (s *Service) Start(ctx context.Context) error {
	un, err := s.st.UnfinishedAttempts(ctx)
	if err != nil {
		return fmt.Errorf("reading unfinished attempts: %w", err)
	}
	mine := un[:0]
	for _, a := range un {
		if endedUnknown(a) {
			continue // its look-up is over for good: nothing to follow, nothing to claim
		}
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
	// Those forgotten for so long are ended first, before anything is tracked, so no poll sees them.
	un = mine[:0]
	for _, a := range mine {
		if a.CallSID == "" && s.clk.Now().Sub(a.CreatedAt) > s.set.LookupWindow+lookupForgotten {
			s.forgetLookUp(a)
			continue
		}
		un = append(un, a)
	}
	for _, a := range un {
		if err := s.reconcilePlacing(ctx, &a); err != nil {
			return err
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
	// One immediate pass, so the screen starts from Restcomm's current word rather than the stored one: the
	// look-ups one after another, oldest first (each claims the call closest to its create), the GETs from the
	// poll workers.
	var gets []func()
	for _, a := range un {
		s.mu.Lock()
		t, ok := s.live[a.ID]
		var cur tracked
		if ok {
			cur = *t
			t.inFlight = true
		}
		s.mu.Unlock()
		switch {
		case !ok:
		case cur.attempt.CallSID == "":
			s.fetch(cur)
		default:
			gets = append(gets, func() { s.fetch(cur) })
		}
	}
	s.runJobs(gets)()
	s.startRetention()
	s.startFeed(ctx)
	s.markRenewed(s.clk.Now())
	s.scheduleRenew()
	return nil
}

// endedUnknown reports an attempt ended as unknown for good: its create's outcome was unknown and the look-up
// for its call gave up (finish stamped its end), so no start looks it up again.
func endedUnknown(a record.Attempt) bool {
	return a.State == record.StateUnknown && a.CallSID == "" && !a.EndedAt.IsZero()
}

// forgetLookUp ends, as unknown and with a note, an attempt without a call whose look-up window ended long
// before this start: nobody looked it up in time, and nobody will now.
func (s *Service) forgetLookUp(a record.Attempt) {
	end := a.CreatedAt.Add(s.set.LookupWindow)
	s.log.Warn("look-up window of a create of unknown outcome ended long ago: ending it as unknown", "attempt", a.ID,
		"window_end", end)
	s.mu.Lock()
	s.live[a.ID] = &tracked{attempt: a, sentAt: a.CreatedAt} // for finish, which takes it out again; not polled
	s.mu.Unlock()
	s.finish(a.ID, record.OutcomeUnknown, fmt.Sprintf("%s: the run that placed this call stopped before its outcome was "+
		"known, and no run finished looking it up in Restcomm within its %s window (it ended %s), so whether it was placed is unknown: "+
		"check Restcomm's call log before calling again", lookupGaveUp, s.set.LookupWindow, end.UTC().Format("2006-01-02 15:04 UTC")))
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
