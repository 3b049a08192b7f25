package storetest

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// Rests is the rested caller IDs' part of an engine: what the caller-ID alarm and the supervisor's restore
// use.
type Rests = verify.RestStore

// rests returns s's rest methods, or fails the test.
func rests(t *testing.T, s verify.Store) Rests {
	t.Helper()
	return capability[Rests](t, s, "rest methods (storetest.Rests), for the caller-ID alarm")
}

// restKey is the caller-ID range the rest tests rest.
const restKey = "+44741834••••"

// testRests: an alarm raised at once by many instances rests its range once; a refusal of the allow function
// writes nothing; a restore ends the rest once, by whom, and the range can be rested again.
func testRests(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	errs := together(Goroutines, func(i int) error {
		r := record.Rest{Key: restKey, Alarm: "caller-id-blocked cli " + restKey, Reason: "delivery collapsed",
			CreatedAt: at(time.Duration(i) * time.Second)}
		return rests(t, insts[i%len(insts)]).AddRest(ctx, &r, nil)
	})
	added := 0
	for _, err := range errs {
		switch {
		case err == nil:
			added++
		case !errors.Is(err, store.ErrRested):
			t.Fatal(err)
		}
	}
	if added != 1 {
		t.Fatalf("%d rests added by %d instances raising one alarm, want 1", added, Goroutines)
	}
	rs := rests(t, s)
	keep := errors.New("the last caller ID of the pool")
	var seen []record.Rest
	other := record.Rest{Key: "+44741835••••", CreatedAt: at(time.Minute)}
	if err := rs.AddRest(ctx, &other, func(active []record.Rest) error { seen = active; return keep }); err != keep {
		t.Fatalf("AddRest with a refusing allow: %v, want its error", err)
	}
	if len(seen) != 1 || seen[0].Key != restKey || !seen[0].Active() {
		t.Fatalf("allow saw %+v, want the rest in force", seen)
	}
	active, err := rs.ActiveRests(ctx)
	if err != nil || len(active) != 1 || active[0].Key != restKey || active[0].Alarm == "" || active[0].Reason == "" {
		t.Fatalf("ActiveRests = %+v, %v", active, err)
	}
	restored, err := rs.RestoreRest(ctx, restKey, "dave", at(5*time.Minute))
	if err != nil || restored.RestoredBy != "dave" || !restored.RestoredAt.Equal(at(5*time.Minute)) || restored.Active() ||
		restored.ID != active[0].ID {
		t.Fatalf("RestoreRest = %+v, %v", restored, err)
	}
	if _, err := rs.RestoreRest(ctx, restKey, "erin", at(6*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a second restore: %v, want ErrNotFound", err)
	}
	again := record.Rest{Key: restKey, CreatedAt: at(7 * time.Minute)}
	if err := rs.AddRest(ctx, &again, func([]record.Rest) error { return nil }); err != nil {
		t.Fatalf("resting a restored range again: %v", err)
	}
	if active, _ = rs.ActiveRests(ctx); len(active) != 1 || active[0].ID != again.ID {
		t.Fatalf("in force after the restore and the new rest: %+v", active)
	}
}

// testRestedPlacement: while Goroutines placements from the same caller-ID range run on every instance, a
// rest of the range lands; every placement that starts after the rest was committed is refused with
// store.ErrCallerIDRested and writes nothing, and the ones that won were all written.
func testRestedPlacement(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	var rested atomic.Bool
	after := make([]bool, Goroutines)
	errs := together(Goroutines+1, func(i int) error {
		if i == Goroutines {
			r := record.Rest{Key: restKey, CreatedAt: at(0)}
			err := rests(t, s).AddRest(ctx, &r, nil)
			rested.Store(true)
			return err
		}
		p := newPlacement(fmt.Sprintf("+4474002%05d", i), "alice", at(time.Duration(i)*time.Millisecond))
		p.Attempt.From = fmt.Sprintf("+44741834%04d", i)
		p.CallerIDRange = restKey
		after[i] = rested.Load()
		return insts[i%len(insts)].InsertAttemptChecked(ctx, p, nil)
	})
	if errs[Goroutines] != nil {
		t.Fatal(errs[Goroutines])
	}
	won := 0
	for i, err := range errs[:Goroutines] {
		switch {
		case err == nil && after[i]:
			t.Errorf("placement %d started after the rest was committed and was written", i)
		case err == nil:
			won++
		case !errors.Is(err, store.ErrCallerIDRested):
			t.Errorf("placement %d: %v, want nil or ErrCallerIDRested", i, err)
		}
	}
	// One more, certainly after: refused; and one from another range goes through.
	late := newPlacement("+447400399999", "alice", at(time.Second))
	late.Attempt.From, late.CallerIDRange = "+447418340465", restKey
	if err := s.InsertAttemptChecked(ctx, late, nil); !errors.Is(err, store.ErrCallerIDRested) {
		t.Fatalf("a placement after the rest: %v, want ErrCallerIDRested", err)
	}
	fine := newPlacement("+447400399998", "alice", at(time.Second))
	fine.Attempt.From, fine.CallerIDRange = "+447418350465", "+44741835••••"
	if err := s.InsertAttemptChecked(ctx, fine, nil); err != nil {
		t.Fatalf("a placement from a range not rested: %v", err)
	}
	if rows := allHistory(t, s); len(rows) != won+1 {
		t.Errorf("history holds %d attempts, want the %d placements that won and one more", len(rows), won)
	}
}
