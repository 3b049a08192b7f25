package verify

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// purgeEvery is how often the retention purge runs after the one at Start.
const purgeEvery = policy.Day

// retentionOperator is who the audit log names for purges.
func retentionOperator() record.Operator {
	return record.Operator{Name: "flashcall", Remote: "retention"}
}

// startRetention purges once and arms the daily purge; nothing when Settings.Retention is zero.
func (s *Service) startRetention(ctx context.Context) {
	if s.set.Retention <= 0 {
		return
	}
	if _, err := s.purgeNow(ctx); err != nil {
		s.notice("the retention purge failed: "+err.Error(), true)
	}
	s.armPurge()
}

func (s *Service) armPurge() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.purge = s.clk.AfterFunc(purgeEvery, s.dailyPurge)
}

// dailyPurge runs on the clock's timer.
func (s *Service) dailyPurge() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if _, err := s.purgeNow(s.ctx); err != nil {
		s.notice("the retention purge failed: "+err.Error(), true)
	}
	s.armPurge()
}

// purgeNow anonymises or deletes the attempts older than the retention and audits the count when there was
// anything to purge.
func (s *Service) purgeNow(ctx context.Context) (int, error) {
	before := s.clk.Now().Add(-s.set.Retention)
	n, err := s.st.Purge(ctx, before, !s.set.RetentionDelete)
	if err != nil {
		s.log.Error("retention purge failed", "err", err)
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	what := "anonymised"
	if s.set.RetentionDelete {
		what = "deleted"
	}
	s.log.Info("retention purge", "attempts", n, "mode", what)
	_ = s.audit(ctx, retentionOperator(), record.AuditPurge, "", 0, 0, fmt.Sprintf("%d attempts older than %s %s",
		n, policy.FormatWindow(s.set.Retention), what))
	return n, nil
}
