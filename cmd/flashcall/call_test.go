package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q (%v)", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestCallJSONDeliveredThenExport(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	out, errOut, code := h.run(t, "", "call", "--json", "+447400123450", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := jsonLines(t, out)
	var statuses []string
	for _, l := range lines[:len(lines)-1] {
		if l["sid"] == "" || l["status"] == nil {
			t.Fatalf("state line without sid/status: %v", l)
		}
		statuses = append(statuses, l["status"].(string))
	}
	// Restcomm 8.4+: the missed call ends canceled, and it is delivered, not answered.
	if strings.Join(statuses, ",") != "queued,ringing,canceled" {
		t.Fatalf("statuses %v, want queued,ringing,canceled", statuses)
	}
	if last := lines[len(lines)-1]; last["outcome"] != "delivered" {
		t.Fatalf("last line %v, want outcome delivered", last)
	}
	csvOut, _, code := h.run(t, "", "history", "--config", cfg, "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("export exit %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("export: %d records (%v), want header + 1", len(recs), err)
	}
	if row := strings.Join(recs[1], ","); !strings.Contains(row, "canceled,delivered") || strings.Contains(row, "answered") {
		t.Fatalf("exported row %v lacks the call status", recs[1])
	}
}

func TestCallExitCodes(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	cases := []struct {
		name, number string
		code         int
		outcome      string
	}{
		{"busy", "+447400123457", 1, "busy"},
		{"failed", "+447400123458", 1, "failed"},
		{"carrier 404: failed without ringing", "+447400123459", 1, "failed"},
		{"answered", "+447400123456", 0, "answered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", c.number)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, c.code, out, errOut)
			}
			lines := jsonLines(t, out)
			if got := lines[len(lines)-1]["outcome"]; got != c.outcome {
				t.Fatalf("outcome %v, want %s", got, c.outcome)
			}
		})
	}
}

func TestCallRefusesAnInvalidNumberWithExit3(t *testing.T) {
	h := newHome(t)
	_, errOut, code := h.run(t, "", "call", "--config", h.fastConfig(t, ""), "+44 12")
	if code != 3 || !strings.Contains(errOut, "too short") {
		t.Fatalf("exit %d stderr %q, want 3 and the reason", code, errOut)
	}
}

func TestCallVerify(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	// A one-number pool (the simulator accepts it): the code is 0465.
	cfg = filepath.Join(h.dir, "one.toml")
	if err := os.WriteFile(cfg, []byte("[restcomm]\nbase_url = \"sim\"\n[call]\npoll_interval = \"200ms\"\nfrom = [\"447418340465\"]\n"+
		"[server]\nlisten = \"127.0.0.1:0\"\n[sim]\nspeed = 20.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := h.run(t, "0465\n", "call", "--config", cfg, "--verify", "--json", "+447400123451")
	if code != 0 || !strings.Contains(out, `"verification":"verified"`) {
		t.Fatalf("exit %d, want 0 and verified\n%s\n%s", code, out, errOut)
	}
	out, _, code = h.run(t, "1111\n2222\n3333\n", "call", "--config", cfg, "--verify", "--json", "+447400123452")
	// The full caller ID is the code: it must never be printed. (A bare "0465"
	// could occur by chance inside a random call SID, so look for the number.)
	if code != 1 || !strings.Contains(out, `"verification":"failed"`) || strings.Contains(out, "7418340465") {
		t.Fatalf("three wrong read-backs: exit %d\n%s", code, out)
	}
}

func TestUsageAndConfigErrorsExit2(t *testing.T) {
	h := newHome(t)
	bad := filepath.Join(h.dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[call]\ntimeout = \"ten\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := h.run(t, "", "call", "--config", bad, "+447400123450")
	if code != 2 || !strings.Contains(errOut, "bad.toml:2") {
		t.Fatalf("exit %d stderr %q, want 2 naming bad.toml:2", code, errOut)
	}
	_, _, code = h.run(t, "", "call")
	if code != 2 {
		t.Fatalf("call without a number: exit %d, want 2", code)
	}
	_, _, code = h.run(t, "", "frobnicate")
	if code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
	for _, sub := range []string{"call", "history", "rcml", "doctor", "sim", "console"} {
		out, errOut, code := h.run(t, "", sub, "--help")
		if code != 0 || !strings.Contains(out+errOut, "--config") {
			t.Fatalf("%s --help: exit %d, output lacks --config", sub, code)
		}
	}
}

// TestCallWithRejectedCredentials runs a standalone simulator and points a real-backend configuration at it
// with a wrong token: exit 4, an actionable message, and the token nowhere in the output.
func TestCallWithRejectedCredentials(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	const token = "deadbeefdeadbeefdeadbeefdeadbeef"
	cfg := h.simBackend(t, addr, token, "", "")
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "+447400123450")
	if code != 4 {
		t.Fatalf("exit %d, want 4\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "401") || !strings.Contains(strings.ToLower(errOut), "auth_token") {
		t.Fatalf("message does not say what to fix: %q", errOut)
	}
	if strings.Contains(out+errOut, token) {
		t.Fatal("the auth token was printed")
	}
	log, _ := os.ReadFile(filepath.Join(h.dir, ".local/share/flashcall/flashcall.log"))
	if len(log) == 0 || strings.Contains(string(log), token) {
		t.Fatalf("log empty or holding the token (%d bytes)", len(log))
	}
}

func TestConfigFlagBeforeTheCommand(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	for _, args := range [][]string{
		{"--config", cfg, "rcml"},
		{"--config=" + cfg, "rcml"},
		{"rcml", "--config", cfg},
	} {
		out, errOut, code := h.run(t, "", args...)
		if code != 0 || !strings.Contains(out, "<Response>") {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
	bad := filepath.Join(h.dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[call]\ntiemout = 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := h.run(t, "", "--config", bad, "rcml"); code != 2 || !strings.Contains(errOut, "tiemout") {
		t.Fatalf("a bad file named before the command: exit %d, %q", code, errOut)
	}
}
