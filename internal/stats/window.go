package stats

import (
	"fmt"
	"time"
)

// Window is a span the dashboard switches between.
type Window int

// The windows, in the order the dashboard cycles through them.
const (
	LastHour Window = iota
	Today
	Last7Days
	Last30Days
)

// Windows lists every window in cycling order.
var Windows = []Window{LastHour, Today, Last7Days, Last30Days}

// String is the window's label.
func (w Window) String() string {
	switch w {
	case LastHour:
		return "last hour"
	case Today:
		return "today"
	case Last7Days:
		return "7 days"
	case Last30Days:
		return "30 days"
	}
	return fmt.Sprintf("window(%d)", int(w))
}

// Bounds returns the window ending at now: [since, until). Today starts at midnight in loc.
func (w Window) Bounds(now time.Time, loc *time.Location) (since, until time.Time) {
	switch w {
	case LastHour:
		return now.Add(-time.Hour), now
	case Today:
		l := now.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc), now
	case Last7Days:
		return now.AddDate(0, 0, -7), now
	default:
		return now.AddDate(0, 0, -30), now
	}
}

// Bucket is the natural series step of the window: hours up to a day, days beyond.
func (w Window) Bucket() Dimension {
	if w == LastHour || w == Today {
		return ByHour
	}
	return ByDay
}
