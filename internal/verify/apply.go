package verify

import (
	"context"
	"errors"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
)

// apply merges a call as Restcomm reported it into the tracked attempt, stores every change with its time,
// and publishes it. It returns the attempt as it stands afterwards.
func (s *Service) apply(ctx context.Context, attemptID int64, c *restcomm.Call, source record.Source) record.Attempt {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	m, ok := s.merge(attemptID, c, source)
	if !ok {
		a, err := s.st.GetAttempt(ctx, attemptID)
		if err != nil {
			return record.Attempt{}
		}
		return *a
	}
	if m.changed {
		s.commit(ctx, []merged{m})
	}
	return m.a
}

// applyAll merges many calls at once (a list page), storing every change among them in one transaction.
func (s *Service) applyAll(ctx context.Context, ids []int64, calls []restcomm.Call, source record.Source) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	var ms []merged
	for i, id := range ids {
		if m, ok := s.merge(id, &calls[i], source); ok && m.changed {
			ms = append(ms, m)
		}
	}
	s.commit(ctx, ms)
}

// merged is one call's state merged into its tracked attempt, for commit to store.
type merged struct {
	a       record.Attempt
	trs     []record.Transition
	final   bool
	changed bool
}

// merge folds c into tracked attempt attemptID (false when it is not tracked). The caller holds applyMu and
// must commit a changed result before it lets go of it.
func (s *Service) merge(attemptID int64, c *restcomm.Call, source record.Source) (merged, bool) {
	now := s.clk.Now()
	s.mu.Lock()
	t, ok := s.live[attemptID]
	if !ok {
		s.mu.Unlock()
		return merged{}, false
	}
	a := t.attempt
	prev := a.Status
	st := c.Status
	// Answered: answered_by set now or before, or in-progress seen now or as the last state (a call never
	// goes back from in-progress). Rang: ringing seen, or answered (a phone that was picked up rang).
	answered := c.Answered() || a.AnsweredBy != "" || restcomm.Status(prev) == restcomm.StatusInProgress
	if answered && t.answeredAt.IsZero() {
		t.answeredAt = now
	}
	a.Status = string(st)
	if st == restcomm.StatusRinging || answered {
		a.RingingSeen = true
	}
	if c.AnsweredBy != "" {
		a.AnsweredBy = c.AnsweredBy
	}
	if c.HasDuration {
		a.Duration = c.Duration
	}
	if c.RingDuration > 0 {
		a.RingDuration = c.RingDuration // data only: set on answer and busy
	}
	stale := !a.StaleSince.IsZero()
	a.StaleSince = time.Time{}
	if stale || a.State == record.StateUnknown {
		a.Error = ""
	}
	a.State = record.StateLive
	final := st.Final()
	if final {
		a.State = record.StateEnded
		a.Outcome = outcomeOf(c, a.RingingSeen, answered)
		if a.Outcome == record.OutcomeNotDelivered && s.set.StatusCallbackURL == "" {
			a.Error = noRingingNote
		}
		a.EndedAt = now
		if !c.EndTime.IsZero() {
			a.EndedAt = c.EndTime
		}
	}
	changed := prev != a.Status || stale || final
	t.attempt = a
	if final {
		delete(s.bySID, a.CallSID)
		delete(s.live, a.ID)
		s.endedHere(a.ID, now)
		s.callback.Forget(a.CallSID) // a long-running server must not remember every call it ever saw
	}
	s.mu.Unlock()
	m := merged{a: a, final: final, changed: changed}
	if changed {
		m.a.UpdatedAt = now
		if prev != a.Status {
			m.trs = append(m.trs, s.transition(a.ID, a.Status, source, c.RawStatus))
		}
	}
	return m, true
}

// commit stores merged changes, in one transaction (each alone when the batch is refused, so one bad row
// does not hold back the others), then settles the verifications of the calls that ended and publishes each
// change. A final state the history refuses is kept to be written again (unsaved.go).
func (s *Service) commit(ctx context.Context, ms []merged) {
	if len(ms) == 0 {
		return
	}
	changes := make([]store.AttemptChange, len(ms))
	for i := range ms {
		changes[i] = store.AttemptChange{Attempt: &ms[i].a, Transitions: ms[i].trs}
	}
	if err := s.st.UpdateAttempts(ctx, changes); err != nil {
		for i, m := range ms {
			if len(ms) > 1 {
				err = s.st.UpdateAttempts(ctx, changes[i:i+1])
			}
			if err == nil {
				continue
			}
			s.log.Error("attempt update failed", "attempt", m.a.ID, "err", err)
			if m.final {
				s.keepUnsaved(m.a, m.trs...)
			}
		}
	}
	for _, m := range ms {
		a := m.a
		if m.final {
			s.log.Info("call ended", "attempt", a.ID, "sid", a.CallSID, "status", a.Status, "outcome", a.Outcome)
			s.observer().CallEnded(a.Country, a.Outcome)
			s.afterAttempt(ctx, a.VerificationID)
		}
		s.publishAttempt(ctx, a)
	}
}

// finish ends a tracked attempt that will get no final state from Restcomm.
func (s *Service) finish(attemptID int64, outcome record.Outcome, note string) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	now := s.clk.Now()
	s.mu.Lock()
	t, ok := s.live[attemptID]
	if !ok {
		s.mu.Unlock()
		return
	}
	a := t.attempt
	delete(s.bySID, a.CallSID)
	delete(s.live, attemptID)
	s.endedHere(attemptID, now)
	s.callback.Forget(a.CallSID)
	s.mu.Unlock()
	a.State = record.StateEnded
	if a.CallSID == "" {
		a.State = record.StateUnknown
	}
	a.Outcome = outcome
	a.Error = note
	a.EndedAt = now
	a.UpdatedAt = now
	tr := s.transition(a.ID, string(outcome), record.SourceReconcile, note)
	if err := s.st.UpdateAttemptWith(s.ctx, &a, tr); err != nil {
		s.log.Error("attempt update failed", "attempt", a.ID, "err", err)
		s.keepUnsaved(a, tr)
	}
	s.observer().CallEnded(a.Country, outcome)
	s.afterAttempt(s.ctx, a.VerificationID)
	s.publishAttempt(s.ctx, a)
}

// afterAttempt recomputes a verification's status once one of its attempts has ended, in one write
// transaction on the stored rows.
func (s *Service) afterAttempt(ctx context.Context, verificationID int64) record.Verification {
	nv, err := s.st.ModifyVerification(ctx, verificationID, func(m *store.VerificationChange) error {
		s.settle(m)
		return nil
	})
	if err != nil {
		s.log.Error("verification update failed", "verification", verificationID, "err", err)
		if !errors.Is(err, store.ErrNotFound) {
			s.keepUnsettled(verificationID)
		}
		if v, gerr := s.st.GetVerification(ctx, verificationID); gerr == nil {
			return *v
		}
		return record.Verification{}
	}
	return *nv
}

// settle sets an open verification's status from its attempts as they stand in the change: calling while one
// is being placed or tracked, awaiting the code once one was delivered (and not disowned), else not
// delivered. A final verification is left alone.
func (s *Service) settle(m *store.VerificationChange) {
	if m.V.Status.Final() {
		m.Unchanged()
		return
	}
	status := record.StatusNotDelivered
	for _, a := range m.Attempts {
		switch {
		case a.State == record.StateLive || a.State == record.StatePlacing:
			status = record.StatusCalling
		case a.State == record.StateUnknown && a.Outcome == record.OutcomeUnknown && s.isTracked(a.ID):
			status = record.StatusCalling
		case a.Outcome.Delivered() && !a.NoCallReported && status != record.StatusCalling:
			status = record.StatusAwaitingCode
		}
	}
	if status == m.V.Status {
		m.Unchanged()
		return
	}
	m.V.Status = status
	m.V.UpdatedAt = s.clk.Now()
}

// endedHereLately reports whether this process ended attempt id's call within the feed's look-backs (with a
// shared history): a read of the unfinished calls taken just before the end was written still lists it.
func (s *Service) endedHereLately(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ended[id]
	return ok
}

// isTracked reports whether an attempt is in the live set.
func (s *Service) isTracked(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.live[id]
	return ok
}

// transition is one state change of an attempt, now.
func (s *Service) transition(attemptID int64, status string, source record.Source, detail string) record.Transition {
	return record.Transition{AttemptID: attemptID, At: s.clk.Now(), Status: status, Source: source, Detail: detail}
}

// addTransition stores one state change; a failure is logged, never fatal to tracking.
func (s *Service) addTransition(ctx context.Context, attemptID int64, status string, source record.Source, detail string) {
	tr := s.transition(attemptID, status, source, detail)
	if err := s.st.AddTransition(ctx, tr); err != nil {
		s.log.Error("transition write failed", "attempt", attemptID, "err", err)
	}
}

// endedHere notes, with a shared history, that this process ended attempt id's call at now, before the end
// is written: the feed then leaves it to this process (trackedIDs). The caller holds s.mu.
func (s *Service) endedHere(id int64, now time.Time) {
	if s.set.Shared {
		s.ended[id] = now
	}
}

// publishAttempt publishes an attempt together with its verification as stored.
func (s *Service) publishAttempt(ctx context.Context, a record.Attempt) {
	ev := Event{Kind: EventAttempt, Attempt: a}
	if v, err := s.st.GetVerification(ctx, a.VerificationID); err == nil {
		ev.Verification = *v
	}
	s.publish(ev)
}
