// Package clock abstracts time so that call lifecycles, polling and expiry can run on a fake clock in tests
// and on the wall clock in production.
package clock

import "time"

// Clock tells the time and schedules functions. Implementations must be safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine (real clock) or synchronously from Advance (fake clock)
	// once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled function that can be cancelled.
type Timer interface {
	// Stop prevents the function from running; it reports whether it stopped it.
	Stop() bool
}

// Real returns the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

// Now returns the wall-clock time.
func (realClock) Now() time.Time { return time.Now() }

// AfterFunc runs f in its own goroutine after d.
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
