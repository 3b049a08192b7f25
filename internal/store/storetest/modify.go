package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// placed stores a placement of number and returns it.
func placed(t *testing.T, s verify.Store, number string, maxChecks int) store.Placement {
	t.Helper()
	p := newPlacement(number, "alice", at(0))
	p.Verification.MaxChecks = maxChecks
	if err := s.InsertAttemptChecked(t.Context(), p, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// testModify: what the change function adds is written with the verification, all or nothing.
func testModify(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	p := placed(t, s, "+447400123450", 3)
	vid, aid := p.Verification.ID, p.Attempt.ID

	nv, err := s.ModifyVerification(ctx, vid, func(m *store.VerificationChange) error {
		if m.V.ID != vid || m.V.Status != record.StatusCalling || len(m.Attempts) != 1 || m.Attempts[0].ID != aid {
			t.Errorf("the change saw %+v with %d attempts", m.V, len(m.Attempts))
		}
		m.V.Status, m.V.Checks, m.V.UpdatedAt = record.StatusAwaitingCode, 1, at(time.Minute)
		m.AddCheck(record.Check{At: at(time.Minute), Operator: "alice", OK: false})
		a := m.Attempts[0]
		a.State, a.Outcome, a.EndedAt = record.StateEnded, record.OutcomeDelivered, at(30*time.Second)
		m.UpdateAttempt(a)
		m.AddTransition(record.Transition{AttemptID: aid, At: at(30 * time.Second), Status: "no-answer", Source: record.SourceCallback})
		return nil
	})
	if err != nil || nv.Status != record.StatusAwaitingCode || nv.Checks != 1 {
		t.Fatalf("ModifyVerification = %+v, %v", nv, err)
	}
	v, _ := s.GetVerification(ctx, vid)
	if v.Status != record.StatusAwaitingCode || v.Checks != 1 || !v.UpdatedAt.Equal(at(time.Minute)) {
		t.Errorf("stored verification %+v", v)
	}
	checks, err := s.Checks(ctx, vid)
	if err != nil || len(checks) != 1 || checks[0].OK || checks[0].Operator != "alice" || checks[0].VerificationID != vid ||
		!checks[0].At.Equal(at(time.Minute)) {
		t.Errorf("Checks = %+v, %v", checks, err)
	}
	if a, _ := s.GetAttempt(ctx, aid); a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
		t.Errorf("stored attempt %+v", a)
	}
	if trs, _ := s.Transitions(ctx, aid); len(trs) != 2 || trs[1].Status != "no-answer" {
		t.Errorf("transitions %+v", trs)
	}

	// An error from the change rolls back everything it added, and comes back unchanged.
	no := errors.New("no")
	_, err = s.ModifyVerification(ctx, vid, func(m *store.VerificationChange) error {
		m.V.Status = record.StatusVerified
		m.AddCheck(record.Check{At: at(2 * time.Minute), OK: true})
		return no
	})
	if err != no {
		t.Fatalf("the change's error came back as %v", err)
	}
	if v, _ := s.GetVerification(ctx, vid); v.Status != record.StatusAwaitingCode {
		t.Errorf("a refused change was written: %+v", v)
	}
	if checks, _ := s.Checks(ctx, vid); len(checks) != 1 {
		t.Errorf("a refused change's check was written: %d checks", len(checks))
	}

	// Unchanged writes what was added but not the verification.
	_, err = s.ModifyVerification(ctx, vid, func(m *store.VerificationChange) error {
		m.V.Reason = "not written"
		m.AddCheck(record.Check{At: at(3 * time.Minute), OK: true})
		m.Unchanged()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.GetVerification(ctx, vid); v.Reason == "not written" {
		t.Error("Unchanged wrote the verification")
	}
	if checks, _ := s.Checks(ctx, vid); len(checks) != 2 || !checks[1].OK {
		t.Errorf("checks after Unchanged: %+v", checks)
	}

	// The change cannot move to another ID, nor store an invalid verification.
	if _, err := s.ModifyVerification(ctx, vid, func(m *store.VerificationChange) error { m.V.ID++; return nil }); err == nil {
		t.Error("a change of ID was accepted")
	}
	if _, err := s.ModifyVerification(ctx, vid, func(m *store.VerificationChange) error { m.V.Status = "bogus"; return nil }); err == nil {
		t.Error("an unknown status was stored")
	}
}

// testModifyNoLostUpdate: Goroutines wrong read-backs of one verification at once, over every instance, each
// counting one more check on what it read: every one is counted.
func testModifyNoLostUpdate(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	vid := placed(t, s, "+447400123450", Goroutines+1).Verification.ID
	errs := together(Goroutines, func(i int) error {
		_, err := insts[i%len(insts)].ModifyVerification(ctx, vid, func(m *store.VerificationChange) error {
			m.V.Checks++
			m.V.Status = record.StatusAwaitingCode
			m.AddCheck(record.Check{At: at(time.Duration(i) * time.Millisecond), Operator: fmt.Sprintf("op%d", i)})
			return nil
		})
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("check %d: %v", i, err)
		}
	}
	v, err := s.GetVerification(ctx, vid)
	if err != nil || v.Checks != Goroutines {
		t.Fatalf("Checks = %d, %v; want %d (no lost update)", v.Checks, err, Goroutines)
	}
	if checks, err := s.Checks(ctx, vid); err != nil || len(checks) != Goroutines {
		t.Fatalf("%d check rows, %v; want %d", len(checks), err, Goroutines)
	}
}

// testModifyLocksOnce: Goroutines wrong read-backs at once against a verification that locks after 5: each
// decides on the stored truth, so exactly 5 are counted and every later one finds it closed.
func testModifyLocksOnce(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const maxChecks = 5
	vid := placed(t, s, "+447400123450", maxChecks).Verification.ID
	closed := errors.New("the verification is closed")
	errs := together(Goroutines, func(i int) error {
		_, err := insts[i%len(insts)].ModifyVerification(ctx, vid, func(m *store.VerificationChange) error {
			if m.V.Status.Final() {
				return closed
			}
			m.V.Checks++
			m.AddCheck(record.Check{At: at(time.Duration(i) * time.Millisecond)})
			if m.V.Checks >= m.V.MaxChecks {
				m.V.Status = record.StatusFailed
			}
			return nil
		})
		return err
	})
	counted := 0
	for i, err := range errs {
		switch {
		case err == nil:
			counted++
		case err != closed:
			t.Errorf("check %d: %v", i, err)
		}
	}
	v, _ := s.GetVerification(ctx, vid)
	checks, _ := s.Checks(ctx, vid)
	if counted != maxChecks || v.Checks != maxChecks || v.Status != record.StatusFailed || len(checks) != maxChecks {
		t.Fatalf("%d counted, stored %d checks (%d rows), status %s; want %d, failed", counted, v.Checks, len(checks), v.Status, maxChecks)
	}
}

// testClaim: a SID is linked once, to an attempt without one, with its transition.
func testClaim(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	a := record.Attempt{Number: "+447400123450", State: record.StateUnknown, CreatedAt: at(0)}
	b := record.Attempt{Number: "+447400123451", State: record.StateUnknown, CreatedAt: at(0)}
	mustInsert(t, s, &a)
	mustInsert(t, s, &b)
	why := record.Transition{At: at(time.Minute), Status: "found", Source: record.SourceReconcile, Detail: "listed"}
	if err := s.ClaimCallSID(ctx, a.ID, "CAone", why); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetAttempt(ctx, a.ID); got.CallSID != "CAone" {
		t.Errorf("SID %q, want CAone", got.CallSID)
	}
	if trs, _ := s.Transitions(ctx, a.ID); len(trs) != 2 || trs[1].Source != record.SourceReconcile || trs[1].Detail != "listed" {
		t.Errorf("transitions %+v", trs)
	}
	if err := s.ClaimCallSID(ctx, b.ID, "CAone", why); !errors.Is(err, store.ErrSIDHeld) {
		t.Errorf("a held SID: %v, want ErrSIDHeld", err)
	}
	if err := s.ClaimCallSID(ctx, a.ID, "CAtwo", why); !errors.Is(err, store.ErrConflict) {
		t.Errorf("an attempt with a SID: %v, want ErrConflict", err)
	}
	if err := s.ClaimCallSID(ctx, b.ID, "", why); err == nil {
		t.Error("an empty SID was claimed")
	}
	if trs, _ := s.Transitions(ctx, b.ID); len(trs) != 1 {
		t.Errorf("a refused claim wrote a transition: %+v", trs)
	}
}

// testClaimConcurrent: Goroutines attempts claim one SID at once, over every instance: exactly one gets it;
// then Goroutines SIDs are claimed for one attempt at once: exactly one is linked.
func testClaimConcurrent(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	as := make([]record.Attempt, Goroutines)
	for i := range as {
		as[i] = record.Attempt{Number: fmt.Sprintf("+4474001%05d", i), State: record.StateUnknown, CreatedAt: at(0)}
		mustInsert(t, s, &as[i])
	}
	why := record.Transition{At: at(time.Minute), Status: "found", Source: record.SourceReconcile}
	errs := together(Goroutines, func(i int) error {
		return insts[i%len(insts)].ClaimCallSID(ctx, as[i].ID, "CAshared", why)
	})
	holders := 0
	for i, err := range errs {
		switch {
		case err == nil:
			holders++
		case !errors.Is(err, store.ErrSIDHeld):
			t.Errorf("claim %d: %v, want ErrSIDHeld", i, err)
		}
	}
	linked := 0
	for _, a := range as {
		got, err := s.GetAttempt(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CallSID == "CAshared" {
			linked++
		}
	}
	if holders != 1 || linked != 1 {
		t.Fatalf("%d claims won, %d attempts hold the SID; want 1 and 1", holders, linked)
	}

	one := record.Attempt{Number: "+447400199999", State: record.StateUnknown, CreatedAt: at(0)}
	mustInsert(t, s, &one)
	errs = together(Goroutines, func(i int) error {
		return insts[i%len(insts)].ClaimCallSID(ctx, one.ID, fmt.Sprintf("CA%05d", i), why)
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("claim %d: %v, want ErrConflict", i, err)
		}
	}
	if trs, _ := s.Transitions(ctx, one.ID); won != 1 || len(trs) != 2 {
		t.Fatalf("%d claims linked one attempt, %d transitions; want 1 and 2", won, len(trs))
	}
}
