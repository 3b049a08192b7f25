package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/tmuxtest"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// The range the conversion drop hits, and a number in it placed only after the alarm.
const (
	dropRange  = "+44740012"
	dropLatest = dropRange + "5550"
)

// TestConversionDropPausesARange drives a conversion drop with rising volume for one number range through the
// built console on a standalone simulator. The history holds a week where customers verified; then twenty
// calls into one range are delivered and nobody reads a code back. The alarm rises (every screen's header
// counts it), calls into that range are refused naming the alarm and never reach the simulator, the
// supervisor resumes the range from the command line, and the next call goes through. The audit log has the
// alarm, the pause, the refusal and the resume. All along, /metrics on server.listen is read with curl: the
// counters move with the calls, the refusal and the alarm, and no phone number or caller ID is in it.
func TestConversionDropPausesARange(t *testing.T) {
	if !tmuxtest.Available() {
		t.Fatal("tmux is not installed: the console's end-to-end tests need it (apt-get install tmux)")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed: this test reads /metrics as an operator would (apt-get install curl)")
	}
	h := newHome(t)
	addr := startSim(t, h)
	listen := freeLoopbackAddr(t)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 8\npoll_interval = \"200ms\"\n",
		"[policy]\nlimit_per_prefix = \"100/10m\"\nlimit_per_number = \"100/10m\"\n"+
			"[alarms]\ninterval = \"5s\"\nmin_calls = 20\n")
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(body), `listen = "127.0.0.1:0"`, `listen = "`+listen+`"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	seedConverting(t, filepath.Join(h.dir, ".local/share/flashcall/history.db"))

	s := tmuxtest.Start(t, 120, 44, h.env, binary, "--config", cfg)
	s.Wait(`History \(80\)`, 15*time.Second)
	scrapes := []string{scrape(t, curl, listen)}

	// Twenty calls into the range, each delivered (last digits 0 to 3 ring out), none read back.
	var numbers []string
	for i := range 20 {
		numbers = append(numbers, fmt.Sprintf("%s%03d%d", dropRange, i, i%4))
	}
	for _, n := range numbers {
		s.Type(n)
		s.Keys("Enter")
	}
	s.Watch(90*time.Second, "twenty calls ended and the alarm raised", func(screen string) bool {
		return strings.Contains(screen, "Live calls (0)") && strings.Contains(screen, "History (100)") &&
			strings.Contains(screen, "⚠ 1 alarm (D)")
	})
	scrapes = append(scrapes, scrape(t, curl, listen))
	for _, want := range []string{`flashcall_calls_placed_total{country="GB"} 20`,
		`flashcall_calls_ended_total{country="GB",outcome="delivered"} 20`, `flashcall_alarms_active 1`} {
		if !strings.Contains(scrapes[1], want) {
			t.Errorf("/metrics after the calls lacks %s", want)
		}
	}

	// The range is paused: a call into it is refused, naming the alarm, and never dialled.
	s.Type(dropLatest)
	s.Keys("Enter")
	s.Wait(`refused by policy\.paused: calls to prefix \+44740012 are paused`, 15*time.Second)
	if n := countSimCalls(t, addr, dropLatest); n != 0 {
		t.Fatalf("the paused range was dialled %d times", n)
	}
	// The dashboard names the alarm and lists the pause (the console's user is its local supervisor). Nothing
	// is live: tab goes from the (empty: a refused number does not come back) number input to the history,
	// where D opens the dashboard. (No escape before another key: a terminal reads the two as alt+key.)
	s.Keys("Tab")
	s.Keys("D")
	s.Watch(15*time.Second, "the dashboard with the alarm and the pause", func(screen string) bool {
		return strings.Contains(screen, "Dashboard · last hour") && strings.Contains(screen, "1 pause(s) in force") &&
			strings.Contains(screen, "conversion-drop prefix +44740012")
	})
	if path := os.Getenv("FLASHCALL_CAPTURE_DASHBOARD"); path != "" {
		_ = os.WriteFile(path, []byte(s.Screen()), 0o600) // for the README's screen capture
	}
	s.Keys("D") // closed: back to the history
	s.Wait(`▶ History`, 10*time.Second)
	s.Keys("Tab") // and to the (empty) number input
	s.Wait(`o override refusal`, 10*time.Second)
	scrapes = append(scrapes, scrape(t, curl, listen))
	if !strings.Contains(scrapes[2], `flashcall_policy_refusals_total{rule="paused"} 1`) {
		t.Errorf("/metrics does not count the refusal:\n%s", grepLines(scrapes[2], "flashcall_policy"))
	}

	// The supervisor resumes it from the command line; the console's next call into it goes through.
	out, stderr, code := h.run(t, "", "alarms", "--config", cfg)
	m := regexp.MustCompile(`pause (\d+): prefix \+44740012 since`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("flashcall alarms (exit %d, %s):\n%s", code, stderr, out)
	}
	if out, stderr, code = h.run(t, "", "alarms", "resume", m[1], "--config", cfg); code != 0 || !strings.Contains(out, "resumed") {
		t.Fatalf("flashcall alarms resume %s (exit %d, %s):\n%s", m[1], code, stderr, out)
	}
	s.Type(dropLatest)
	s.Keys("Enter")
	// The refusal is in the history as a blocked verification (101); the call is the next one.
	s.Watch(60*time.Second, "the call after the resume placed and ended", func(screen string) bool {
		return strings.Contains(screen, "Live calls (0)") && strings.Contains(screen, "History (102)")
	})
	if n := countSimCalls(t, addr, dropLatest); n != 1 {
		t.Fatalf("after the resume the range's number was dialled %d times, want once", n)
	}
	scrapes = append(scrapes, scrape(t, curl, listen))
	if !strings.Contains(scrapes[3], `flashcall_calls_placed_total{country="GB"} 21`) {
		t.Errorf("/metrics after the resume:\n%s", grepLines(scrapes[3], "flashcall_calls"))
	}
	s.Keys("C-c")
	s.WaitExit(10 * time.Second)

	audit, _, code := h.run(t, "", "audit", "export", "--format", "json", "--config", cfg)
	if code != 0 {
		t.Fatalf("audit export: exit %d", code)
	}
	var entries []struct{ Action, Operator, Detail string }
	if err := json.Unmarshal([]byte(audit), &entries); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		switch {
		case e.Action == string(record.AuditAlarmRaised) && strings.Contains(e.Detail, "prefix +44740012: conversion 0.0%"),
			e.Action == string(record.AuditPaused) && strings.Contains(e.Detail, "calls to prefix +44740012 paused"),
			e.Action == string(record.AuditRefusal) && strings.Contains(e.Detail, "policy.paused"),
			e.Action == string(record.AuditResumed) && strings.Contains(e.Detail, "calls to prefix +44740012 resumed"):
			seen[e.Action]++
		}
	}
	for _, a := range []record.Action{record.AuditAlarmRaised, record.AuditPaused, record.AuditRefusal, record.AuditResumed} {
		if seen[string(a)] != 1 {
			t.Errorf("%d %s entries about the range, want 1 (%v)", seen[string(a)], a, seen)
		}
	}

	// No number or caller ID in any scrape: neither a called number's digits nor a caller ID's, and no
	// label value with a run of five digits or more.
	secrets := append([]string{dropLatest}, numbers...)
	for _, c := range simCalls(t, addr, "") {
		secrets = append(secrets, c.From)
	}
	label := regexp.MustCompile(`\{[^}]*\d{5,}[^}]*\}`)
	for i, body := range scrapes {
		for _, n := range secrets {
			if d := strings.TrimPrefix(n, "+"); len(d) > 9 && strings.Contains(body, d[len(d)-9:]) {
				t.Errorf("scrape %d holds the digits of %s", i, record.MaskNumber(n))
			}
		}
		if l := label.FindString(body); l != "" {
			t.Errorf("scrape %d has a label with a long run of digits: %s", i, l)
		}
	}
}

// seedConverting writes a history in which customers verify: 40 calls two days ago (the baseline) and 40 in
// the last hour into other ranges of the same country, all delivered and verified.
func seedConverting(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i := range 80 {
		at := now.Add(-48*time.Hour + time.Duration(i)*time.Minute)
		if i >= 40 {
			at = now.Add(-50*time.Minute + time.Duration(i-40)*time.Second)
		}
		v := record.Verification{Number: "+44770090" + strconv.Itoa(1000+i), Country: "GB", Operator: "tester@local",
			CreatedAt: at, UpdatedAt: at.Add(30 * time.Second), ExpiresAt: at.Add(5 * time.Minute),
			Status: record.StatusVerified, MaxChecks: 3, Checks: 1}
		if err := st.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		a := record.Attempt{VerificationID: v.ID, CreatedAt: at, UpdatedAt: at.Add(8 * time.Second),
			EndedAt: at.Add(8 * time.Second), Operator: v.Operator, Number: v.Number, Country: "GB",
			From: "+447418340001", State: record.StateEnded, Outcome: record.OutcomeDelivered, RingingSeen: true}
		if err := st.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
}

// scrape reads /metrics on addr with curl, as an operator would.
func scrape(t *testing.T, curl, addr string) string {
	t.Helper()
	out, err := exec.Command(curl, "--silent", "--show-error", "--fail", "--max-time", "10",
		"http://"+addr+"/metrics").Output()
	if err != nil {
		t.Fatalf("curl /metrics: %v", err)
	}
	return string(out)
}

// grepLines returns the lines of text that start with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
