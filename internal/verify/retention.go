package verify

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// purgeEvery is how often the retention purge runs after the one at Start.
const purgeEvery = policy.Day

// retentionOperator is who the audit log names for purges.
func retentionOperator() record.Operator {
	return record.Operator{Name: "flashcall", Remote: "retention"}
}

// startRetention arms the retention: a run in the background at once, then one every day; nothing when
// Settings.Retention is zero. Start does not wait for it: each run goes on from the history's saved
// high-water mark in bounded batches (store.PurgeBatchLimit attempts, one short transaction each), so
// neither start-up nor the other writers wait for the whole history to be looked at.
func (s *Service) startRetention() {
	if s.set.Retention <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.purge = s.clk.AfterFunc(0, s.runRetention)
}

func (s *Service) armPurge() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.purge = s.clk.AfterFunc(purgeEvery, s.runRetention)
}

// runRetention runs on the clock's timer: one purge, then the next one armed.
func (s *Service) runRetention() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if _, err := s.purgeNow(s.ctx); err != nil && s.ctx.Err() == nil {
		s.notice("the retention purge failed: "+err.Error(), true)
	}
	s.armPurge()
}

// purgeNow anonymises or deletes the attempts older than the retention, batch after batch, and audits the
// count when there was anything to purge.
func (s *Service) purgeNow(ctx context.Context) (int, error) {
	before := s.clk.Now().Add(-s.set.Retention)
	total := 0
	for {
		n, more, err := s.st.PurgeBatch(ctx, before, !s.set.RetentionDelete, store.PurgeBatchLimit)
		total += n
		if err != nil {
			s.log.Error("retention purge failed", "err", err, "purged", total)
			s.auditPurge(ctx, total)
			return total, err
		}
		if !more {
			break
		}
	}
	s.auditPurge(ctx, total)
	return total, nil
}

// auditPurge logs and audits a purge of n attempts (nothing when n is zero).
func (s *Service) auditPurge(ctx context.Context, n int) {
	if n == 0 {
		return
	}
	what := "anonymised"
	if s.set.RetentionDelete {
		what = "deleted"
	}
	s.log.Info("retention purge", "attempts", n, "mode", what)
	_ = s.audit(ctx, retentionOperator(), record.AuditPurge, "", 0, 0, fmt.Sprintf("%d attempts older than %s %s",
		n, policy.FormatWindow(s.set.Retention), what))
}
