package config

import (
	"fmt"
	"log/slog"
	"strconv"
)

// mask is what a non-empty Secret prints as, whatever the verb or encoder.
const mask = "********"

// Secret is a string that never prints: fmt (every verb), JSON, text encoders and slog all see "********"
// (or "" when it is empty, so "not set" stays visible). Reveal returns the real value.
type Secret string

// Reveal returns the secret itself, for the one place that needs it (HTTP Basic auth).
func (s Secret) Reveal() string { return string(s) }

// masked is the printable form.
func (s Secret) masked() string {
	if s == "" {
		return ""
	}
	return mask
}

// String returns "********", or "" when the secret is empty.
func (s Secret) String() string { return s.masked() }

// GoString returns the quoted mask, so %#v never shows the secret.
func (s Secret) GoString() string { return strconv.Quote(s.masked()) }

// Format prints the mask for every verb, including %x and %q, which would otherwise bypass String.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q' || (verb == 'v' && f.Flag('#')):
		fmt.Fprint(f, strconv.Quote(s.masked()))
	default:
		fmt.Fprint(f, s.masked())
	}
}

// MarshalJSON encodes the mask as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.masked())), nil }

// MarshalText encodes the mask; TOML and other text encoders use it.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.masked()), nil }

// LogValue makes slog record the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.masked()) }
