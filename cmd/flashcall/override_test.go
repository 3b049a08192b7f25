package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOverrideLetsOneCallThrough: a number the per-number limit refuses is called once after `flashcall
// override`, then refused again; an operator (console.supervisor = false) is refused; a bad rule, a missing
// reason or a missing number say what is accepted; the audit log has the override, the number masked.
func TestOverrideLetsOneCallThrough(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "[policy]\nlimit_per_number = \"1/1h\"\n")
	const number = "+447400123458" // the simulator fails it at once
	call := func(when string) (string, int) {
		t.Helper()
		_, errOut, code := h.run(t, "", "call", "--config", cfg, number)
		if code != exitPolicy && code > 1 {
			t.Fatalf("%s: call exit %d: %s", when, code, errOut)
		}
		return errOut, code
	}
	call("first call")
	if errOut, code := call("second call"); code != exitPolicy || !strings.Contains(errOut, "policy.limit_per_number") {
		t.Fatalf("second call: exit %d, %q; want refused by the limit", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{number, "--rule", "allowed_countries", "--reason", "x"}, "cooldown, locked, limit_per_number"},
		{[]string{number, "--rule", "limit_per_number"}, "--reason is required"},
		{[]string{number, "--reason", "x"}, "--rule is required"},
		{[]string{"--rule", "limit_per_number", "--reason", "x"}, "usage: flashcall override NUMBER"},
		{[]string{"12ab", "--rule", "limit_per_number", "--reason", "x"}, "12ab"},
	} {
		if _, errOut, code := h.run(t, "", append([]string{"override", "--config", cfg}, tc.args...)...); code != exitUsage ||
			!strings.Contains(errOut, tc.want) {
			t.Errorf("override %q: exit %d, %q; want exit %d saying %q", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
	operator := filepath.Join(h.dir, "operator.toml")
	body, err := os.ReadFile(cfg)
	if err == nil {
		err = os.WriteFile(operator, append(body, "[console]\nsupervisor = false\n"...), 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := h.run(t, "", "override", "--config", operator, number, "--rule", "limit_per_number", "--reason", "x"); code != exitPolicy ||
		!strings.Contains(errOut, "for supervisors only") {
		t.Fatalf("an operator's override: exit %d, %q", code, errOut)
	}
	out, errOut, code := h.run(t, "", "override", "--config", cfg, number, "--rule", "limit_per_number", "--reason", "customer asked twice")
	if code != exitOK || !strings.Contains(out, "policy.limit_per_number lifted for the next call to +44*******458") || strings.Contains(out, number) {
		t.Fatalf("override: exit %d, %q, %q", code, out, errOut)
	}
	if _, errOut, code := h.run(t, "", "override", "--config", cfg, number, "--rule", "limit_per_number", "--reason", "again"); code != exitNotDone ||
		!strings.Contains(errOut, "already lifted") {
		t.Fatalf("a second override: exit %d, %q", code, errOut)
	}
	if errOut, code := call("after the override"); code == exitPolicy {
		t.Fatalf("the call after the override was refused: %s", errOut)
	}
	if errOut, code := call("after the override was used"); code != exitPolicy || !strings.Contains(errOut, "policy.limit_per_number") {
		t.Fatalf("the next call: exit %d, %q; want refused again", code, errOut)
	}
	audit, _, _ := h.run(t, "", "audit", "export", "--config", cfg)
	if !strings.Contains(audit, "override-given") || !strings.Contains(audit, "override-used") ||
		!strings.Contains(audit, `\"customer asked twice\"`) && !strings.Contains(audit, `"customer asked twice"`) || strings.Contains(audit, number) {
		t.Fatalf("the audit log:\n%s", audit)
	}
}
