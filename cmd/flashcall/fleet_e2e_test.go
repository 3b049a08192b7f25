package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/tmuxtest"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// The end-to-end tests of several `flashcall serve` instances on one PostgreSQL history, driven with the
// real OpenSSH client in tmux against a standalone `flashcall sim` as the Restcomm backend.

// fleet is two served instances on one history, and the operator key both accept.
type fleet struct {
	kit  *sshKit
	sim  string // the simulator's address
	url  string // the history's URL
	a, b *served
	key  string // the private key of the operator "alice"
	cfgs [2]string
}

// needSSHAndTmux skips when the OpenSSH client or tmux is missing, as the other SSH end-to-end tests do.
func needSSHAndTmux(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: install openssh-client to run the SSH end-to-end test", tool)
		}
	}
	if !tmuxtest.Available() {
		t.Skip("tmux is not installed: install it (apt-get install tmux) to run the SSH end-to-end test")
	}
}

// startFleet starts the simulator and two `flashcall serve` on one fresh PostgreSQL schema; callKeys and
// policy go into every instance's [call] and [policy] tables.
func startFleet(t *testing.T, callKeys, policy string) *fleet {
	t.Helper()
	needSSHAndTmux(t)
	f := &fleet{kit: &sshKit{home: newHome(t)}, url: pgSchema(t)}
	k := f.kit
	k.knownHosts = filepath.Join(k.dir, "known_hosts")
	f.key = k.key(t, "alice")
	pub, err := os.ReadFile(f.key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(k.dir, "authorized_keys")
	if err := os.WriteFile(keys, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	f.sim = startSim(t, k.home)
	for i, name := range []string{"a", "b"} {
		extra := pgHistory(f.url) + "[ssh]\nlisten = \"127.0.0.1:0\"\nauthorized_keys = \"" + keys + "\"\nhost_key = \"" +
			filepath.Join(k.dir, name+"_host_key") + "\"\nmax_sessions = 60\n" + policy
		cfg := k.simBackend(t, f.sim, sim.DefaultAuthToken, callKeys, extra)
		named := filepath.Join(k.dir, name+".toml")
		if err := os.Rename(cfg, named); err != nil {
			t.Fatal(err)
		}
		f.cfgs[i] = named
	}
	createHistory(t, k.home, f.cfgs[0])
	f.a = startServe(t, k.home, f.cfgs[0])
	f.b = startServe(t, k.home, f.cfgs[1])
	return f
}

// session opens a console on s as alice, at 160x30, and waits for it.
func (f *fleet) session(t *testing.T, s *served) *tmuxtest.Session {
	t.Helper()
	c := tmuxtest.Start(t, 160, 30, f.kit.env, f.kit.sshArgs(s, "alice", "-i", f.key)...)
	c.Wait(`operator alice`, 30*time.Second)
	return c
}

// attemptOf reads one attempt's state and outcome from the history.
func attemptOf(t *testing.T, u, number string) (state, outcome string, n int) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	err = conn.QueryRow(context.Background(), `SELECT coalesce(max(state), ''), coalesce(max(outcome), ''), count(*)
		FROM attempts WHERE number = $1`, number).Scan(&state, &outcome, &n)
	if err != nil {
		t.Fatal(err)
	}
	return state, outcome, n
}

// TestFleetLiveAcrossInstancesAndTakeover: a call placed in a session on instance A shows live, ringing, in a
// session on instance B. Then A is killed (SIGKILL) while the call rings: B takes the call over (same host:
// A's PID is gone), follows it without dialling, and it ends in its true outcome (rang out: a missed call
// delivered), not left live.
func TestFleetLiveAcrossInstancesAndTakeover(t *testing.T) {
	f := startFleet(t, "timeout = 20\npoll_interval = \"500ms\"\n", noLimits)
	onA, onB := f.session(t, f.a), f.session(t, f.b)
	const number = "+447400123450" // ends in 0: rings until the timeout
	onA.Type(number)
	onA.Wait(`United Kingdom`, 10*time.Second)
	onA.Keys("Enter")
	onA.Wait(`\+44\S*450.*ringing`, 20*time.Second)
	onB.Wait(`\+44\S*450.*ringing`, 20*time.Second)
	if state, _, n := attemptOf(t, f.url, number); n != 1 || state != "live" {
		t.Fatalf("history: %d attempts, state %q; want one live", n, state)
	}

	if err := f.a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-f.a.exited
	waitFor(t, 30*time.Second, "instance B to take the call over", func() bool {
		return strings.Contains(f.b.stderr.String(), "taking over a call whose tracker is gone")
	})
	waitFor(t, 60*time.Second, "the taken-over call to end", func() bool {
		state, _, _ := attemptOf(t, f.url, number)
		return state == "ended"
	})
	state, outcome, n := attemptOf(t, f.url, number)
	if n != 1 || state != "ended" || outcome != "delivered" {
		t.Errorf("history: %d attempts, %s/%s; want one, ended delivered (it rang out)", n, state, outcome)
	}
	if calls := countSimCalls(t, f.sim, number); calls != 1 {
		t.Errorf("the simulator received %d calls, want 1: the takeover must not dial", calls)
	}
	onB.Wait(`Live calls \(0\)(?s:.*)\+44\S*450 .*canceled`, 30*time.Second) // out of the live list, ended
}

// TestFleetLimitsHoldAcrossInstances: fifty operators' sessions, half on each instance, press Enter at
// once: twenty-five dial one number (it rings for a minute), twenty-five each dial a number of its own in one
// other range (they fail at once). The simulator's call log holds exactly one call to the shared number (one
// live call per number, across instances) and exactly limit_per_prefix calls into the range.
func TestFleetLimitsHoldAcrossInstances(t *testing.T) {
	const perPrefix = 6
	f := startFleet(t, "timeout = 60\npoll_interval = \"500ms\"\n",
		fmt.Sprintf("[policy]\nlimit_per_number = \"off\"\nlimit_per_prefix = \"%d/1h\"\nlimit_per_operator = \"off\"\n"+
			"limit_global = \"off\"\ncooldown_after = 0\n", perPrefix))
	const shared = "+447400773450" // another range than the twenty-five below
	numbers := make([]string, 50)
	for i := range numbers {
		numbers[i] = shared
		if i%2 == 1 {
			numbers[i] = fmt.Sprintf("+44740012%03d8", i) // +44740012xxx8: the same range, fails at once
		}
	}
	sessions := make([]*tmuxtest.Session, len(numbers))
	// Connect in small batches: the server bounds unauthenticated connections per address.
	for start := 0; start < len(sessions); start += 5 {
		var wg sync.WaitGroup
		for i := start; i < min(start+5, len(sessions)); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				srv := f.a
				if i >= len(sessions)/2 {
					srv = f.b
				}
				sessions[i] = f.session(t, srv)
				sessions[i].Type(numbers[i])
			}()
		}
		wg.Wait()
	}
	for i, s := range sessions {
		s.Wait(`United Kingdom`, 20*time.Second)
		_ = i
	}
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Keys("Enter")
		}()
	}
	wg.Wait()
	// Every request is decided once its session has said so: "calling ..." or why not (the notice stays for
	// seconds; each session's is remembered once seen).
	decided := make([]bool, len(sessions))
	said := regexp.MustCompile(`calling \+|not called|refused by policy|call failed`)
	deadline := time.Now().Add(3 * time.Minute)
	for slices.Contains(decided, false) {
		for i, s := range sessions {
			if !decided[i] && said.MatchString(s.Screen()) {
				decided[i] = true
			}
		}
		if time.Now().After(deadline) {
			i := slices.Index(decided, false)
			t.Fatalf("request %d (of %d undecided) said nothing within 3m:\n%s", i,
				len(decided)-len(slices.DeleteFunc(slices.Clone(decided), func(b bool) bool { return !b })), sessions[i].Screen())
		}
	}
	if got := countSimCalls(t, f.sim, shared); got != 1 {
		t.Errorf("the simulator received %d calls to the shared number, want exactly 1 (one live call per number)", got)
	}
	inRange := 0
	for _, c := range simCalls(t, f.sim, "") {
		if strings.HasPrefix(strings.TrimPrefix(c.To, "+"), "44740012") {
			inRange++
		}
	}
	if inRange != perPrefix {
		t.Errorf("the simulator received %d calls into the range, want exactly limit_per_prefix = %d", inRange, perPrefix)
	}
}

// TestConsoleShowsACallOfAnotherProcessOnItsSQLiteFile: a `flashcall call` process on the console's own SQLite
// history places a call; the console, which does not follow it, shows it live and ringing within a poll
// interval, then sees it end, without dialling it.
func TestConsoleShowsACallOfAnotherProcessOnItsSQLiteFile(t *testing.T) {
	if !tmuxtest.Available() {
		t.Skip("tmux is not installed: install it (apt-get install tmux) to run the console end-to-end test")
	}
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 5\npoll_interval = \"500ms\"\n",
		"[history]\npath = \""+filepath.Join(h.dir, "shared.db")+"\"\n")
	createHistory(t, h, cfg)
	console := tmuxtest.Start(t, 120, 30, h.env, binary, "--config", cfg)
	console.Wait(`History \(0\)`, 15*time.Second)
	call := exec.Command(binary, "call", "--config", cfg, "--json", "+447400123450")
	call.Env, call.Dir = h.env, h.dir
	var out bytes.Buffer
	call.Stdout, call.Stderr = &out, &out
	if err := call.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- call.Wait() }()
	t.Cleanup(func() { _ = call.Process.Kill() })
	console.Wait(`Live calls \(1\)(?s:.*)\+44\S*450 .*ringing`, 20*time.Second)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("flashcall call: %v\n%s", err, out.String())
		}
	case <-time.After(procGuard):
		t.Fatalf("flashcall call did not end:\n%s", out.String())
	}
	console.Wait(`Live calls \(0\)(?s:.*)\+44\S*450 .*canceled`, 20*time.Second)
	if n := countSimCalls(t, addr, "+447400123450"); n != 1 {
		t.Fatalf("the simulator holds %d calls to the number, want exactly 1", n)
	}
}

// TestFleetPresenceAcrossInstances: who is connected is the same on both instances of one history: a session
// on A and one on B each list both (the shared presence is written every few seconds).
func TestFleetPresenceAcrossInstances(t *testing.T) {
	f := startFleet(t, "", noLimits)
	onA, onB := f.session(t, f.a), f.session(t, f.b)
	for _, s := range []*tmuxtest.Session{onA, onB} {
		s.Keys("Tab") // out of the number input: w is a key there
		s.Type("w")
		s.Wait(`Connected \(2\)`, 30*time.Second)
	}
}
