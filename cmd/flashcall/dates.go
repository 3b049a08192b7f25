package main

import (
	"fmt"
	"time"
)

// parseDate reads the value of a date flag: YYYY-MM-DD (midnight, local time) or an RFC 3339 time. The error
// names the flag and what it accepts.
func parseDate(flag, s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: use YYYY-MM-DD or an RFC 3339 time such as 2026-11-26T09:00:00Z", flag, s)
}
