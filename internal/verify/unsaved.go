package verify

import "github.com/flashcall/flashcall/internal/record"

// A write the history refused (a full disk, a lost lock, a read-only file) must not leave a number blocked
// until the next start: the final state of a call and the settling of its verification are kept here and
// written again at every renewal tick (trackerRenew) until the history takes them. Until then the number
// stays busy, which is right: the history does not yet know the call ended.

// unsavedAttempt is a final state the history refused, with the transitions of its change.
type unsavedAttempt struct {
	a   record.Attempt
	trs []record.Transition
}

// keepUnsaved remembers the final state of an attempt whose write (with the transitions trs) failed.
func (s *Service) keepUnsaved(a record.Attempt, trs ...record.Transition) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsaved == nil {
		s.unsaved = map[int64]unsavedAttempt{}
	}
	s.unsaved[a.ID] = unsavedAttempt{a: a, trs: trs}
}

// keepUnsettled remembers a verification whose settling after its attempt ended failed.
func (s *Service) keepUnsettled(verificationID int64) {
	if verificationID == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsettled == nil {
		s.unsettled = map[int64]bool{}
	}
	s.unsettled[verificationID] = true
}

// pendingWrites reports whether writes wait to be retried.
func (s *Service) pendingWrites() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.unsaved)+len(s.unsettled) > 0
}

// flushUnsaved writes again what the history refused before: each attempt, then its verification's settling.
func (s *Service) flushUnsaved() {
	s.mu.Lock()
	attempts := make([]unsavedAttempt, 0, len(s.unsaved))
	for _, u := range s.unsaved {
		attempts = append(attempts, u)
	}
	s.mu.Unlock()
	for _, u := range attempts {
		a := u.a
		if err := s.st.UpdateAttemptWith(s.ctx, &a, u.trs...); err != nil {
			continue
		}
		s.log.Info("attempt written after an earlier failure", "attempt", a.ID)
		s.mu.Lock()
		delete(s.unsaved, a.ID)
		s.mu.Unlock()
		s.keepUnsettled(a.VerificationID)
	}
	s.mu.Lock()
	ids := make([]int64, 0, len(s.unsettled))
	for id := range s.unsettled {
		ids = append(ids, id)
	}
	s.unsettled = nil
	s.mu.Unlock()
	for _, id := range ids {
		s.afterAttempt(s.ctx, id) // keeps it again if it still fails
	}
}
