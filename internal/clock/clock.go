// Package clock abstracts time so that call lifecycles, polling and expiry can run on a fake clock in tests
// and on the wall clock in production.
package clock

import (
	"sync"
	"time"
)

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

// Real returns the wall clock as flashcall reads it: a step of the system clock FORWARD (or time spent
// suspended) is taken at once, a step BACK is ignored until the process restarts, so time as the flow sees it
// never runs backwards. Between steps it is the wall clock; after a step back it runs on from where it was at
// the monotonic clock's rate. Windows, expiry and "try again after" therefore never jump by the size of the
// step while flashcall runs.
func Real() Clock {
	now := time.Now()
	return &realClock{wall: now.Round(0), mono: now}
}

// forwardSlack is how far the wall clock may run ahead of the anchored time before the clock re-anchors:
// more than rounding and NTP slewing, less than anything an operator would notice.
const forwardSlack = time.Second

type realClock struct {
	mu   sync.Mutex
	wall time.Time // the anchor's wall-clock time
	mono time.Time // the same reading with its monotonic part: elapsed time is measured from it
}

// Now returns the anchor plus the monotonic time elapsed since, re-anchored when the wall clock has moved
// ahead of that.
func (c *realClock) Now() time.Time {
	r := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	t, reanchor := stepTolerant(c.wall, r.Sub(c.mono), r.Round(0))
	if reanchor {
		c.wall, c.mono = t, r
	}
	return t
}

// stepTolerant is the time given the anchor's wall time, the monotonic time elapsed since the anchor and the
// wall clock now: the wall clock when it is ahead of the anchored time by more than forwardSlack (reanchor
// then reports that it becomes the new anchor), the anchored time otherwise, which ignores a step back.
func stepTolerant(anchor time.Time, elapsed time.Duration, wall time.Time) (t time.Time, reanchor bool) {
	est := anchor.Add(elapsed)
	if wall.Sub(est) > forwardSlack {
		return wall, true
	}
	return est, false
}

// AfterFunc runs f in its own goroutine after d.
func (*realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
