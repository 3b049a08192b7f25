package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/config"
)

// misplacedToken is a Restcomm-shaped auth token (32 hex digits) written under the wrong key.
const misplacedToken = "0badc0de0123456789abcdef0badc0de"

// TestDoctorNeverEchoesAMisplacedToken: a token put under history.path (which works: it is a file name) is
// not printed by doctor, whose "history" line quotes the path; one put in base_url or in the user
// information of public_url is refused without being echoed.
func TestDoctorNeverEchoesAMisplacedToken(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "[history]\npath = \""+filepath.Join(h.dir, misplacedToken)+"\"\n")
	out, errOut, code := h.runInProcess(t, "doctor", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, misplacedToken) {
		t.Errorf("doctor prints the token:\n%s%s", out, errOut)
	}
	if lines := doctorLines(t, out); linesWith(lines, "ok   ", "history: ") != 1 ||
		linesWith(lines, "ok   ", config.HiddenValue) != 1 {
		t.Errorf("want one ok history line with %q:\n%s", config.HiddenValue, out)
	}

	for name, tc := range map[string]struct {
		content, env string
	}{
		"token as base_url":            {"[restcomm]\nbase_url = \"" + misplacedToken + "\"\n", ""},
		"env token as base_url":        {"[restcomm]\nbase_url = \"Zq9-T0ken_From-The-Env1ronment\"\n", "Zq9-T0ken_From-The-Env1ronment"},
		"token in public_url userinfo": {"[server]\npublic_url = \"http://ops:" + misplacedToken + "@127.0.0.1:9\"\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHome(t)
			if tc.env != "" {
				h.env = append(h.env, config.EnvAuthToken+"="+tc.env)
			}
			path := filepath.Join(h.dir, "c.toml")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := h.runInProcess(t, "doctor", "--config", path)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			for _, secret := range []string{misplacedToken, "Zq9-T0ken", "ops:"} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("output shows %q:\n%s%s", secret, out, errOut)
				}
			}
			if !strings.Contains(errOut, path+" has problems:") {
				t.Errorf("stderr lacks the problems:\n%s", errOut)
			}
		})
	}
}
