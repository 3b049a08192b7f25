package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestKilledHeadlessCallsNeverDialTwice runs `flashcall call` against a standalone simulator many times and
// kills it with SIGKILL at random points: before it starts, while it writes the attempt or creates the call,
// after it printed the first or second state. A final run reconciles. The history then holds every attempt
// that got as far as being written, none is left live, and the simulator's own log shows no destination
// dialled more often than the history has attempts for it.
func TestKilledHeadlessCallsNeverDialTwice(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken,
		"timeout = 2\npoll_interval = \"200ms\"\nfrom = [\"447418340465\", \"447418341234\", \"447418345678\"]\naccept_guessable_codes = true\n",
		// Two dozen calls to five numbers in a minute is what this test does on purpose.
		"[policy]\nlimit_per_number = \"off\"\nlimit_per_prefix = \"off\"\n")
	rng := rand.New(rand.NewPCG(42, 26))
	const runs = 24
	for i := range runs {
		number := fmt.Sprintf("+4474001234%02d", (i%5)*10) // five destinations, all ending in 0 (rings out)
		killAfterLines := rng.IntN(4)                      // 0: on a timer; 1-3: after that many state lines
		cmd := exec.Command(binary, "call", "--config", cfg, "--json", number)
		cmd.Env = h.env
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if killAfterLines == 0 {
			// A random point in the first moments: flag parsing, opening the history, the write-ahead row, the
			// create request. The delay is the fault's timing, not a synchronisation.
			time.AfterFunc(time.Duration(rng.IntN(120))*time.Millisecond, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		} else {
			sc := bufio.NewScanner(out)
			for n := 0; n < killAfterLines && sc.Scan(); n++ {
			}
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
		_ = cmd.Wait()
	}
	// A clean run reconciles everything the killed ones left, then places and follows a call of its own.
	outJSON, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123490")
	if code != 0 {
		t.Fatalf("reconciling run: exit %d\n%s\n%s", code, outJSON, errOut)
	}
	exp, _, code := h.run(t, "", "history", "export", "--format", "json", "--reveal", "--config", cfg)
	if code != 0 {
		t.Fatalf("export exit %d", code)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(exp), &rows); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	attempts := map[string]int{}
	for _, r := range rows {
		attempts[r["number"].(string)]++
		if st := r["state"]; st == "live" || st == "placing" {
			t.Errorf("attempt to %v left %v after reconciliation", r["number"], st)
		}
	}
	dialled := 0
	for number := range attempts {
		n := countSimCalls(t, addr, number)
		dialled += n
		if n > attempts[number] {
			t.Errorf("%s dialled %d times, but the history has %d attempts for it", number, n, attempts[number])
		}
	}
	// Every call the simulator received belongs to a number the history knows.
	if total := countSimCalls(t, addr, ""); total != dialled {
		t.Errorf("the simulator received %d calls, %d of them to numbers in the history", total, dialled)
	}
	t.Logf("%d killed runs: %d attempts in the history, %d calls placed", runs, len(rows)-1, dialled-1)
	if len(rows) < 2 || !strings.Contains(exp, "+447400123490") {
		t.Fatalf("history lacks the clean run's attempt:\n%s", exp)
	}
}
