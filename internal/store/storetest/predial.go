package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testPlacementWritesEverythingBeforeTheDial: a placement stores its attempt, its RCML token's hash and its
// tracker in one transaction; a refused one stores none of them. Goroutines placements to one number at
// once, each with a token and a tracker of its own, over every instance: exactly one is written with its
// token and its tracker, and every other leaves neither behind.
func testPlacementWritesEverythingBeforeTheDial(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const num = "+447400123450"
	token := func(i int) store.RCMLTokenHash { return sha256.Sum256(fmt.Appendf(nil, "token-%d", i)) }
	tracker := func(i int) store.Tracker {
		return store.Tracker{Owner: fmt.Sprintf("proc%d", i), Host: "h", PID: 1000 + i}
	}

	// Refused by the check: no token, no tracker, no attempt.
	p := newPlacement(num, "alice", at(0))
	tok, tr := token(-1), tracker(-1)
	p.RCMLToken, p.Tracker, p.TrackedAt = &tok, &tr, at(0)
	if err := s.InsertAttemptChecked(ctx, p, func(context.Context, store.LimitQuerier) error { return errors.New("refused") }); err == nil {
		t.Fatal("a refused placement succeeded")
	}
	if _, err := s.LiveAttemptByRCMLToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused placement's token: %v, want not found", err)
	}

	ps := make([]store.Placement, Goroutines)
	errs := together(Goroutines, func(i int) error {
		ps[i] = newPlacement(num, fmt.Sprintf("op%d", i), at(time.Duration(i)*time.Millisecond))
		tok, tr := token(i), tracker(i)
		ps[i].RCMLToken, ps[i].Tracker, ps[i].TrackedAt = &tok, &tr, at(time.Second)
		return insts[i%len(insts)].InsertAttemptChecked(ctx, ps[i], nil)
	})
	won := oneWinner(t, errs)
	for i := range Goroutines {
		a, err := s.LiveAttemptByRCMLToken(ctx, token(i))
		switch {
		case i == won && (err != nil || a.ID != ps[won].Attempt.ID):
			t.Errorf("the winner's token finds %+v, %v; want its attempt", a, err)
		case i != won && !errors.Is(err, store.ErrNotFound):
			t.Errorf("loser %d's token: %+v, %v; want not found", i, a, err)
		}
	}
	// The winner's tracker holds the call: another process that sees it alive cannot claim it.
	other := tracker(9999)
	ok, err := s.ClaimTracking(ctx, ps[won].Attempt.ID, other, at(2*time.Second), never)
	if err != nil || ok {
		t.Fatalf("ClaimTracking by another process = %v, %v; want refused: the placement recorded its tracker", ok, err)
	}
	ok, err = s.ClaimTracking(ctx, ps[won].Attempt.ID, tracker(won), at(2*time.Second), never)
	if err != nil || !ok {
		t.Fatalf("ClaimTracking by the placing process = %v, %v; want it kept", ok, err)
	}
	if rows := allHistory(t, s); len(rows) != 1 || rows[0].State != record.StatePlacing {
		t.Fatalf("history holds %d attempts, want the winner's placing one", len(rows))
	}
}
