package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is 24 hours: the "d" of ParseWindow. Windows are lengths of time, not calendar days.
const Day = 24 * time.Hour

// maxWindow bounds every window and span: a year of history is more than any limit needs.
const maxWindow = 366 * Day

// ParseWindow reads a length of time written as whole numbers with the units d (24 hours), h, m or s, largest
// first, e.g. "10m", "1h30m", "30d", "1d12h". Fractions, other units and a bare number are refused with a
// message showing the form.
func ParseWindow(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, errors.New(`empty: write a number and a unit, e.g. "10m", "1h" or "30d"`)
	}
	if _, err := strconv.ParseFloat(in, 64); err == nil {
		return 0, fmt.Errorf("%q has no unit: write e.g. \"%sm\" (units d, h, m, s)", in, in)
	}
	units := []struct {
		name string
		size time.Duration
	}{{"d", Day}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}
	var total time.Duration
	rest, next := in, 0
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 6 {
			return 0, badWindow(in)
		}
		n, _ := strconv.Atoi(rest[:i])
		u := -1
		for j := next; j < len(units); j++ {
			if strings.HasPrefix(rest[i:], units[j].name) {
				u = j
				break
			}
		}
		if u < 0 {
			return 0, badWindow(in)
		}
		total += time.Duration(n) * units[u].size
		if total > maxWindow {
			return 0, fmt.Errorf("%q is longer than 366d", in)
		}
		rest, next = rest[i+len(units[u].name):], u+1
	}
	return total, nil
}

func badWindow(in string) error {
	return fmt.Errorf("%q is not a length of time: write whole numbers with the units d, h, m or s, largest "+
		"first, e.g. \"10m\", \"1h30m\", \"30d\"", in)
}

// FormatWindow writes d the way ParseWindow reads it, e.g. "10m", "1h30m", "30d"; whole seconds only
// (anything smaller is dropped), "0s" for zero.
func FormatWindow(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		name string
		size time.Duration
	}{{"d", Day}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if n := d / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10))
			b.WriteString(u.name)
			d -= n * u.size
		}
	}
	return b.String()
}
