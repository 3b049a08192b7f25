package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/tmuxtest"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestBurstOfTwentyCalls types twenty numbers into the built console at full speed, each followed by enter,
// in one burst of keystrokes, against a standalone simulator with mixed outcomes (missed, busy, answered,
// failed). Every number is called exactly once, every call shows in the live pane at some point, the
// deliveries take no keystroke (no read-back is checked: the operator checked none), and the audit log
// afterwards holds no code check.
func TestBurstOfTwentyCalls(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 8\npoll_interval = \"200ms\"\n",
		"[policy]\nlimit_per_prefix = \"100/10m\"\nlimit_per_number = \"100/10m\"\n")
	s := tmuxtest.Start(t, 200, 70, h.env, binary, "--config", cfg)
	s.Wait(`History \(0\)`, 15*time.Second)

	// Last digits 0-3 ring out (delivered), 5 and 7 busy, 6 answered, 8 failed: mixed outcomes.
	digits := []int{0, 5, 1, 6, 2, 7, 3, 8, 0, 1, 5, 2, 6, 3, 0, 7, 1, 8, 2, 3}
	var numbers []string
	for i, d := range digits {
		numbers = append(numbers, fmt.Sprintf("+447400%05d%d", 100+i, d))
	}
	for _, n := range numbers { // no wait between keystrokes: as fast as tmux delivers them
		s.Type(n)
		s.Keys("Enter")
	}

	// Watch the screen until every number has been seen in the live pane and nothing is live any more.
	// A number shows masked, its last three digits whole: the burst's numbers all differ there.
	masked := func(n string) string { return `\+44\*+` + regexp.QuoteMeta(n[len(n)-3:]) + `\b` }
	seen := map[int]bool{}
	livePane := regexp.MustCompile(`(?s)Live calls \(\d+\)(.*?)History \(`)
	patterns := make([]*regexp.Regexp, len(numbers))
	for i, n := range numbers {
		patterns[i] = regexp.MustCompile(masked(n))
	}
	s.Watch(90*time.Second, "every number seen live, then nothing live and 20 rows", func(screen string) bool {
		if m := livePane.FindStringSubmatch(screen); m != nil {
			for i, re := range patterns {
				if re.MatchString(m[1]) {
					seen[i] = true
				}
			}
		}
		return len(seen) == len(numbers) && strings.Contains(screen, "Live calls (0)") &&
			strings.Contains(screen, "History (20)")
	})
	for _, n := range numbers {
		if c := countSimCalls(t, addr, n); c != 1 {
			t.Errorf("%s was called %d times, want exactly once", n, c)
		}
	}
	s.Keys("C-c") // nothing is live: the console quits without asking
	s.WaitExit(10 * time.Second)

	out, _, code := h.run(t, "", "audit", "export", "--format", "json", "--config", cfg)
	if code != 0 {
		t.Fatalf("audit export: exit %d", code)
	}
	var entries []struct{ Action, Detail string }
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	placed := 0
	for _, e := range entries {
		switch e.Action {
		case "code-checked":
			t.Errorf("a read-back the operator never made was checked: %s", e.Detail)
		case "call-placed":
			placed++
		}
	}
	if placed != len(numbers) {
		t.Errorf("%d calls placed in the audit log, want %d", placed, len(numbers))
	}
}
