package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testPurgeBatches: the retention in batches does what Purge does, batch by batch from its saved mark: it
// stops at an old call still live and at the first recent attempt, goes on from there once the call has
// ended, and never does the same work twice.
func testPurgeBatches(t *testing.T, c *suite) {
	for _, anonymise := range []bool{true, false} {
		t.Run(store.RetentionMode(anonymise), func(t *testing.T) {
			ctx := t.Context()
			s := c.open(t)
			p := purgeFixture(t, s)
			cut := at(30 * 24 * time.Hour)
			batch := func(wantN int, wantMore bool) {
				t.Helper()
				n, more, err := s.PurgeBatch(ctx, cut, anonymise, 2)
				if err != nil || n != wantN || more != wantMore {
					t.Fatalf("PurgeBatch = %d, %v, %v; want %d, %v", n, more, err, wantN, wantMore)
				}
			}
			batch(2, true)  // the old verification's two attempts
			batch(1, false) // the blocked one, then the live call stops the run
			gone := func(id int64) bool {
				a, err := s.GetAttempt(ctx, id)
				if anonymise {
					return err == nil && a.Number == ""
				}
				return errors.Is(err, store.ErrNotFound)
			}
			for _, a := range []record.Attempt{p.oldA, p.second, p.blocked} {
				if !gone(a.ID) {
					t.Errorf("old attempt %d not purged", a.ID)
				}
			}
			if gone(p.live.ID) || gone(p.fresh.ID) {
				t.Fatal("a live or recent attempt was purged")
			}
			v, err := s.GetVerification(ctx, p.oldV.ID)
			switch {
			case anonymise && (err != nil || v.Number != ""):
				t.Errorf("old verification %+v, %v: want it anonymised", v, err)
			case !anonymise && !errors.Is(err, store.ErrNotFound):
				t.Errorf("old verification %+v, %v: want it deleted with its attempts", v, err)
			}
			batch(0, false) // the live call still holds its place: nothing to do, nothing redone

			live := p.live
			live.State, live.EndedAt = record.StateEnded, at(time.Hour)
			if err := s.UpdateAttempt(ctx, &live); err != nil {
				t.Fatal(err)
			}
			batch(1, false) // the call that ended, then the recent attempt stops the run
			if !gone(p.live.ID) || gone(p.fresh.ID) {
				t.Fatal("after the call ended: it should be purged, the recent attempt kept")
			}
			batch(0, false)
		})
	}
}
