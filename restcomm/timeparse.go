package restcomm

import (
	"strconv"
	"strings"
	"time"
)

// parseTime reads a timestamp in any of timeLayouts, or Unix seconds or
// milliseconds. Values without a zone are taken as UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	// The shapes Restcomm has been seen to send, most likely first. The "2"
	// day takes one or two digits, so the RFC 1123-like layouts read both
	// "Fri, 30 Jun 2017" and "Sat, 1 Jul 2017". Go accepts a fractional
	// second after the seconds field even when a layout has none.
	for _, layout := range [...]string{
		"Mon, 2 Jan 2006 15:04:05 -0700", // date_created, date_updated
		time.RFC3339Nano,                 // start_time, end_time
		"Mon, 2 Jan 2006 15:04:05 MST",   // RFC 1123 with a zone name
		"2 Jan 2006 15:04:05 -0700",      // RFC 2822 without the weekday
		"2006-01-02T15:04:05Z0700",       // ISO 8601, zone without a colon
		"2006-01-02T15:04:05",            // ISO 8601 without a zone: UTC
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05Z0700",
		"2006-01-02 15:04:05",
		time.UnixDate, // Java's Date.toString: Fri Jun 30 09:39:16 UTC 2017
		"Mon Jan 2 15:04:05 -0700 2006",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil && !t.IsZero() {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 && len(s) <= 13 {
		if len(s) >= 12 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}
