package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// newPlacement is a fresh verification and attempt of number by operator at t.
func newPlacement(number, operator string, t time.Time) Placement {
	return Placement{
		Verification: &record.Verification{Number: number, Operator: operator, CreatedAt: t, UpdatedAt: t,
			ExpiresAt: t.Add(5 * time.Minute), Status: record.StatusCalling, MaxChecks: 3},
		Attempt: &record.Attempt{Number: number, Operator: operator, CreatedAt: t, UpdatedAt: t},
	}
}

func TestInsertAttemptCheckedWritesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	p := newPlacement("+447400123450", "alice", at(0))
	var seen int
	err := s.InsertAttemptChecked(ctx, p, func(ctx context.Context, q LimitQuerier) error {
		var err error
		seen, err = q.CountCalls(ctx, CallFilter{}, time.Time{})
		return err
	})
	if err != nil || p.Verification.ID == 0 || p.Attempt.ID == 0 || p.Attempt.VerificationID != p.Verification.ID {
		t.Fatalf("InsertAttemptChecked = %v, IDs %d/%d/%d", err, p.Verification.ID, p.Attempt.ID, p.Attempt.VerificationID)
	}
	if seen != 0 {
		t.Errorf("the check saw %d calls before the first insert", seen)
	}
	if trs, _ := s.Transitions(ctx, p.Attempt.ID); len(trs) != 1 || trs[0].Status != string(record.StatePlacing) {
		t.Errorf("transitions %+v, want one placing", trs)
	}

	no := errors.New("refused by policy.limit_global: no")
	q := newPlacement("+447400123451", "bob", at(time.Second))
	err = s.InsertAttemptChecked(ctx, q, func(context.Context, LimitQuerier) error { return no })
	if err != no {
		t.Fatalf("refusal came back as %v (%T), want the check's error unchanged", err, err)
	}
	if q.Verification.ID != 0 || q.Attempt.ID != 0 {
		t.Errorf("a refused placement got IDs %d/%d", q.Verification.ID, q.Attempt.ID)
	}
	if n := count(t, s.r, "verifications"); n != 1 {
		t.Errorf("verifications = %d after a refusal, want 1", n)
	}
	if n := count(t, s.r, "attempts"); n != 1 {
		t.Errorf("attempts = %d after a refusal, want 1", n)
	}
}

func TestLimitQuerierCountsCallsOnly(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	add := func(number, op string, state record.State, outcome record.Outcome, d time.Duration) {
		t.Helper()
		a := record.Attempt{Number: number, Operator: op, State: state, Outcome: outcome, CreatedAt: at(d), EndedAt: at(d + 10*time.Second)}
		if err := s.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	add("+447400123450", "alice", record.StateEnded, record.OutcomeDelivered, 0)
	add("+447400123450", "alice", record.StateEnded, record.OutcomeBusy, time.Minute)
	add("+447400123450", "bob", record.StateEnded, record.OutcomeFailed, 2*time.Minute)
	add("+447400129999", "bob", record.StateLive, "", 3*time.Minute)
	add("+447400123450", "bob", record.StateNotPlaced, "", 4*time.Minute)
	add("+447400123450", "bob", record.StateBlocked, "", 5*time.Minute)
	add("+44740012%", "bob", record.StateEnded, "", 5*time.Minute) // LIKE wildcards in a prefix match literally
	add("+447401123450", "carol", record.StateUnknown, record.OutcomeUnknown, 6*time.Minute)

	err := s.InsertAttemptChecked(ctx, newPlacement("+447400123450", "alice", at(time.Hour)), func(ctx context.Context, q LimitQuerier) error {
		for _, c := range []struct {
			f     CallFilter
			since time.Time
			want  int
		}{
			{CallFilter{}, time.Time{}, 6},
			{CallFilter{Number: "+447400123450"}, time.Time{}, 3},
			{CallFilter{Number: "+447400123450"}, at(0), 2}, // strictly after
			{CallFilter{Prefix: "+44740012"}, time.Time{}, 5},
			{CallFilter{Prefix: "+44740012%"}, time.Time{}, 1},
			{CallFilter{Operator: "bob"}, time.Time{}, 3},
			{CallFilter{Operator: "bob", Prefix: "+447400123"}, time.Time{}, 1},
		} {
			n, err := q.CountCalls(ctx, c.f, c.since)
			if err != nil || n != c.want {
				t.Errorf("CountCalls(%+v, %v) = %d, %v; want %d", c.f, c.since, n, err, c.want)
			}
		}
		second, err := q.NthCall(ctx, CallFilter{Number: "+447400123450"}, time.Time{}, 2)
		if err != nil || !second.Equal(at(time.Minute)) {
			t.Errorf("NthCall 2 = %v, %v; want %v", second, err, at(time.Minute))
		}
		none, err := q.NthCall(ctx, CallFilter{Number: "+447400123450"}, time.Time{}, 4)
		if err != nil || !none.IsZero() {
			t.Errorf("NthCall past the end = %v, %v", none, err)
		}
		n, last, err := q.UndeliveredStreak(ctx, "+447400123450", 5)
		if err != nil || n != 2 || !last.Equal(at(2*time.Minute+10*time.Second)) {
			t.Errorf("UndeliveredStreak = %d, %v, %v; want 2 ending at %v", n, last, err, at(2*time.Minute+10*time.Second))
		}
		if n, _, _ := q.UndeliveredStreak(ctx, "+447400123450", 1); n != 1 {
			t.Errorf("UndeliveredStreak with max 1 = %d", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCheckedInsertsAreExactUnderConcurrency: many goroutines each check "fewer than limit calls" and
// insert; exactly limit succeed, whatever the interleaving.
func TestCheckedInsertsAreExactUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const goroutines, limit = 40, 7
	full := errors.New("full")
	var wg sync.WaitGroup
	results := make(chan error, goroutines)
	for i := range goroutines {
		wg.Go(func() {
			// One number each: a second live call to one number is refused whatever the limits say.
			p := newPlacement(fmt.Sprintf("+4474001234%02d", i), "op", at(time.Duration(i)*time.Millisecond))
			results <- s.InsertAttemptChecked(ctx, p, func(ctx context.Context, q LimitQuerier) error {
				n, err := q.CountCalls(ctx, CallFilter{Operator: "op"}, time.Time{})
				if err != nil {
					return err
				}
				if n >= limit {
					return full
				}
				return nil
			})
		})
	}
	wg.Wait()
	close(results)
	ok, refused := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case err == full:
			refused++
		default:
			t.Error(err)
		}
	}
	if ok != limit || refused != goroutines-limit {
		t.Fatalf("%d inserted, %d refused; want %d and %d", ok, refused, limit, goroutines-limit)
	}
	if n := count(t, s.r, "attempts"); n != limit {
		t.Fatalf("attempts = %d, want %d", n, limit)
	}
}

func TestSupersedeInTheSameTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	first := newPlacement("+447400123450", "alice", at(0))
	if err := s.InsertAttemptChecked(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	endAttempt(t, s, first.Attempt)
	old := *first.Verification
	old.Status, old.Reason, old.UpdatedAt = record.StatusSuperseded, "superseded by bob", at(time.Minute)
	second := newPlacement("+447400123450", "bob", at(time.Minute))
	second.Supersede = &old
	if err := s.InsertAttemptChecked(ctx, second, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetVerification(ctx, old.ID)
	if err != nil || got.Status != record.StatusSuperseded || got.Reason != "superseded by bob" {
		t.Fatalf("old verification %+v, %v", got, err)
	}
	open, err := s.OpenVerificationFor(ctx, "+447400123450")
	if err != nil || open == nil || open.ID != second.Verification.ID {
		t.Fatalf("open verification %+v, %v; want %d", open, err, second.Verification.ID)
	}
	// Superseding it again fails: it is no longer open, and nothing else is written.
	endAttempt(t, s, second.Attempt)
	third := newPlacement("+447400123450", "carol", at(2*time.Minute))
	third.Supersede = &old
	if err := s.InsertAttemptChecked(ctx, third, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("second supersede = %v, want ErrConflict", err)
	}
	if n := count(t, s.r, "verifications"); n != 2 {
		t.Errorf("verifications = %d, want 2", n)
	}
}

func TestRecordBlocked(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v := record.Verification{Number: "+19005550123", Country: "US", Operator: "alice", CreatedAt: at(0), UpdatedAt: at(0),
		Status: record.StatusBlocked, Reason: "refused by policy.allowed_types: premium-rate"}
	a := record.Attempt{Number: "+19005550123", Country: "US", LineType: "premium-rate", Operator: "alice",
		CreatedAt: at(0), UpdatedAt: at(0), EndedAt: at(0), Error: v.Reason}
	if err := s.RecordBlocked(ctx, &v, &a); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAttempt(ctx, a.ID)
	if err != nil || got.State != record.StateBlocked || got.VerificationID != v.ID || got.Error != v.Reason {
		t.Fatalf("blocked attempt %+v, %v", got, err)
	}
	trs, err := s.Transitions(ctx, a.ID)
	if err != nil || len(trs) != 1 || trs[0].Status != string(record.StateBlocked) || trs[0].Source != record.SourcePolicy || trs[0].Detail != v.Reason {
		t.Fatalf("transitions %+v, %v", trs, err)
	}
	rows, err := s.History(ctx, HistoryQuery{})
	if err != nil || len(rows) != 1 || rows[0].VerificationStatus != record.StatusBlocked {
		t.Fatalf("history %+v, %v", rows, err)
	}
	if un, _ := s.UnfinishedAttempts(ctx); len(un) != 0 {
		t.Errorf("a blocked attempt is unfinished: %+v", un)
	}
	// A refused retry links to the open verification and leaves it as it was.
	open := newPlacement("+447400123450", "alice", at(0))
	if err := s.InsertAttemptChecked(ctx, open, nil); err != nil {
		t.Fatal(err)
	}
	retry := record.Attempt{Number: "+447400123450", CreatedAt: at(time.Minute), Error: "refused"}
	if err := s.RecordBlocked(ctx, open.Verification, &retry); err != nil {
		t.Fatal(err)
	}
	if gv, _ := s.GetVerification(ctx, open.Verification.ID); gv.Status != record.StatusCalling || retry.VerificationID != gv.ID {
		t.Errorf("after a refused retry: verification %q, attempt linked to %d", gv.Status, retry.VerificationID)
	}
	endAttempt(t, s, open.Attempt)
	err = s.InsertAttemptChecked(ctx, newPlacement("+447400123450", "alice", at(time.Hour)), func(ctx context.Context, q LimitQuerier) error {
		if n, _ := q.CountCalls(ctx, CallFilter{}, time.Time{}); n != 1 {
			t.Errorf("blocked attempts counted: %d calls, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// endAttempt marks a stored attempt ended, so that its number is free for the next call.
func endAttempt(t *testing.T, s *Store, a *record.Attempt) {
	t.Helper()
	a.State, a.Outcome, a.EndedAt = record.StateEnded, record.OutcomeDelivered, a.CreatedAt.Add(10*time.Second)
	if err := s.UpdateAttempt(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// TestOneLiveCallPerNumberUnderConcurrency: many goroutines place a call to one number at once; the check in
// the writing transaction lets exactly one through, and the number is free again once that call has ended
// (or its unknown outcome has been given up on).
func TestOneLiveCallPerNumberUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const goroutines = 50
	var wg sync.WaitGroup
	results := make(chan error, goroutines)
	placed := make(chan *record.Attempt, goroutines)
	for i := range goroutines {
		wg.Go(func() {
			p := newPlacement("+447400123450", fmt.Sprintf("op%d", i), at(time.Duration(i)*time.Millisecond))
			err := s.InsertAttemptChecked(ctx, p, nil)
			if err == nil {
				placed <- p.Attempt
			}
			results <- err
		})
	}
	wg.Wait()
	close(results)
	close(placed)
	ok, busy := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrNumberBusy):
			busy++
		default:
			t.Error(err)
		}
	}
	if ok != 1 || busy != goroutines-1 {
		t.Fatalf("%d placed, %d refused as busy; want 1 and %d", ok, busy, goroutines-1)
	}
	a := <-placed
	for _, state := range []record.State{record.StateLive, record.StateUnknown} {
		a.State = state
		if err := s.UpdateAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertAttemptChecked(ctx, newPlacement("+447400123450", "x", at(time.Minute)), nil); !errors.Is(err, ErrNumberBusy) {
			t.Fatalf("attempt %s: second call = %v, want ErrNumberBusy", state, err)
		}
	}
	a.EndedAt = at(6 * time.Minute) // an unknown outcome given up on
	if err := s.UpdateAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertAttemptChecked(ctx, newPlacement("+447400123450", "x", at(7*time.Minute)), nil); err != nil {
		t.Fatalf("after the unknown attempt was given up on: %v", err)
	}
}

// TestClaimCallSIDUnderConcurrency: many attempts left without a call (unknown create outcomes) try to claim
// one call SID at once: exactly one gets it, with its transition, and the rest are told it is held.
func TestClaimCallSIDUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const n = 30
	ids := make([]int64, n)
	for i := range n {
		p := newPlacement(fmt.Sprintf("+4474001234%02d", i), "op", at(0))
		if err := s.InsertAttemptChecked(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.Attempt.ID
	}
	const sid = "CA0123456789abcdef0123456789abcdef"
	var wg sync.WaitGroup
	results := make(chan error, n)
	for _, id := range ids {
		wg.Go(func() {
			results <- s.ClaimCallSID(ctx, id, sid, record.Transition{At: at(time.Second), Status: "linked", Source: record.SourceReconcile})
		})
	}
	wg.Wait()
	close(results)
	won, held := 0, 0
	for err := range results {
		switch {
		case err == nil:
			won++
		case errors.Is(err, ErrSIDHeld):
			held++
		default:
			t.Error(err)
		}
	}
	if won != 1 || held != n-1 {
		t.Fatalf("%d claims won, %d refused as held; want 1 and %d", won, held, n-1)
	}
	var holders int
	if err := s.r.QueryRow(`SELECT count(*) FROM attempts WHERE call_sid = ?`, sid).Scan(&holders); err != nil || holders != 1 {
		t.Fatalf("%d attempts hold the SID (%v), want 1", holders, err)
	}
}
