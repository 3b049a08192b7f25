package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/tmuxtest"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestConsoleEndToEnd runs the built binary with no configuration in tmux, verifies a number through the
// embedded simulator, and reads the result off the history row; a restart shows the same row.
func TestConsoleEndToEnd(t *testing.T) {
	h := newHome(t)
	s := tmuxtest.Start(t, 100, 30, h.env, binary)
	s.Wait(`SIMULATED CALLS`, 15*time.Second)
	s.Type("+447400123450")
	s.Wait(`United Kingdom`, 5*time.Second)
	s.Keys("Enter")
	s.Wait(`ringing`, 10*time.Second)
	screen := s.Wait(`awaiting-code`, 30*time.Second)
	if strings.Contains(screen, "0465") {
		t.Fatalf("the code is visible before the read-back:\n%s", screen)
	}
	if strings.Contains(screen, "+447400123450") || !strings.Contains(screen, "+44*******450") {
		t.Fatalf("the placed number is not masked on screen:\n%s", screen)
	}
	s.Type("0465")
	s.Keys("Enter")
	screen = s.Wait(`\+44\S*450 .*no-answer +verified`, 10*time.Second)
	if strings.Contains(screen, sim.DefaultAuthToken) {
		t.Fatal("the auth token is on screen")
	}
	s.Keys("C-c")
	s.WaitExit(10 * time.Second)

	again := tmuxtest.Start(t, 100, 30, h.env, binary)
	again.Wait(`\+44\S*450 .*no-answer +verified`, 15*time.Second)
}

// TestConsoleKilledWhileRingingIsReconciled places a call through a standalone simulator, kills the console
// with SIGKILL while the phone rings, and restarts it: the attempt is reconciled by SID and nothing is dialled
// again.
func TestConsoleKilledWhileRingingIsReconciled(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := filepath.Join(h.dir, "real.toml")
	body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
		"[call]\nrcml_url = \"http://127.0.0.1:1/rcml.xml\"\ntimeout = 20\n[server]\nlisten = \"127.0.0.1:0\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env, "FLASHCALL_AUTH_TOKEN="+sim.DefaultAuthToken)
	s := tmuxtest.Start(t, 100, 30, h.env, binary, "--config", cfg)
	s.Wait(`127\.0\.0\.1.*pool 1(?s:.*)History \(0\)`, 15*time.Second)
	s.Type("+447400123450")
	s.Wait(`United Kingdom`, 5*time.Second)
	s.Keys("Enter")
	s.Wait(`ringing`, 10*time.Second)
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.WaitExit(10 * time.Second)

	again := tmuxtest.Start(t, 100, 30, h.env, binary, "--config", cfg)
	again.Wait(`\+44\S*450 .*(ringing|no-answer)`, 15*time.Second)
	again.Wait(`\+44\S*450 .*no-answer +awaiting-code`, 40*time.Second)
	if n := countSimCalls(t, addr, "+447400123450"); n != 1 {
		t.Fatalf("the simulator holds %d calls to the number, want exactly 1", n)
	}
}

// startSim runs `flashcall sim` on a free loopback port and returns its address.
func startSim(t *testing.T, h *home) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "sim", "--listen", addr)
	cmd.Env = h.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 4096)
	if n, err := out.Read(buf); err != nil || !strings.Contains(string(buf[:n]), addr) {
		t.Fatalf("simulator banner %q (%v)", buf[:n], err)
	}
	return addr
}

// countSimCalls lists the simulator's calls to a number through the real client.
func countSimCalls(t *testing.T, addr, to string) int {
	t.Helper()
	c, err := restcomm.New("http://"+addr+"/restcomm", sim.DefaultAccountSID, sim.DefaultAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.ListCalls(context.Background(), restcomm.ListFilter{To: to}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
