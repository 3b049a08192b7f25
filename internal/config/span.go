package config

import (
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
)

// Span is a length of time written with the units d (24 hours), h, m and s, e.g. "30d" or "1h30m", or
// "off" (zero). It is used where Go's durations lack a unit for days.
type Span struct {
	time.Duration
}

// UnmarshalText reads "30d", "12h", "1d12h", ... or "off" (also "").
func (s *Span) UnmarshalText(text []byte) error {
	in := strings.TrimSpace(string(text))
	if in == "" || strings.EqualFold(in, "off") {
		s.Duration = 0
		return nil
	}
	d, err := policy.ParseWindow(in)
	if err != nil {
		return err
	}
	s.Duration = d
	return nil
}

// MarshalText writes the span as UnmarshalText reads it: "off" for zero.
func (s Span) MarshalText() ([]byte, error) {
	if s.Duration <= 0 {
		return []byte("off"), nil
	}
	return []byte(policy.FormatWindow(s.Duration)), nil
}
