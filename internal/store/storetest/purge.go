package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// purged is what purgeFixture stored.
type purged struct {
	oldV, openV                        record.Verification
	oldA, second, blocked, live, fresh record.Attempt
}

// purgeFixture stores an old finished verification with two attempts (one with a transition quoting the
// number) and a check, an old blocked attempt, an old open verification with a live attempt, and a recent
// attempt.
func purgeFixture(t *testing.T, s verify.Store) purged {
	t.Helper()
	ctx := t.Context()
	var p purged
	p.oldV = record.Verification{Number: "+447400123450", CreatedAt: at(0), UpdatedAt: at(0), Status: record.StatusVerified}
	mustCreate(t, s, &p.oldV)
	p.oldA = record.Attempt{VerificationID: p.oldV.ID, Number: p.oldV.Number, Country: "GB", LineType: "mobile", Operator: "alice",
		CreatedAt: at(0), State: record.StateEnded, Outcome: record.OutcomeDelivered, Error: "call to +447400123450 failed once"}
	p.second = p.oldA
	p.second.CreatedAt = at(time.Minute)
	mustInsert(t, s, &p.oldA)
	mustInsert(t, s, &p.second)
	if err := s.AddTransition(ctx, record.Transition{AttemptID: p.oldA.ID, At: at(time.Second), Status: "failed", Source: record.SourcePoll,
		Detail: "To +447400123450 unreachable"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ModifyVerification(ctx, p.oldV.ID, func(m *store.VerificationChange) error {
		m.AddCheck(record.Check{At: at(time.Minute), OK: true})
		m.Unchanged()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	bv := record.Verification{Number: "+19005550123", CreatedAt: at(0), Status: record.StatusBlocked}
	p.blocked = record.Attempt{Number: "+19005550123", CreatedAt: at(0), Error: "refused"}
	if err := s.RecordBlocked(ctx, &bv, &p.blocked); err != nil {
		t.Fatal(err)
	}
	p.openV = record.Verification{Number: "+447400123451", CreatedAt: at(0), Status: record.StatusCalling}
	mustCreate(t, s, &p.openV)
	p.live = record.Attempt{VerificationID: p.openV.ID, Number: "+447400123451", CreatedAt: at(0), State: record.StateLive}
	p.fresh = record.Attempt{Number: "+447400123452", CreatedAt: at(40 * 24 * time.Hour), State: record.StateEnded}
	mustInsert(t, s, &p.live)
	mustInsert(t, s, &p.fresh)
	return p
}

// testPurgeAnonymises: old finished attempts lose their number and free text, keep the rest, and stop
// counting per number; what is live, open or recent is left alone.
func testPurgeAnonymises(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	p := purgeFixture(t, s)
	cut := at(30 * 24 * time.Hour)
	n, err := s.Purge(ctx, cut, true)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3 attempts (two old ones and the blocked one)", n, err)
	}
	a, _ := s.GetAttempt(ctx, p.oldA.ID)
	if a.Number != "" || a.Error != "" || a.Country != "GB" || a.LineType != "mobile" || a.Outcome != record.OutcomeDelivered || a.Operator != "alice" {
		t.Errorf("anonymised attempt %+v: want no number or error, the rest kept", a)
	}
	trs, _ := s.Transitions(ctx, p.oldA.ID)
	for _, tr := range trs {
		if tr.Detail != "" {
			t.Errorf("transition detail kept: %q", tr.Detail)
		}
	}
	if v, _ := s.GetVerification(ctx, p.oldV.ID); v.Number != "" || v.Status != record.StatusVerified {
		t.Errorf("old verification %+v", v)
	}
	if v, _ := s.GetVerification(ctx, p.openV.ID); v.Number != p.openV.Number {
		t.Errorf("an open verification was anonymised")
	}
	if b, _ := s.GetAttempt(ctx, p.blocked.ID); b.Number != "" {
		t.Errorf("blocked attempt kept its number")
	}
	if l, _ := s.GetAttempt(ctx, p.live.ID); l.Number != p.live.Number {
		t.Errorf("a live attempt was anonymised")
	}
	if r, _ := s.GetAttempt(ctx, p.fresh.ID); r.Number != p.fresh.Number {
		t.Errorf("a recent attempt was anonymised")
	}
	if checks, _ := s.Checks(ctx, p.oldV.ID); len(checks) != 1 {
		t.Errorf("checks = %d, want 1 kept", len(checks))
	}
	err = s.InsertAttemptChecked(ctx, newPlacement("+447400129999", "alice", at(41*24*time.Hour)), func(ctx context.Context, q store.LimitQuerier) error {
		if n, err := q.CountCalls(ctx, store.CallFilter{Number: "+447400123450"}, time.Time{}); err != nil || n != 0 {
			t.Errorf("anonymised attempts still count for their number: %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Purge(ctx, cut, true); err != nil || n != 0 {
		t.Errorf("second Purge = %d, %v; want 0", n, err)
	}
}

// testPurgeDeletes: old finished attempts go with their transitions, then the finished verifications left
// without attempts, with their checks.
func testPurgeDeletes(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	p := purgeFixture(t, s)
	n, err := s.Purge(ctx, at(30*24*time.Hour), false)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3", n, err)
	}
	for _, id := range []int64{p.oldA.ID, p.second.ID, p.blocked.ID} {
		if _, err := s.GetAttempt(ctx, id); err == nil {
			t.Errorf("old attempt %d still there", id)
		}
		if trs, _ := s.Transitions(ctx, id); len(trs) != 0 {
			t.Errorf("old attempt %d kept %d transitions", id, len(trs))
		}
	}
	if _, err := s.GetVerification(ctx, p.oldV.ID); err == nil {
		t.Error("old verification still there")
	}
	if checks, _ := s.Checks(ctx, p.oldV.ID); len(checks) != 0 {
		t.Errorf("checks = %d, want 0", len(checks))
	}
	if _, err := s.GetVerification(ctx, p.openV.ID); err != nil {
		t.Errorf("the open verification: %v", err)
	}
	for _, id := range []int64{p.live.ID, p.fresh.ID} {
		if _, err := s.GetAttempt(ctx, id); err != nil {
			t.Errorf("attempt %d: %v", id, err)
		}
	}
	if rows := allHistory(t, s); len(rows) != 2 {
		t.Errorf("%d attempts left, want 2", len(rows))
	}
}

// testPurgeEndedUnknown: an old attempt whose create's outcome stayed unknown and whose look-up gave up
// (state unknown, ended) is anonymised or deleted like any other finished attempt, with its transitions'
// details and its ended verification; an old one whose look-up has not ended yet (still holding its number)
// is left alone, in both modes.
func testPurgeEndedUnknown(t *testing.T, c *suite) {
	for _, anonymise := range []bool{true, false} {
		t.Run(map[bool]string{true: "anonymise", false: "delete"}[anonymise], func(t *testing.T) {
			ctx := t.Context()
			s := c.open(t)
			gaveUp := record.Verification{Number: "+447400123450", CreatedAt: at(0), UpdatedAt: at(time.Hour), Status: record.StatusExpired}
			mustCreate(t, s, &gaveUp)
			ended := record.Attempt{VerificationID: gaveUp.ID, Number: gaveUp.Number, Country: "GB", CreatedAt: at(0),
				EndedAt: at(5 * time.Minute), State: record.StateUnknown, Outcome: record.OutcomeUnknown,
				Error: "the look-up gave up after 5m0s: no call to +447400123450 found"}
			mustInsert(t, s, &ended)
			if err := s.AddTransition(ctx, record.Transition{AttemptID: ended.ID, At: at(5 * time.Minute), Status: "unknown",
				Source: record.SourceReconcile, Detail: ended.Error}); err != nil {
				t.Fatal(err)
			}
			looking := record.Verification{Number: "+447400123451", CreatedAt: at(0), Status: record.StatusCalling}
			mustCreate(t, s, &looking)
			open := record.Attempt{VerificationID: looking.ID, Number: looking.Number, CreatedAt: at(0),
				State: record.StateUnknown, Outcome: record.OutcomeUnknown, Error: "looking it up in Restcomm"}
			mustInsert(t, s, &open)

			n, err := s.Purge(ctx, at(30*24*time.Hour), anonymise)
			if err != nil || n != 1 {
				t.Fatalf("Purge = %d, %v; want 1 (the unknown attempt whose look-up ended)", n, err)
			}
			a, err := s.GetAttempt(ctx, ended.ID)
			switch {
			case anonymise && err != nil:
				t.Fatalf("the anonymised attempt: %v", err)
			case anonymise && (a.Number != "" || a.Error != "" || a.State != record.StateUnknown || a.Outcome != record.OutcomeUnknown || a.Country != "GB"):
				t.Errorf("anonymised unknown attempt %+v: want no number or note, its state and outcome kept", a)
			case !anonymise && err == nil:
				t.Errorf("the ended unknown attempt is still there: %+v", a)
			}
			trs, _ := s.Transitions(ctx, ended.ID)
			for _, tr := range trs {
				if tr.Detail != "" {
					t.Errorf("transition detail kept: %q", tr.Detail)
				}
			}
			v, err := s.GetVerification(ctx, gaveUp.ID)
			switch {
			case anonymise && (err != nil || v.Number != ""):
				t.Errorf("its expired verification: %+v, %v; want it anonymised", v, err)
			case !anonymise && err == nil:
				t.Errorf("its expired verification is still there: %+v", v)
			}
			if l, err := s.GetAttempt(ctx, open.ID); err != nil || l.Number != open.Number || l.Error != open.Error {
				t.Errorf("the attempt still being looked up: %+v, %v; want it untouched", l, err)
			}
			if v, err := s.GetVerification(ctx, looking.ID); err != nil || v.Number != looking.Number {
				t.Errorf("its open verification: %+v, %v; want it untouched", v, err)
			}
			if n, err := s.Purge(ctx, at(30*24*time.Hour), anonymise); err != nil || n != 0 {
				t.Errorf("second Purge = %d, %v; want 0", n, err)
			}
		})
	}
}
