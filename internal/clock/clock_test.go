package clock

import (
	"testing"
	"time"
)

func TestStepTolerant(t *testing.T) {
	anchor := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		elapsed  time.Duration
		wall     time.Time
		want     time.Time
		reanchor bool
	}{
		{"steady", time.Minute, anchor.Add(time.Minute), anchor.Add(time.Minute), false},
		{"slewed a little", time.Minute, anchor.Add(time.Minute + 300*time.Millisecond), anchor.Add(time.Minute), false},
		{"stepped back a year: ignored", time.Minute, anchor.AddDate(-1, 0, 0), anchor.Add(time.Minute), false},
		{"stepped back an hour: ignored", time.Minute, anchor.Add(-time.Hour), anchor.Add(time.Minute), false},
		{"stepped forward: taken", time.Minute, anchor.Add(2 * time.Hour), anchor.Add(2 * time.Hour), true},
		{"resumed from suspend: taken", 0, anchor.Add(8 * time.Hour), anchor.Add(8 * time.Hour), true},
	} {
		got, re := stepTolerant(anchor, c.elapsed, c.wall)
		if !got.Equal(c.want) || re != c.reanchor {
			t.Errorf("%s: %v, %v; want %v, %v", c.name, got, re, c.want, c.reanchor)
		}
	}
}

func TestRealNeverRunsBackwards(t *testing.T) {
	c := Real()
	prev := c.Now()
	for range 1000 {
		now := c.Now()
		if now.Before(prev) {
			t.Fatalf("Now went back from %v to %v", prev, now)
		}
		prev = now
	}
	if d := time.Since(prev); d < -forwardSlack || d > time.Minute {
		t.Fatalf("Real().Now() is %v away from the wall clock", d)
	}
}
