package config

import (
	"errors"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
)

// Span is a length of time written with the units d (24 hours), h, m and s, e.g. "30d" or "1h30m", or
// "off" (zero). It is used where Go's durations lack a unit for days.
type Span struct {
	time.Duration
	// unitZero records a zero written with a unit ("0d", "0s") rather than "off": for history.retention it
	// reads as "keep nothing" but would mean "keep for ever", so Validate asks which was meant.
	unitZero bool
}

// UnmarshalText reads "30d", "12h", "1d12h", ... or "off" (also "").
func (s *Span) UnmarshalText(text []byte) error {
	in := strings.TrimSpace(string(text))
	if in == "" || strings.EqualFold(in, "off") {
		s.Duration, s.unitZero = 0, false
		return nil
	}
	if in == "0" {
		// ParseWindow would suggest "0m", which history.retention refuses as ambiguous.
		return errors.New(`0 has no unit: write "off" for none, or a length with a unit, e.g. "30d" or "1h"`)
	}
	d, err := policy.ParseWindow(in)
	if err != nil {
		return err
	}
	s.Duration, s.unitZero = d, d == 0
	return nil
}

// MarshalText writes the span as UnmarshalText reads it: "off" for zero.
func (s Span) MarshalText() ([]byte, error) {
	if s.Duration <= 0 {
		return []byte("off"), nil
	}
	return []byte(policy.FormatWindow(s.Duration)), nil
}
