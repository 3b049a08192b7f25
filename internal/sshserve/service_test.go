package sshserve

import (
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/verify"
)

// closedWithin reports whether ch is closed (drained of nothing) within timeout.
func closedWithin(ch <-chan verify.Event, timeout time.Duration) bool {
	select {
	case _, ok := <-ch:
		return !ok
	case <-time.After(timeout):
		return false
	}
}

// TestSessionServiceEndsEverySubscription: the subscriptions a session made end with it, including one the
// console never got to store, and one asked for after the session ended.
func TestSessionServiceEndsEverySubscription(t *testing.T) {
	b := newBackend(t, 5)
	svc := &sessionService{Service: b.app.Service}
	stored, unsubscribe := svc.Subscribe()
	orphan, _ := svc.Subscribe() // the console dropped before it could keep this one
	svc.Close()
	if !closedWithin(stored, 5*time.Second) || !closedWithin(orphan, 5*time.Second) {
		t.Fatal("a subscription outlived its session")
	}
	unsubscribe() // the console's own Close, afterwards: harmless
	late, _ := svc.Subscribe()
	if !closedWithin(late, 5*time.Second) {
		t.Fatal("a subscription made after the session ended is open")
	}
}
