package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// Overrides is the overrides' part of an engine: what a supervisor's override and the placement that uses
// it need.
type Overrides = verify.OverrideStore

// overridesOf returns s's override methods, or fails the test.
func overridesOf(t *testing.T, s verify.Store) Overrides {
	t.Helper()
	return capability[Overrides](t, s, "override methods (storetest.Overrides), for supervisors' overrides")
}

// errNotLifted is what the test's limit check refuses with when no override lifts its rule.
var errNotLifted = errors.New("refused: no override")

// testOverrides: an override is recorded once per number and rule while it waits, linked to the number's
// newest verification; many placements on several instances racing for it use it exactly once, and the
// winner's attempt is linked to it; a placement that is refused after using one leaves it unused; a lapsed
// override is used by nobody.
func testOverrides(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	os := overridesOf(t, s)
	const number = "+447700900123"
	if err := os.AddOverride(ctx, &record.Override{Number: number, Rule: "cooldown", By: "dave", CreatedAt: at(0),
		ExpiresAt: at(time.Minute)}); err == nil {
		t.Fatal("an override without a reason was recorded")
	}
	refused := record.Verification{Number: number, CreatedAt: at(0), UpdatedAt: at(0), ExpiresAt: at(0), Status: record.StatusBlocked}
	if err := s.CreateVerification(ctx, &refused); err != nil {
		t.Fatal(err)
	}
	errs := together(Goroutines, func(i int) error {
		o := record.Override{Number: number, Rule: "cooldown", Reason: "customer on the phone", By: "dave",
			CreatedAt: at(time.Second), ExpiresAt: at(30 * time.Minute)}
		return overridesOf(t, insts[i%len(insts)]).AddOverride(ctx, &o)
	})
	added := 0
	for _, err := range errs {
		switch {
		case err == nil:
			added++
		case !errors.Is(err, store.ErrOverridePending):
			t.Fatal(err)
		}
	}
	if added != 1 {
		t.Fatalf("%d overrides recorded by %d supervisors at once, want 1 (the others told it waits)", added, Goroutines)
	}
	pending, err := os.PendingOverride(ctx, number, "cooldown", at(2*time.Second))
	if err != nil || pending == nil || pending.VerificationID != refused.ID || pending.Reason != "customer on the phone" ||
		pending.By != "dave" || !pending.UsedAt.IsZero() || !pending.ExpiresAt.Equal(at(30*time.Minute)) {
		t.Fatalf("PendingOverride = %+v, %v; want the override, on verification %d", pending, err, refused.ID)
	}
	if o, err := os.PendingOverride(ctx, number, "limit_per_number", at(2*time.Second)); o != nil || err != nil {
		t.Fatalf("an override of another rule: %+v, %v", o, err)
	}

	// A check that uses the override and is then refused for another reason leaves it waiting.
	use := func(rule string, then error) func(ctx context.Context, q store.LimitQuerier) error {
		return func(ctx context.Context, q store.LimitQuerier) error {
			ok, err := q.UseOverride(ctx, number, rule, at(time.Minute))
			switch {
			case err != nil:
				return err
			case !ok:
				return errNotLifted
			}
			return then
		}
	}
	other := errors.New("refused by another rule")
	if err := s.InsertAttemptChecked(ctx, newPlacement("+447700900999", "alice", at(time.Minute)), use("cooldown", other)); !errors.Is(err, other) {
		t.Fatalf("InsertAttemptChecked = %v, want the other refusal", err)
	}
	if o, err := os.PendingOverride(ctx, number, "cooldown", at(time.Minute)); o == nil || err != nil {
		t.Fatalf("a refused placement used the override: %+v, %v", o, err)
	}

	// Many placements (to numbers of their own, so none waits for another's live call) race for it.
	placed := make([]store.Placement, Goroutines)
	errs = together(Goroutines, func(i int) error {
		placed[i] = newPlacement(fmt.Sprintf("+4477009%05d", i), "alice", at(time.Minute))
		return insts[i%len(insts)].InsertAttemptChecked(ctx, placed[i], use("cooldown", nil))
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("placements %d and %d both used one override", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, errNotLifted):
			t.Fatal(err)
		}
	}
	if winner < 0 {
		t.Fatal("no placement used the override")
	}
	if o, err := os.PendingOverride(ctx, number, "cooldown", at(time.Minute)); o != nil || err != nil {
		t.Fatalf("the override still waits after it was used: %+v, %v", o, err)
	}
	w := placed[winner]
	got, err := os.OverridesOf(ctx, w.Verification.ID)
	if err != nil || len(got) != 1 || got[0].ID != pending.ID || got[0].AttemptID != w.Attempt.ID || !got[0].UsedAt.Equal(at(time.Minute)) {
		t.Fatalf("OverridesOf(the winner's verification) = %+v, %v; want override %d used by attempt %d", got, err, pending.ID, w.Attempt.ID)
	}
	if got, err := os.OverridesOf(ctx, refused.ID); err != nil || len(got) != 1 || got[0].ID != pending.ID {
		t.Fatalf("OverridesOf(the refused verification) = %+v, %v", got, err)
	}

	// Used, the rule can be lifted again; a lapsed override is used by nobody.
	again := record.Override{Number: number, Rule: "cooldown", Reason: "second call", By: "dave", CreatedAt: at(2 * time.Minute),
		ExpiresAt: at(3 * time.Minute)}
	if err := os.AddOverride(ctx, &again); err != nil || again.ID == pending.ID {
		t.Fatalf("AddOverride after the first was used: %+v, %v", again, err)
	}
	late := func(ctx context.Context, q store.LimitQuerier) error {
		ok, err := q.UseOverride(ctx, number, "cooldown", at(4*time.Minute))
		if err == nil && !ok {
			err = errNotLifted
		}
		return err
	}
	if err := s.InsertAttemptChecked(ctx, newPlacement("+447700900998", "alice", at(4*time.Minute)), late); !errors.Is(err, errNotLifted) {
		t.Fatalf("a lapsed override was used: %v", err)
	}
}

// testOverridesRetention: the retention anonymises the overrides given before its cut (PurgeBatch and Purge
// alike), and deleting removes them; a newer override is kept as it is.
func testOverridesRetention(t *testing.T, c *suite) {
	ctx := t.Context()
	for _, anonymise := range []bool{true, false} {
		for _, batch := range []bool{true, false} {
			s := c.open(t)
			os := overridesOf(t, s)
			v := record.Verification{Number: "+447700900123", CreatedAt: at(0), UpdatedAt: at(0), ExpiresAt: at(0), Status: record.StatusBlocked}
			if err := s.CreateVerification(ctx, &v); err != nil {
				t.Fatal(err)
			}
			old := record.Override{Number: v.Number, Rule: "cooldown", Reason: "old", By: "dave", CreatedAt: at(0), ExpiresAt: at(time.Minute)}
			young := record.Override{Number: v.Number, Rule: "locked", Reason: "young", By: "dave", CreatedAt: at(2 * time.Hour),
				ExpiresAt: at(3 * time.Hour)}
			for _, o := range []*record.Override{&old, &young} {
				if err := os.AddOverride(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			if batch {
				_, _, err = s.PurgeBatch(ctx, at(time.Hour), anonymise, 10)
			} else {
				_, err = s.Purge(ctx, at(time.Hour), anonymise)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.OverridesOf(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]string{old.ID: "", young.ID: v.Number}
			if !anonymise {
				delete(want, old.ID)
			}
			if len(got) != len(want) {
				t.Fatalf("anonymise %v, batch %v: overrides after the retention %+v, want %v", anonymise, batch, got, want)
			}
			for _, o := range got {
				if n, ok := want[o.ID]; !ok || o.Number != n {
					t.Fatalf("anonymise %v, batch %v: override %d has number %q, want %q", anonymise, batch, o.ID, o.Number, n)
				}
			}
		}
	}
}
