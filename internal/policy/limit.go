package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limit allows Count calls within any Window of time (a sliding window). The zero Limit is off.
type Limit struct {
	// Count is how many calls the window allows; 0 turns the limit off.
	Count int
	// Window is the length of the sliding window.
	Window time.Duration
}

// Off reports whether the limit allows any number of calls.
func (l Limit) Off() bool { return l.Count <= 0 }

// String writes the limit as ParseLimit reads it: "3/10m", or "off".
func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	return strconv.Itoa(l.Count) + "/" + FormatWindow(l.Window)
}

// ParseLimit reads "COUNT/WINDOW", e.g. "3/10m" (3 calls in any 10 minutes) or "500/1d", or "off".
func ParseLimit(s string) (Limit, error) {
	in := strings.TrimSpace(s)
	if strings.EqualFold(in, "off") {
		return Limit{}, nil
	}
	count, window, ok := strings.Cut(in, "/")
	if !ok {
		return Limit{}, fmt.Errorf("%q is not a limit: write calls/window, e.g. \"3/10m\" (3 calls in any 10 "+
			"minutes), or \"off\"", in)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 || n > 1_000_000 {
		return Limit{}, fmt.Errorf("%q: the number of calls must be a whole number from 1 to 1000000 (use \"off\" "+
			"for no limit)", in)
	}
	w, err := ParseWindow(window)
	if err != nil {
		return Limit{}, fmt.Errorf("%q: the window %v", in, err)
	}
	if w < time.Second {
		return Limit{}, fmt.Errorf("%q: the window must be at least 1s", in)
	}
	return Limit{Count: n, Window: w}, nil
}

// UnmarshalText reads the limit from a configuration file.
func (l *Limit) UnmarshalText(text []byte) error {
	v, err := ParseLimit(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MarshalText writes the limit as UnmarshalText reads it.
func (l Limit) MarshalText() ([]byte, error) { return []byte(l.String()), nil }
