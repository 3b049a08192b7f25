package config

import (
	"strings"
	"testing"
	"time"
)

func TestDurationText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"10s", 10 * time.Second},
		{"1m30s", 90 * time.Second},
		{"500ms", 500 * time.Millisecond},
		{" 5m ", 5 * time.Minute},
	} {
		var d Duration
		if err := d.UnmarshalText([]byte(tt.in)); err != nil || d.Duration != tt.want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tt.in, d.Duration, err, tt.want)
		}
		out, _ := d.MarshalText()
		var back Duration
		if err := back.UnmarshalText(out); err != nil || back != d {
			t.Errorf("round trip of %q via %q gave %v, %v", tt.in, out, back, err)
		}
	}
}

func TestDurationErrorsShowTheForm(t *testing.T) {
	for in, want := range map[string]string{
		"ten":  `invalid duration "ten": write a number and a unit, e.g. "10s", "1m30s"`,
		"10":   `invalid duration 10: give it a unit in quotes, e.g. "10s"`,
		"0.5":  `invalid duration 0.5: give it a unit in quotes, e.g. "0.5s"`,
		"10 s": `invalid duration "10 s"`,
	} {
		var d Duration
		err := d.UnmarshalText([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("UnmarshalText(%q) error = %v, want it to contain %q", in, err, want)
		}
	}
}
