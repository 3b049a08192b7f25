package policy

import (
	"strings"
	"testing"
	"time"
)

func TestParseWindow(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"10m", 10 * time.Minute},
		{"30d", 30 * Day},
		{"1d12h", 36 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{" 45s ", 45 * time.Second},
		{"2h0m5s", 2*time.Hour + 5*time.Second},
		{"366d", 366 * Day},
	} {
		got, err := ParseWindow(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParseWindow(FormatWindow(got)); err != nil || back != got {
			t.Errorf("ParseWindow(FormatWindow(%v)) = %v, %v", got, back, err)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"", "empty"},
		{"10", `"10" has no unit: write e.g. "10m"`},
		{"1.5h", "not a length of time"},
		{"10min", "not a length of time"},
		{"m10", "not a length of time"},
		{"30m1h", "largest first"},
		{"1h1h", "not a length of time"},
		{"-5m", "not a length of time"},
		{"367d", "longer than 366d"},
		{"10w", "units d, h, m or s"},
	} {
		_, err := ParseWindow(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseWindow(%q) error = %v, want it to say %q", tt.in, err, tt.want)
		}
	}
}

func TestFormatWindow(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                "0s",
		10 * time.Minute: "10m",
		30 * Day:         "30d",
		Day + 2*time.Hour + 3*time.Minute + 4*time.Second: "1d2h3m4s",
		1500 * time.Millisecond:                           "1s",
	} {
		if got := FormatWindow(d); got != want {
			t.Errorf("FormatWindow(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Limit
	}{
		{"3/10m", Limit{3, 10 * time.Minute}},
		{" 500 / 1d ", Limit{500, Day}},
		{"off", Limit{}},
		{"OFF", Limit{}},
	} {
		got, err := ParseLimit(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseLimit(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		var l Limit
		text, _ := got.MarshalText()
		if err := l.UnmarshalText(text); err != nil || l != got {
			t.Errorf("round trip of %+v through %q = %+v, %v", got, text, l, err)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"3", `write calls/window, e.g. "3/10m"`},
		{"0/10m", `use "off" for no limit`},
		{"x/10m", "whole number"},
		{"3/10", "has no unit"},
		{"3/", "empty"},
		{"3/0s", "at least 1s"},
	} {
		_, err := ParseLimit(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseLimit(%q) error = %v, want it to say %q", tt.in, err, tt.want)
		}
	}
	if s := (Limit{3, 10 * time.Minute}).String(); s != "3/10m" {
		t.Errorf("String = %q", s)
	}
}
