package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestPremiumRateIsRefusedAndNothingIsDialled is the acceptance check: a US premium-rate number exits
// 3 naming the rule, and the simulator receives no call.
func TestPremiumRateIsRefusedAndNothingIsDialled(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "", "")
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "+19005550123")
	if code != 3 || !strings.Contains(errOut, "premium-rate") || !strings.Contains(errOut, "policy.") {
		t.Fatalf("exit %d, want 3 with the rule named\n%s\n%s", code, out, errOut)
	}
	if n := countSimCalls(t, addr, ""); n != 0 {
		t.Fatalf("the simulator received %d calls", n)
	}
	exp, _, _ := h.run(t, "", "history", "export", "--format", "json", "--config", cfg)
	if !strings.Contains(exp, `"state":"blocked"`) {
		t.Fatalf("the refusal is not in the history as a blocked attempt:\n%s", exp)
	}
}

// TestExportsAreMaskedUnlessRevealedAndAudited checks masking in exports, --reveal, and that both exports and
// the configuration load appear in the audit log.
func TestExportsAreMaskedUnlessRevealedAndAudited(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	if _, errOut, code := h.run(t, "", "call", "--config", cfg, "+447400123450"); code != 0 {
		t.Fatalf("call: exit %d: %s", code, errOut)
	}
	masked, _, code := h.run(t, "", "history", "export", "--config", cfg)
	if code != 0 || strings.Contains(masked, "+447400123450") || !strings.Contains(masked, "450") {
		t.Fatalf("default export (exit %d) is not masked:\n%s", code, masked)
	}
	revealed, _, code := h.run(t, "", "history", "export", "--reveal", "--format", "json", "--config", cfg)
	if code != 0 || !strings.Contains(revealed, "+447400123450") {
		t.Fatalf("--reveal export (exit %d) lacks the number:\n%s", code, revealed)
	}
	auditOut, _, code := h.run(t, "", "audit", "export", "--format", "json", "--config", cfg)
	if code != 0 {
		t.Fatalf("audit export: exit %d", code)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(auditOut), &entries); err != nil {
		t.Fatalf("audit export is not JSON: %v\n%s", err, auditOut)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e["action"].(string)+":"+e["detail"].(string))
	}
	all := strings.Join(actions, "\n")
	for _, want := range []string{"config-loaded", "call-placed", "numbers masked", "numbers REVEALED"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit log lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(auditOut, "+447400123450") {
		t.Error("the audit log holds a full number")
	}
	log, _ := os.ReadFile(filepath.Join(h.dir, ".local/share/flashcall/flashcall.log"))
	if strings.Contains(string(log), "+447400123450") || strings.Contains(string(log), "447400123450") {
		t.Errorf("the log holds a full number:\n%s", log)
	}
}
