package verify

import (
	"context"
	"errors"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// scheduleExpiry arms a timer that expires a verification at its deadline.
func (s *Service) scheduleExpiry(v record.Verification) {
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
// reports whether it did. The status changes only if the stored verification is still open when the write
// happens, so a read-back that verified it a moment earlier in another session wins; v is then refreshed.
func (s *Service) expireIfDue(ctx context.Context, v *record.Verification) bool {
	now := s.clk.Now()
	if v.Status.Final() || now.Before(v.ExpiresAt) {
		return false
	}
	nv, err := s.st.ModifyVerification(ctx, v.ID, func(m *store.VerificationChange) error {
		if m.V.Status.Final() || now.Before(m.V.ExpiresAt) {
			return errNotDue
		}
		m.V.Status = record.StatusExpired
		m.V.Reason = "expired before a correct read-back"
		m.V.UpdatedAt = now
		return nil
	})
	if errors.Is(err, errNotDue) {
		if cur, gerr := s.st.GetVerification(ctx, v.ID); gerr == nil {
			*v = *cur
		}
		return v.Status.Final()
	}
	if err != nil {
		s.log.Error("verification update failed", "verification", v.ID, "err", err)
		return false
	}
	*v = *nv
	s.hangUpLive(ctx, record.Operator{Name: "flashcall", Remote: "expiry"}, v.ID)
	s.stopExpiry(v.ID)
	s.log.Info("verification expired", "verification", v.ID)
	s.audit(ctx, record.Operator{Name: "flashcall", Remote: "expiry"}, record.AuditExpired, v.Number, v.ID, 0, "verification expired")
	s.publish(Event{Kind: EventVerification, Verification: *v})
	return true
}

// errNotDue aborts an expiry that another session's write has made moot.
var errNotDue = errors.New("verification no longer due to expire")
