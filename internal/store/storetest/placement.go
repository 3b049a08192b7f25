package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testPlacementAllOrNothing: a placement writes its verification, attempt and first transition together; a
// refusal of the check comes back unchanged and writes nothing.
func testPlacementAllOrNothing(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	p := newPlacement("+447400123450", "alice", at(0))
	seen := -1
	err := s.InsertAttemptChecked(ctx, p, func(ctx context.Context, q store.LimitQuerier) error {
		var err error
		seen, err = q.CountCalls(ctx, store.CallFilter{}, time.Time{})
		return err
	})
	if err != nil || p.Verification.ID == 0 || p.Attempt.ID == 0 || p.Attempt.VerificationID != p.Verification.ID {
		t.Fatalf("InsertAttemptChecked = %v, IDs %d/%d/%d", err, p.Verification.ID, p.Attempt.ID, p.Attempt.VerificationID)
	}
	if seen != 0 {
		t.Errorf("the check saw %d calls before the first insert", seen)
	}
	if p.Attempt.State != record.StatePlacing {
		t.Errorf("state %q, want placing", p.Attempt.State)
	}
	if trs, _ := s.Transitions(ctx, p.Attempt.ID); len(trs) != 1 || trs[0].Status != string(record.StatePlacing) {
		t.Errorf("transitions %+v, want one placing", trs)
	}
	if as, err := s.AttemptsFor(ctx, p.Verification.ID); err != nil || len(as) != 1 || as[0].ID != p.Attempt.ID {
		t.Errorf("AttemptsFor = %+v, %v", as, err)
	}

	no := errors.New("refused by policy.limit_global: no")
	q := newPlacement("+447400123451", "bob", at(time.Second))
	if err := s.InsertAttemptChecked(ctx, q, func(context.Context, store.LimitQuerier) error { return no }); err != no {
		t.Fatalf("refusal came back as %v (%T), want the check's error unchanged", err, err)
	}
	if q.Verification.ID != 0 || q.Attempt.ID != 0 || q.Attempt.VerificationID != 0 {
		t.Errorf("a refused placement got IDs %d/%d/%d", q.Verification.ID, q.Attempt.ID, q.Attempt.VerificationID)
	}
	if rows := allHistory(t, s); len(rows) != 1 {
		t.Errorf("%d attempts after a refusal, want 1", len(rows))
	}
	if v, err := s.OpenVerificationFor(ctx, "+447400123451"); err != nil || v != nil {
		t.Errorf("a refused placement left a verification: %+v, %v", v, err)
	}

	// An existing verification is written over; a nil check passes.
	p.Attempt.State = record.StateEnded
	if err := s.UpdateAttempt(ctx, p.Attempt); err != nil {
		t.Fatal(err)
	}
	p.Verification.Status = record.StatusCalling
	p.Verification.Reason = "retry"
	retry := store.Placement{Verification: p.Verification, Attempt: &record.Attempt{Number: p.Attempt.Number, CreatedAt: at(time.Minute)}}
	if err := s.InsertAttemptChecked(ctx, retry, nil); err != nil {
		t.Fatal(err)
	}
	if retry.Attempt.VerificationID != p.Verification.ID {
		t.Errorf("the retry's attempt belongs to %d, want %d", retry.Attempt.VerificationID, p.Verification.ID)
	}
	if v, _ := s.GetVerification(ctx, p.Verification.ID); v == nil || v.Reason != "retry" {
		t.Errorf("the verification was not written over: %+v", v)
	}
	if err := s.InsertAttemptChecked(ctx, store.Placement{Attempt: &record.Attempt{Number: "+447400123452"}}, nil); err == nil {
		t.Error("a placement without a verification was accepted")
	}
}

// testSupersede: a placement supersedes an open verification in the same transaction, and fails whole with
// store.ErrConflict when it was closed meanwhile.
func testSupersede(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	const num = "+447400123450"
	old := newPlacement(num, "alice", at(0))
	if err := s.InsertAttemptChecked(ctx, old, nil); err != nil {
		t.Fatal(err)
	}
	old.Attempt.State = record.StateEnded
	if err := s.UpdateAttempt(ctx, old.Attempt); err != nil {
		t.Fatal(err)
	}
	sup := *old.Verification
	sup.Status, sup.Reason, sup.UpdatedAt = record.StatusSuperseded, "replaced", at(time.Minute)
	p := newPlacement(num, "alice", at(time.Minute))
	p.Supersede = &sup
	if err := s.InsertAttemptChecked(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetVerification(ctx, old.Verification.ID)
	if err != nil || got.Status != record.StatusSuperseded || got.Reason != "replaced" || !got.UpdatedAt.Equal(at(time.Minute)) {
		t.Fatalf("superseded verification %+v, %v", got, err)
	}
	p.Attempt.State = record.StateEnded
	if err := s.UpdateAttempt(ctx, p.Attempt); err != nil {
		t.Fatal(err)
	}

	// The old one is final now: superseding it again conflicts, and nothing of the placement is written.
	q := newPlacement(num, "alice", at(2*time.Minute))
	q.Supersede = &sup
	if err := s.InsertAttemptChecked(ctx, q, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("superseding a closed verification = %v, want ErrConflict", err)
	}
	if q.Verification.ID != 0 || q.Attempt.ID != 0 {
		t.Errorf("a conflicting placement got IDs %d/%d", q.Verification.ID, q.Attempt.ID)
	}
	if rows := allHistory(t, s); len(rows) != 2 {
		t.Errorf("%d attempts, want 2", len(rows))
	}
}

// testLimitQuerier: what the limits count, inside the placement's transaction.
func testLimitQuerier(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	add := func(number, op string, state record.State, outcome record.Outcome, d time.Duration) record.Attempt {
		t.Helper()
		a := record.Attempt{Number: number, Operator: op, State: state, Outcome: outcome, CreatedAt: at(d), EndedAt: at(d + 10*time.Second)}
		mustInsert(t, s, &a)
		return a
	}
	add("+447400123450", "alice", record.StateEnded, record.OutcomeDelivered, 0)
	add("+447400123450", "alice", record.StateEnded, record.OutcomeBusy, time.Minute)
	add("+447400123450", "bob", record.StateEnded, record.OutcomeFailed, 2*time.Minute)
	add("+447400129999", "bob", record.StateLive, "", 3*time.Minute)
	add("+447400123450", "bob", record.StateNotPlaced, "", 4*time.Minute)
	add("+447400123450", "bob", record.StateBlocked, "", 5*time.Minute)
	add("+44740012%", "bob", record.StateEnded, "", 5*time.Minute) // LIKE wildcards in a prefix match literally
	add("+44740_123", "bob", record.StateEnded, "", 5*time.Minute)
	add("+447401123450", "carol", record.StateUnknown, record.OutcomeUnknown, 6*time.Minute)
	// A number whose last verification locked.
	for i, st := range []record.Status{record.StatusFailed, record.StatusFailed, record.StatusVerified} {
		v := record.Verification{Number: "+447400123450", Status: st, CreatedAt: at(0), UpdatedAt: at(time.Duration(i+1) * time.Hour)}
		mustCreate(t, s, &v)
	}

	err := s.InsertAttemptChecked(ctx, newPlacement("+447400123450", "alice", at(24*time.Hour)), func(ctx context.Context, q store.LimitQuerier) error {
		for _, c := range []struct {
			f     store.CallFilter
			since time.Time
			want  int
		}{
			{store.CallFilter{}, time.Time{}, 7},
			{store.CallFilter{Number: "+447400123450"}, time.Time{}, 3},
			{store.CallFilter{Number: "+447400123450"}, at(0), 2}, // strictly after
			{store.CallFilter{Prefix: "+44740012"}, time.Time{}, 5},
			{store.CallFilter{Prefix: "+44740012%"}, time.Time{}, 1},
			{store.CallFilter{Prefix: "+44740_"}, time.Time{}, 1},
			{store.CallFilter{Operator: "bob"}, time.Time{}, 4},
			{store.CallFilter{Operator: "bob", Prefix: "+447400123"}, time.Time{}, 1},
			{store.CallFilter{Until: at(time.Minute)}, time.Time{}, 2},
			{store.CallFilter{Number: "+447400123450", Until: at(2 * time.Minute)}, at(0), 2},
		} {
			n, err := q.CountCalls(ctx, c.f, c.since)
			if err != nil || n != c.want {
				t.Errorf("CountCalls(%+v, %v) = %d, %v; want %d", c.f, c.since, n, err, c.want)
			}
		}
		second, err := q.NthCall(ctx, store.CallFilter{Number: "+447400123450"}, time.Time{}, 2)
		if err != nil || !second.Equal(at(time.Minute)) {
			t.Errorf("NthCall 2 = %v, %v; want %v", second, err, at(time.Minute))
		}
		if first, err := q.NthCall(ctx, store.CallFilter{Number: "+447400123450"}, at(0), 1); err != nil || !first.Equal(at(time.Minute)) {
			t.Errorf("NthCall 1 after the first = %v, %v; want %v", first, err, at(time.Minute))
		}
		if none, err := q.NthCall(ctx, store.CallFilter{Number: "+447400123450"}, time.Time{}, 4); err != nil || !none.IsZero() {
			t.Errorf("NthCall past the end = %v, %v", none, err)
		}
		if none, err := q.NthCall(ctx, store.CallFilter{}, time.Time{}, 0); err != nil || !none.IsZero() {
			t.Errorf("NthCall 0 = %v, %v", none, err)
		}
		n, last, err := q.UndeliveredStreak(ctx, "+447400123450", 5)
		if err != nil || n != 2 || !last.Equal(at(2*time.Minute+10*time.Second)) {
			t.Errorf("UndeliveredStreak = %d, %v, %v; want 2 ending at %v", n, last, err, at(2*time.Minute+10*time.Second))
		}
		if n, _, _ := q.UndeliveredStreak(ctx, "+447400123450", 1); n != 1 {
			t.Errorf("UndeliveredStreak with max 1 = %d", n)
		}
		if n, _, _ := q.UndeliveredStreak(ctx, "+447400123450", 0); n != 0 {
			t.Errorf("UndeliveredStreak with max 0 = %d", n)
		}
		if locked, err := q.LastLocked(ctx, "+447400123450"); err != nil || !locked.Equal(at(2*time.Hour)) {
			t.Errorf("LastLocked = %v, %v; want %v", locked, err, at(2*time.Hour))
		}
		if locked, err := q.LastLocked(ctx, "+447400129999"); err != nil || !locked.IsZero() {
			t.Errorf("LastLocked of a number never locked = %v, %v", locked, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testOneLivePerNumber: Goroutines placements to one number at once, over every instance: exactly one is
// written, every other is refused with store.ErrNumberBusy, and once that call ends the number is free.
func testOneLivePerNumber(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const num = "+447400123450"
	ps := make([]store.Placement, Goroutines)
	errs := together(Goroutines, func(i int) error {
		ps[i] = newPlacement(num, fmt.Sprintf("op%d", i), at(time.Duration(i)*time.Millisecond))
		return insts[i%len(insts)].InsertAttemptChecked(ctx, ps[i], nil)
	})
	won := oneWinner(t, errs)
	rows := allHistory(t, s)
	if len(rows) != 1 || rows[0].ID != ps[won].Attempt.ID {
		t.Fatalf("history holds %d attempts, want the winner's only", len(rows))
	}
	open, err := s.OpenVerifications(ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("%d open verifications, %v; want the winner's only", len(open), err)
	}

	// Live and unknown calls hold the number; an unknown one given up on (ended_at set) and an ended one free it.
	a := ps[won].Attempt
	for _, c := range []struct {
		state record.State
		ended time.Time
		busy  bool
	}{
		{record.StateLive, time.Time{}, true},
		{record.StateUnknown, time.Time{}, true},
		{record.StateUnknown, at(time.Hour), false},
		{record.StateEnded, at(time.Hour), false},
	} {
		a.State, a.EndedAt = c.state, c.ended
		if err := s.UpdateAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		p := newPlacement(num, "alice", at(2*time.Hour))
		err := insts[len(insts)-1].InsertAttemptChecked(ctx, p, func(context.Context, store.LimitQuerier) error {
			return errors.New("checked")
		})
		switch {
		case c.busy && !errors.Is(err, store.ErrNumberBusy):
			t.Errorf("%s (ended %v): %v, want ErrNumberBusy", c.state, c.ended, err)
		case !c.busy && (err == nil || err.Error() != "checked"):
			t.Errorf("%s (ended %v): %v, want the number free (the check ran)", c.state, c.ended, err)
		}
	}
}

// testGlobalLimit: Goroutines placements to as many numbers at once, over every instance, each checking "fewer
// than limit calls in all": exactly limit are written, whatever the interleaving.
func testGlobalLimit(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const limit = 10
	over := errors.New("refused by policy.limit_global")
	errs := together(Goroutines, func(i int) error {
		p := newPlacement(fmt.Sprintf("+4474001%05d", i), fmt.Sprintf("op%d", i%3), at(time.Duration(i)*time.Millisecond))
		return insts[i%len(insts)].InsertAttemptChecked(ctx, p, func(ctx context.Context, q store.LimitQuerier) error {
			n, err := q.CountCalls(ctx, store.CallFilter{}, at(-time.Hour))
			if err != nil {
				return err
			}
			if n >= limit {
				return over
			}
			return nil
		})
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case err != over:
			t.Errorf("placement %d: %v, want nil or the check's refusal", i, err)
		}
	}
	if won != limit {
		t.Errorf("%d placements passed a limit of %d", won, limit)
	}
	if rows := allHistory(t, s); len(rows) != limit {
		t.Errorf("history holds %d attempts, want %d", len(rows), limit)
	}
}

// oneWinner checks that exactly one of a race's placements was written and every other was refused with
// store.ErrNumberBusy, and returns the winner's index.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("placements %d and %d both won", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, store.ErrNumberBusy):
			t.Errorf("placement %d: %v, want ErrNumberBusy", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no placement won")
	}
	return won
}
