package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLookupWindow: call.lookup_window defaults to 5m, is read from the file, and must be at least
// call.timeout plus 10s and at most 1h.
func TestLookupWindow(t *testing.T) {
	if d := Default().Call.LookupWindow.Duration; d != 5*time.Minute {
		t.Fatalf("default lookup_window %s, want 5m", d)
	}
	path := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(path, []byte("[call]\ntimeout = 2\nlookup_window = \"20s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Call.LookupWindow.Duration; d != 20*time.Second {
		t.Fatalf("lookup_window read as %s, want 20s", d)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	for _, tc := range []struct {
		timeout int
		window  time.Duration
		want    string
	}{
		{10, 19 * time.Second, "is 19s: use at least call.timeout plus 10s (20s here)"},
		{60, time.Minute, "is 1m0s: use at least call.timeout plus 10s (1m10s here)"},
		{10, time.Hour + time.Second, "is 1h0m1s: use at most 1h"},
		{10, 0, "is 0s: use at least"},
	} {
		c := Default()
		c.Call.Timeout = tc.timeout
		c.Call.LookupWindow.Duration = tc.window
		var p *Problem
		err := c.Validate()
		if !errors.As(err, &p) || p.Key != "call.lookup_window" || !strings.HasPrefix(p.Message, tc.want) {
			t.Errorf("timeout %d, window %s: Validate() = %v, want call.lookup_window: %s…", tc.timeout, tc.window, err, tc.want)
		}
	}
	for _, ok := range []time.Duration{20 * time.Second, time.Hour} {
		c := Default()
		c.Call.LookupWindow.Duration = ok
		if err := c.Validate(); err != nil {
			t.Errorf("window %s: Validate() = %v", ok, err)
		}
	}
}
