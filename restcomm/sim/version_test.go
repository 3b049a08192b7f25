package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestCheckVersion(t *testing.T) {
	for _, ok := range []string{"", "8.2", "8.2.0", "8.4", "8.4.0", "8.8", "8.10", "9", "9.0", "9.1.2", "10", " 8.4 "} {
		if err := sim.CheckVersion(ok); err != nil {
			t.Errorf("CheckVersion(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"8", "8.3", "8.1", "8.0", "7.9", "8.2.x", "v8.4", "8.4-beta", "latest", "8..4",
		"+9", "9.", ".9", "8.4.0.1", "-1"} {
		err := sim.CheckVersion(bad)
		if err == nil {
			t.Errorf("CheckVersion(%q) accepted it", bad)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "8.2") || !strings.Contains(msg, "8.4") {
			t.Errorf("CheckVersion(%q): %q does not say what is accepted", bad, msg)
		}
	}
}

func TestVersionOption(t *testing.T) {
	cases := []struct{ given, want string }{{"", "8.4"}, {"8.2", "8.2"}, {"9", "9"}, {"7.0", "8.4"}}
	for _, tc := range cases {
		h := newHarness(t, func(o *sim.Options) { o.Version = tc.given })
		if got := h.srv.Version(); got != tc.want {
			t.Errorf("Version %q: server imitates %q, want %q", tc.given, got, tc.want)
		}
	}
	// A version CheckVersion refuses is logged and treated as the default.
	h := newHarness(t, func(o *sim.Options) { o.Version = "7.0" })
	if !strings.Contains(h.log.String(), "unknown Restcomm version") {
		t.Errorf("no warning for an unknown version:\n%s", h.log.String())
	}
	sid := h.createSID("+12025550120", nil)
	h.wantStatus(sid, 10*time.Second, "canceled")
}
