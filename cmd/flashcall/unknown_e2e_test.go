package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// runBounded runs the binary like home.run, but kills it and fails the test when it has not exited within
// limit: the bound turns a command that never exits into a failure, it does not time it.
func (h *home) runBounded(t *testing.T, limit time.Duration, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = h.env
	cmd.Dir = h.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("flashcall %s did not exit within %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), limit, out.String(), errb.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running flashcall: %v", err)
	}
	return out.String(), errb.String(), code
}

// TestCallExitsWhenTheLookUpKeepsFailing: the simulator places the call but drops the create's reply, and
// answers every ListCalls with a 500. `flashcall call` must not wait for ever: once call.lookup_window has
// passed it ends the attempt as unknown, says that the look-up gave up (outcome line, stderr, history), and
// exits 5. Nothing is dialled twice: the simulator's log holds one create.
func TestCallExitsWhenTheLookUpKeepsFailing(t *testing.T) {
	const window = 20 * time.Second
	h := newHome(t)
	addr, stopSim := startSimLogged(t, h, "--drop-after-create", "1", "--error-rate", "list=1")
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken,
		"timeout = 2\npoll_interval = \"200ms\"\nlookup_window = \""+window.String()+"\"\n", noLimits)

	out, errOut, code := h.runBounded(t, 3*window, "call", "--config", cfg, "--json", "+447400123450")
	if code != exitUnknown {
		t.Fatalf("exit %d, want %d (outcome unknown)\nstdout:\n%s\nstderr:\n%s", code, exitUnknown, out, errOut)
	}
	lines := jsonLines(t, out)
	if first := lines[0]; first["state"] != "unknown" || first["sid"] != "" {
		t.Errorf("first line %v, want the unknown create without a SID", first)
	}
	last := lines[len(lines)-1]
	note, _ := last["note"].(string)
	if last["outcome"] != "unknown" || !strings.HasPrefix(note, "the look-up gave up after 20s: Restcomm's call list could not be read") {
		t.Errorf("outcome line %v, want unknown with the look-up's note", last)
	}
	if !strings.Contains(errOut, "outcome unknown: the look-up gave up after 20s") {
		t.Errorf("stderr does not say the look-up gave up:\n%s", errOut)
	}

	exp, errExp, code := h.run(t, "", "history", "export", "--format", "json", "--config", cfg)
	if code != exitOK {
		t.Fatalf("history export: exit %d: %s", code, errExp)
	}
	var rows []struct {
		State   string `json:"state"`
		Outcome string `json:"outcome"`
		CallSID string `json:"call_sid"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal([]byte(exp), &rows); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, exp)
	}
	if len(rows) != 1 || rows[0].State != "unknown" || rows[0].Outcome != "unknown" || rows[0].CallSID != "" ||
		!strings.HasPrefix(rows[0].Error, "the look-up gave up") {
		t.Fatalf("history %+v, want one attempt ended unknown with the look-up's note", rows)
	}
	// The simulator's lists fail, so its own log says how many calls it created.
	if n := strings.Count(stopSim(), "sim: call created"); n != 1 {
		t.Fatalf("the simulator created %d calls, want the one create", n)
	}
}

// startSimLogged runs `flashcall sim` with extra flags on a free loopback port, like startSimArgs, keeping
// its log; stop interrupts it, waits for it to exit, and returns the whole log.
func startSimLogged(t *testing.T, h *home, args ...string) (addr string, stop func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, append([]string{"sim", "--listen", addr}, args...)...)
	cmd.Env = h.env
	var logs syncbuf.Buffer
	cmd.Stderr = &logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	wait := func() { once.Do(func() { _ = cmd.Wait() }) }
	t.Cleanup(func() { _ = cmd.Process.Kill(); wait() })
	buf := make([]byte, 4096)
	if n, err := out.Read(buf); err != nil || !strings.Contains(string(buf[:n]), addr) {
		t.Fatalf("simulator banner %q (%v)", buf[:n], err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }() // the rest of stdout, so the simulator never blocks on it
	return addr, func() string {
		t.Helper()
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatalf("interrupting the simulator: %v", err)
		}
		wait() // once it has returned, every line the simulator logged is in logs
		return logs.String()
	}
}

// TestAuditExportShowsIntakeRefusals: a number refused at intake is in `flashcall audit export`, masked and
// with the reason, never as typed.
func TestAuditExportShowsIntakeRefusals(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	const typed = "+44 7400 12345"
	if _, errOut, code := h.run(t, "", "call", "--config", cfg, typed); code != exitPolicy {
		t.Fatalf("exit %d, want %d\n%s", code, exitPolicy, errOut)
	}
	out, errOut, code := h.run(t, "", "audit", "export", "--format", "json", "--config", cfg)
	if code != exitOK {
		t.Fatalf("audit export: exit %d: %s", code, errOut)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("the audit export is not JSON: %v\n%s", err, out)
	}
	var refusals []map[string]any
	for _, e := range entries {
		if e["action"] == "intake-refused" {
			refusals = append(refusals, e)
		}
	}
	if len(refusals) != 1 {
		t.Fatalf("%d intake refusals in the audit export, want 1:\n%s", len(refusals), out)
	}
	detail, _ := refusals[0]["detail"].(string)
	if !strings.HasPrefix(detail, `number refused at intake: "***********345": `) || !strings.Contains(detail, "not a valid number") {
		t.Errorf("refusal detail %q, want the masked input and the reason", detail)
	}
	if strings.Contains(out, typed) || strings.Contains(out, "7400 12345") {
		t.Errorf("the audit export holds the number as typed:\n%s", out)
	}
	csvOut, _, code := h.run(t, "", "audit", "export", "--format", "csv", "--config", cfg)
	if code != exitOK || !strings.Contains(csvOut, "intake-refused") {
		t.Errorf("the CSV audit export (exit %d) lacks the refusal:\n%s", code, csvOut)
	}
}
