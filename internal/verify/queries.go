package verify

import (
	"context"
	"slices"
	"sort"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// History returns up to limit attempts, newest first (0 = all).
func (s *Service) History(ctx context.Context, limit int) ([]record.HistoryRow, error) {
	return s.st.History(ctx, store.HistoryQuery{Limit: limit})
}

// FindHistory returns one page of the history, one row per verification, as q asks (see record.HistoryPage).
func (s *Service) FindHistory(ctx context.Context, op record.Operator, q record.HistoryPage) (record.HistoryResult, error) {
	s.auditSearch(ctx, op, &q.Filter)
	return s.st.FindHistory(ctx, q)
}

// VerificationAttempts returns a verification's attempts as history rows, newest first: what the history
// shows when the operator unfolds a verification.
func (s *Service) VerificationAttempts(ctx context.Context, verificationID int64) ([]record.HistoryRow, error) {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return nil, err
	}
	as, err := s.st.AttemptsFor(ctx, verificationID)
	if err != nil {
		return nil, err
	}
	out := make([]record.HistoryRow, len(as))
	for i := range as {
		out[len(as)-1-i] = record.HistoryRow{Attempt: as[i], VerificationStatus: v.Status, Checks: v.Checks, MaxChecks: v.MaxChecks}
	}
	return out, nil
}

// Timeline returns an attempt's state changes, oldest first.
func (s *Service) Timeline(ctx context.Context, attemptID int64) ([]record.Transition, error) {
	return s.st.Transitions(ctx, attemptID)
}

// Verification returns one verification as stored.
func (s *Service) Verification(ctx context.Context, id int64) (record.Verification, error) {
	v, err := s.st.GetVerification(ctx, id)
	if err != nil {
		return record.Verification{}, err
	}
	return *v, nil
}

// Live returns a snapshot of the live attempts, oldest first: those this process tracks and, as the feed last
// read them, those other processes sharing the history track.
func (s *Service) Live() []record.Attempt {
	s.mu.Lock()
	out := make([]record.Attempt, 0, len(s.live))
	for _, t := range s.live {
		out = append(out, t.attempt)
	}
	s.mu.Unlock()
	for _, a := range s.foreignLive() {
		if !slices.ContainsFunc(out, func(b record.Attempt) bool { return b.ID == a.ID }) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
