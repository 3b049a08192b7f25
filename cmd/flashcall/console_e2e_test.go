package main

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/tmuxtest"
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
	code := h.newestCode(t, "")
	if strings.Contains(screen, "834"+code) {
		t.Fatalf("the code is visible before the read-back:\n%s", screen)
	}
	if strings.Contains(screen, "+447400123450") || !strings.Contains(screen, "+44*******450") {
		t.Fatalf("the placed number is not masked on screen:\n%s", screen)
	}
	// A delivered call queues a notice and leaves the keyboard where it is: c opens the read-back.
	s.Wait(`\+44\S*450 delivered: press c to enter the code`, 10*time.Second)
	s.Type("c")
	s.Wait(`Read-back for`, 5*time.Second)
	s.Type(code)
	s.Keys("Enter")
	screen = s.Wait(`\+44\S*450 .*canceled +verified`, 10*time.Second)
	if strings.Contains(screen, sim.DefaultAuthToken) {
		t.Fatal("the auth token is on screen")
	}
	s.Keys("C-c")
	s.WaitExit(10 * time.Second)

	again := tmuxtest.Start(t, 100, 30, h.env, binary)
	again.Wait(`\+44\S*450 .*canceled +verified`, 15*time.Second)
}

// TestConsoleKilledWhileRingingIsReconciled places a call through a standalone simulator, kills the console
// with SIGKILL while the phone rings, and restarts it: the attempt is reconciled by SID and nothing is dialled
// again.
func TestConsoleKilledWhileRingingIsReconciled(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 20\n", "")
	s := tmuxtest.Start(t, 100, 30, h.env, binary, "--config", cfg)
	s.Wait(`127\.0\.0\.1.*pool 10,000 · guess 1 in 3,333(?s:.*)History \(0\)`, 15*time.Second)
	s.Type("+447400123450")
	s.Wait(`United Kingdom`, 5*time.Second)
	s.Keys("Enter")
	s.Wait(`ringing`, 10*time.Second)
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.WaitExit(10 * time.Second)

	again := tmuxtest.Start(t, 100, 30, h.env, binary, "--config", cfg)
	again.Wait(`\+44\S*450 .*(ringing|canceled)`, 15*time.Second)
	again.Wait(`\+44\S*450 .*canceled +awaiting-code`, 40*time.Second)
	if n := countSimCalls(t, addr, "+447400123450"); n != 1 {
		t.Fatalf("the simulator holds %d calls to the number, want exactly 1", n)
	}
}

// newestCode reads the code of the newest attempt straight from the history file the console writes (the
// database at cfgPath's history path, or the default one), as only a test may: no output of flashcall shows
// an open verification's code.
func (h *home) newestCode(t *testing.T, cfgPath string) string {
	t.Helper()
	getenv := func(k string) string {
		for _, kv := range h.env {
			if name, v, ok := strings.Cut(kv, "="); ok && name == k {
				return v
			}
		}
		return ""
	}
	cfg := config.Default()
	if cfgPath != "" {
		var err error
		if cfg, err = config.Load(cfgPath, getenv); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.OpenReadOnly(context.Background(), cfg.HistoryPath(getenv))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.History(context.Background(), store.HistoryQuery{})
	if err != nil || len(rows) == 0 {
		t.Fatalf("history: %d rows, %v", len(rows), err)
	}
	from := rows[0].From
	return from[len(from)-4:]
}
