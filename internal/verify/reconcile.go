package verify

import (
	"context"
	"fmt"

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
	return nil
}
