package verify

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// counted is an Observer that counts what it is told.
type counted struct {
	mu                          sync.Mutex
	placed, right, wrong, refus int
	ended                       map[record.Outcome]int
}

func (c *counted) CallPlaced(string) { c.mu.Lock(); c.placed++; c.mu.Unlock() }
func (c *counted) CallEnded(_ string, o record.Outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended == nil {
		c.ended = map[record.Outcome]int{}
	}
	c.ended[o]++
}
func (c *counted) CodeChecked(ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		c.right++
	} else {
		c.wrong++
	}
}
func (c *counted) Refused(string) { c.mu.Lock(); c.refus++; c.mu.Unlock() }

// TestObserverIsToldOnce: a call placed, rung out and read back wrong then right is one placement, one
// delivered ending and two checks; a refusal is one refusal.
func TestObserverIsToldOnce(t *testing.T) {
	obs := &counted{}
	r := newRig(t, func(s *Settings) { s.Observer = obs })
	res := r.place("+447400123450")
	r.advance(70 * time.Second)
	ctx := context.Background()
	a := r.attempt(res.Attempt.ID)
	code := a.From[len(a.From)-4:]
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	if _, err := r.svc.Check(ctx, r.op, res.Verification.ID, wrong); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Check(ctx, r.op, res.Verification.ID, code); err != nil {
		t.Fatal(err)
	}
	var ref *policy.Refusal
	if _, err := r.svc.Place(ctx, r.op, "+881612345678"); !errors.As(err, &ref) { // Iridium: never dialled
		t.Fatalf("Place of a satellite number: %v, want a refusal", err)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.refus != 1 {
		t.Errorf("%d refusals observed, want 1", obs.refus)
	}
	if obs.placed != 1 || obs.ended[record.OutcomeDelivered] != 1 || len(obs.ended) != 1 || obs.right != 1 || obs.wrong != 1 {
		t.Fatalf("observed placed %d, ended %v, right %d, wrong %d", obs.placed, obs.ended, obs.right, obs.wrong)
	}
}
