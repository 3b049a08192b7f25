package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in the file as a Go duration string such as "10s" or "1m30s".
type Duration struct {
	time.Duration
}

// UnmarshalText parses a duration string; a bare number is refused because its unit would be a guess.
func (d *Duration) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		n := strconv.FormatFloat(f, 'g', -1, 64)
		return fmt.Errorf("invalid duration %s: give it a unit in quotes, e.g. \"%ss\"", n, n)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: write a number and a unit, e.g. \"10s\", \"1m30s\", \"500ms\"", s)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration in the same form UnmarshalText reads.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }
