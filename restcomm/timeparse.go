package restcomm

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone IDs in callback timestamps must load on a machine without a zoneinfo database
)

// parseZoneID reads a status callback's Timestamp, which Restcomm writes with
// a time-zone ID instead of an offset: "Fri, 30 Jun 2017 09:39:16 UTC" or
// "Fri, 30 Jun 2017 09:39:16 Europe/Madrid".
func parseZoneID(s string) (time.Time, bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return time.Time{}, false
	}
	zone := s[i+1:]
	if zone == "" || !isZoneLetter(zone[0]) || zone == "Local" {
		return time.Time{}, false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, false
	}
	for _, layout := range [...]string{"Mon, 2 Jan 2006 15:04:05", "2 Jan 2006 15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s[:i], loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isZoneLetter reports whether b can start a zone ID (Europe/Madrid, UTC).
func isZoneLetter(b byte) bool { return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') }

// layoutHasZoneName reports whether a layout reads a zone abbreviation.
func layoutHasZoneName(layout string) bool { return strings.Contains(layout, "MST") }

// utcName reports whether t's zone abbreviation really means a zero offset.
func utcName(t time.Time) bool {
	name, _ := t.Zone()
	switch name {
	case "UTC", "GMT", "Z", "UT":
		return true
	}
	return false
}

// parseTime reads a timestamp in any of timeLayouts, or Unix seconds or
// milliseconds, and returns it in UTC. Values without a zone are taken as
// UTC; a zone abbreviation Go cannot place (CEST) is not read.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	// The shapes Restcomm has been seen to send, most likely first. The "2"
	// day takes one or two digits, so the RFC 1123-like layouts read both
	// "Fri, 30 Jun 2017" and "Sat, 1 Jul 2017". Go accepts a fractional
	// second after the seconds field even when a layout has none.
	if t, ok := parseZoneID(s); ok {
		return t, true
	}
	for _, layout := range [...]string{
		"Mon, 2 Jan 2006 15:04:05 -0700", // date_created, date_updated
		"Mon, 2 Jan 2006 15:04:05 -07:00",
		time.RFC3339Nano,               // start_time, end_time
		"Mon, 2 Jan 2006 15:04:05 MST", // RFC 1123 with a zone name
		"2 Jan 2006 15:04:05 -0700",    // RFC 2822 without the weekday
		"2006-01-02T15:04:05Z0700",     // ISO 8601, zone without a colon
		"2006-01-02T15:04:05",          // ISO 8601 without a zone: UTC
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05Z0700",
		"2006-01-02 15:04:05",
		time.UnixDate, // Java's Date.toString: Fri Jun 30 09:39:16 UTC 2017
		"Mon Jan 2 15:04:05 -0700 2006",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil && !t.IsZero() {
			if _, off := t.Zone(); off == 0 && layoutHasZoneName(layout) && !utcName(t) {
				// Go gives an abbreviation it does not know (CEST, BST) a zero offset: the instant would be
				// wrong by hours, so such a time is not read at all.
				continue
			}
			return t.UTC(), true
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
