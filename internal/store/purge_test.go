package store

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// purgeFixture stores an old finished verification with two attempts (one with a transition quoting the
// number), an old blocked attempt, an old attempt still live, and a recent one. It returns their IDs.
func purgeFixture(t *testing.T, s *Store) (oldV record.Verification, oldA, blocked, live, recent record.Attempt) {
	t.Helper()
	ctx := context.Background()
	oldV = record.Verification{Number: "+447400123450", CreatedAt: at(0), UpdatedAt: at(0), Status: record.StatusVerified}
	if err := s.CreateVerification(ctx, &oldV); err != nil {
		t.Fatal(err)
	}
	oldA = record.Attempt{VerificationID: oldV.ID, Number: oldV.Number, Country: "GB", LineType: "mobile", Operator: "alice",
		CreatedAt: at(0), State: record.StateEnded, Outcome: record.OutcomeDelivered, Error: "call to +447400123450 failed once"}
	second := oldA
	second.CreatedAt = at(time.Minute)
	for _, a := range []*record.Attempt{&oldA, &second} {
		if err := s.InsertAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddTransition(ctx, record.Transition{AttemptID: oldA.ID, At: at(time.Second), Status: "failed", Source: record.SourcePoll,
		Detail: "To +447400123450 unreachable"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCheck(ctx, record.Check{VerificationID: oldV.ID, At: at(time.Minute), OK: true}); err != nil {
		t.Fatal(err)
	}
	bv := record.Verification{Number: "+19005550123", CreatedAt: at(0), Status: record.StatusBlocked}
	blocked = record.Attempt{Number: "+19005550123", CreatedAt: at(0), Error: "refused"}
	if err := s.RecordBlocked(ctx, &bv, &blocked); err != nil {
		t.Fatal(err)
	}
	live = record.Attempt{Number: "+447400123451", CreatedAt: at(0), State: record.StateLive}
	recent = record.Attempt{Number: "+447400123452", CreatedAt: at(40 * 24 * time.Hour), State: record.StateEnded}
	for _, a := range []*record.Attempt{&live, &recent} {
		if err := s.InsertAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return oldV, oldA, blocked, live, recent
}

func TestPurgeAnonymises(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	oldV, oldA, blocked, live, recent := purgeFixture(t, s)
	cut := at(30 * 24 * time.Hour)
	n, err := s.Purge(ctx, cut, true)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3 attempts (two old ones and the blocked one)", n, err)
	}
	a, _ := s.GetAttempt(ctx, oldA.ID)
	if a.Number != "" || a.Error != "" || a.Country != "GB" || a.LineType != "mobile" || a.Outcome != record.OutcomeDelivered || a.Operator != "alice" {
		t.Errorf("anonymised attempt %+v: want no number or error, the rest kept", a)
	}
	trs, _ := s.Transitions(ctx, oldA.ID)
	for _, tr := range trs {
		if tr.Detail != "" {
			t.Errorf("transition detail kept: %q", tr.Detail)
		}
	}
	if v, _ := s.GetVerification(ctx, oldV.ID); v.Number != "" || v.Status != record.StatusVerified {
		t.Errorf("old verification %+v", v)
	}
	if b, _ := s.GetAttempt(ctx, blocked.ID); b.Number != "" {
		t.Errorf("blocked attempt kept its number")
	}
	if l, _ := s.GetAttempt(ctx, live.ID); l.Number != live.Number {
		t.Errorf("a live attempt was anonymised")
	}
	if r, _ := s.GetAttempt(ctx, recent.ID); r.Number != recent.Number {
		t.Errorf("a recent attempt was anonymised")
	}
	if checks, _ := s.Checks(ctx, oldV.ID); len(checks) != 1 {
		t.Errorf("checks = %d, want 1 kept", len(checks))
	}
	if n, err := s.Purge(ctx, cut, true); err != nil || n != 0 {
		t.Errorf("second Purge = %d, %v; want 0", n, err)
	}
}

func TestPurgeDeletes(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	oldV, oldA, _, live, recent := purgeFixture(t, s)
	n, err := s.Purge(ctx, at(30*24*time.Hour), false)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3", n, err)
	}
	if _, err := s.GetAttempt(ctx, oldA.ID); err == nil {
		t.Error("old attempt still there")
	}
	if _, err := s.GetVerification(ctx, oldV.ID); err == nil {
		t.Error("old verification still there")
	}
	if n := count(t, s.r, "transitions"); n != 2 {
		t.Errorf("transitions = %d, want the two of the live and the recent attempt", n)
	}
	if n := count(t, s.r, "checks"); n != 0 {
		t.Errorf("checks = %d, want 0", n)
	}
	if n := count(t, s.r, "verifications"); n != 0 {
		t.Errorf("verifications = %d, want 0", n)
	}
	for _, id := range []int64{live.ID, recent.ID} {
		if _, err := s.GetAttempt(ctx, id); err != nil {
			t.Errorf("attempt %d: %v", id, err)
		}
	}
}
