package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestRungOutCallIsCanceledDeliveredAndNeverAnswered runs `flashcall call --json` against a standalone
// `flashcall sim` behaving as Restcomm 8.4+: a number ending 0 rings out, the state lines end with
// "canceled", the outcome is delivered, and the simulator's own record of the call has a duration and no
// ring_duration or answered_by, the shape that made every flash call "answered" before.
func TestRungOutCallIsCanceledDeliveredAndNeverAnswered(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 2\npoll_interval = \"200ms\"\n", "")
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123450")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	lines := jsonLines(t, out)
	last := lines[len(lines)-1]
	if last["outcome"] != "delivered" {
		t.Fatalf("outcome %v, want delivered", last["outcome"])
	}
	if prev := lines[len(lines)-2]; prev["status"] != "canceled" {
		t.Fatalf("last state line %v, want status canceled", prev)
	}
	sid, _ := last["sid"].(string)
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/restcomm/2012-04-24/Accounts/"+sim.DefaultAccountSID+"/Calls/"+sid+".json", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sim.DefaultAccountSID, sim.DefaultAuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var rec map[string]any
	if err := json.Unmarshal(body, &rec); err != nil {
		t.Fatalf("GET %s: %v: %s", sid, err, body)
	}
	if d, ok := rec["duration"].(float64); !ok || d <= 0 {
		t.Errorf("the simulator's record has duration %v, want > 0: %s", rec["duration"], body)
	}
	for _, k := range []string{"ring_duration", "answered_by"} {
		if _, ok := rec[k]; ok {
			t.Errorf("the simulator's record of a rung-out call has %s: %s", k, body)
		}
	}
	if rec["status"] != "canceled" {
		t.Errorf("status %v, want canceled", rec["status"])
	}
}

// TestStuckQueuedCallEndsNotDelivered: a number ending 4 stays QUEUED in the simulator for ever (a wrong
// outbound proxy). `flashcall call` gives up after Timeout plus its margin, says why, and exits 1.
func TestStuckQueuedCallEndsNotDelivered(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 1\npoll_interval = \"200ms\"\n", "")
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123454")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	lines := jsonLines(t, out)
	if last := lines[len(lines)-1]; last["outcome"] != "not-delivered" {
		t.Fatalf("outcome %v, want not-delivered", last["outcome"])
	}
	if !strings.Contains(out, "Restcomm never rang this call (still queued after ") || !strings.Contains(out, "check the outbound route") {
		t.Fatalf("no reason given:\n%s", out)
	}
}
