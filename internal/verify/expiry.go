package verify

import (
	"context"

	"github.com/flashcall/flashcall/internal/store"
)

// scheduleExpiry arms a timer that expires a verification at its deadline.
func (s *Service) scheduleExpiry(v store.Verification) {
	d := v.ExpiresAt.Sub(s.clk.Now())
	if d < 0 {
		d = 0
	}
	id := v.ID
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if old, ok := s.expiries[id]; ok {
		old.Stop()
	}
	s.expiries[id] = s.clk.AfterFunc(d, func() { s.expire(id) })
}

// stopExpiry disarms the timer of a verification that has ended.
func (s *Service) stopExpiry(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.expiries[id]; ok {
		t.Stop()
		delete(s.expiries, id)
	}
}

// expire runs when a verification's deadline passes.
func (s *Service) expire(id int64) {
	s.mu.Lock()
	delete(s.expiries, id)
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	v, err := s.st.GetVerification(s.ctx, id)
	if err != nil {
		s.log.Error("verification read failed", "verification", id, "err", err)
		return
	}
	s.expireIfDue(s.ctx, v)
}

// expireIfDue marks an open verification expired when its deadline has passed, hangs up its live call, and
// reports whether it did.
func (s *Service) expireIfDue(ctx context.Context, v *store.Verification) bool {
	if finalVerification(v.Status) || s.clk.Now().Before(v.ExpiresAt) {
		return false
	}
	s.hangUpLive(ctx, Operator{Name: "flashcall", Remote: "expiry"}, v.ID)
	v.Status = store.StatusExpired
	v.Reason = "expired before a correct read-back"
	v.UpdatedAt = s.clk.Now()
	if err := s.st.UpdateVerification(ctx, v); err != nil {
		s.log.Error("verification update failed", "verification", v.ID, "err", err)
	}
	s.stopExpiry(v.ID)
	s.log.Info("verification expired", "verification", v.ID)
	s.publish(Event{Kind: EventVerification, Verification: *v})
	return true
}
