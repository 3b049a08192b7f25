package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/tmuxtest"
)

// TestMissingConfigIsExplained: a --config or $FLASHCALL_CONFIG naming a file that is not there says which
// named it and what to do, never the raw stat error; a configuration that selects the simulator is not
// called "no configuration".
func TestMissingConfigIsExplained(t *testing.T) {
	h := newHome(t)
	missing := filepath.Join(h.dir, "nowhere.toml")
	_, stderr, code := h.run(t, "", "call", "--config", missing, "+447400123450")
	if code != exitUsage || !strings.Contains(stderr, "the configuration file "+missing+" (named by --config) does not exist") ||
		!strings.Contains(stderr, "leave --config out") || strings.Contains(stderr, "stat ") {
		t.Errorf("--config of a missing file: exit %d, %q", code, stderr)
	}
	withEnv := &home{dir: h.dir, env: append(append([]string(nil), h.env...), "FLASHCALL_CONFIG="+missing)}
	_, stderr, code = withEnv.run(t, "", "call", "+447400123450")
	if code != exitUsage || !strings.Contains(stderr, "(named by $FLASHCALL_CONFIG)") || !strings.Contains(stderr, "unset $FLASHCALL_CONFIG") {
		t.Errorf("$FLASHCALL_CONFIG of a missing file: exit %d, %q", code, stderr)
	}

	cfg := filepath.Join(h.dir, "sim.toml")
	if err := os.WriteFile(cfg, []byte("[restcomm]\nbase_url = \"sim\"\n[server]\nlisten = \"127.0.0.1:0\"\n[sim]\nspeed = 50.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, _ = h.run(t, "", "call", "--config", cfg, "+447400123450")
	if strings.Contains(stderr, "no configuration") || !strings.Contains(stderr, cfg+` sets restcomm.base_url = "sim"`) {
		t.Errorf("a configuration that selects the simulator: %q", stderr)
	}
}

// TestSimListensOnLoopbackOnly: the simulator prints its credentials and serves whoever connects, so an
// address on every interface or another machine's is refused before anything listens, with the fix.
func TestSimListensOnLoopbackOnly(t *testing.T) {
	h := newHome(t)
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:8080", "example.com:8080"} {
		_, stderr, code := h.run(t, "", "sim", "--listen", addr)
		if code != exitUsage || !strings.Contains(stderr, "is not a loopback address") || !strings.Contains(stderr, "ssh -L") {
			t.Errorf("sim --listen %s: exit %d, %q", addr, code, stderr)
		}
	}
}

// TestConsoleShowsWarnings: the configuration's warnings appear on the console's screen, where the operator
// looks, not on a terminal the console's alternate screen hides.
func TestConsoleShowsWarnings(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Credentials beside base_url = "sim" are warned about: they are not used.
	withSID := strings.Replace(string(body), "[restcomm]\n", "[restcomm]\naccount_sid = \"AC0123456789abcdef0123456789abcdef\"\n", 1)
	if err := os.WriteFile(cfg, []byte(withSID), 0o600); err != nil {
		t.Fatal(err)
	}
	s := tmuxtest.Start(t, 200, 30, h.env, binary, "--config", cfg)
	s.Wait(`warning: restcomm credentials are set but restcomm\.base_url is "sim"`, 15*time.Second)
}
