package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
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

	"github.com/nyaruka/phonenumbers"

	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// The end-to-end tests of the issue "integrity of the code and of one call": one live call per number
// whatever the number of processes, codes spread over the caller-ID range, a guessable pool refused on a
// real account, and no code of an open verification in any output.

// limitsOff switches off the per-number, per-prefix, per-operator and global limits ([policy] keys), for
// tests that place many calls on purpose.
const limitsOff = "limit_per_number = \"off\"\nlimit_per_prefix = \"off\"\nlimit_per_operator = \"off\"\n" +
	"limit_global = \"off\"\n"

// noLimits is a [policy] table with limitsOff, for simBackend (which adds the countries a real account calls).
const noLimits = "[policy]\n" + limitsOff

// procGuard bounds how long a test waits for its processes: far beyond what they need on a loaded machine,
// it only turns a hang into a failure. It synchronises nothing.
const procGuard = 4 * time.Minute

// proc is one flashcall process of a concurrent run. out, errOut and code are set before its exit event is
// sent.
type proc struct {
	args   []string
	cmd    *exec.Cmd
	out    string
	errOut string
	code   int
}

// eventKind is what a procEvent reports.
type eventKind int

const (
	evPlaced  eventKind = iota // the process printed a JSON line with a call SID
	evRefused                  // the process said on stderr that the number already has a live call
	evExited                   // the process exited (err says why it could not be run)
)

// liveCallRefusal is what `flashcall call` says when the number already has a live call.
const liveCallRefusal = "a call to this number is still live"

// procEvent reports something process i did.
type procEvent struct {
	i    int
	kind eventKind
	err  error
}

// startTogether starts one flashcall process per argument list at the same moment: each goroutine starts
// its process only once every goroutine is ready (a barrier), so they all race for the history at once.
// Events report each process's first call SID, its live-call refusal and its exit, in that order for one
// process; the channel holds every event, so no goroutine ever blocks on it. Processes still running when
// the test ends are killed.
func startTogether(t *testing.T, h *home, argv [][]string) ([]*proc, <-chan procEvent) {
	t.Helper()
	procs := make([]*proc, len(argv))
	events := make(chan procEvent, 3*len(argv))
	var ready, started sync.WaitGroup
	gate := make(chan struct{})
	for i, args := range argv {
		p := &proc{args: args, cmd: exec.Command(binary, args...)}
		p.cmd.Env = h.env
		p.cmd.Dir = h.dir
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr, err := p.cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		procs[i] = p
		ready.Add(1)
		started.Add(1)
		go func() {
			ready.Done()
			<-gate
			err := p.cmd.Start()
			started.Done()
			if err != nil {
				p.code = -1
				events <- procEvent{i: i, kind: evExited, err: err}
				return
			}
			var out, errOut strings.Builder
			var readers sync.WaitGroup
			readers.Add(2)
			go func() {
				defer readers.Done()
				placed := false
				for sc := bufio.NewScanner(stdout); sc.Scan(); {
					out.WriteString(sc.Text() + "\n")
					var m map[string]any
					if !placed && json.Unmarshal(sc.Bytes(), &m) == nil && m["sid"] != nil && m["sid"] != "" {
						placed = true
						events <- procEvent{i: i, kind: evPlaced}
					}
				}
			}()
			go func() {
				defer readers.Done()
				refused := false
				for sc := bufio.NewScanner(stderr); sc.Scan(); {
					errOut.WriteString(sc.Text() + "\n")
					if !refused && strings.Contains(sc.Text(), liveCallRefusal) {
						refused = true
						events <- procEvent{i: i, kind: evRefused}
					}
				}
			}()
			readers.Wait()
			err = p.cmd.Wait()
			p.out, p.errOut, p.code = out.String(), errOut.String(), 0
			if ee, ok := err.(*exec.ExitError); ok {
				p.code, err = ee.ExitCode(), nil
			}
			events <- procEvent{i: i, kind: evExited, err: err}
		}()
	}
	ready.Wait()
	close(gate)
	started.Wait()
	t.Cleanup(func() {
		for _, p := range procs {
			if p.cmd.Process != nil && p.cmd.ProcessState == nil {
				_ = p.cmd.Process.Kill()
			}
		}
	})
	return procs, events
}

// createHistory creates the history file of cfg with one process (an export opens and migrates it), before a
// test starts many at once: concurrent first opens of a new file can fail with SQLITE_BUSY, a start-up
// problem of its own that these tests are not about.
func createHistory(t *testing.T, h *home, cfg string) {
	t.Helper()
	if _, errOut, code := h.run(t, "", "history", "export", "--config", cfg); code != exitOK {
		t.Fatalf("creating the history: exit %d: %s", code, errOut)
	}
}

// waitAll collects the events of procs until every one has exited, and returns the processes that placed a
// call, in the order they did. Once every process has exited, placed its call or been refused for a live
// call, settled (when not nil) is called once with the placed ones still running.
func waitAll(t *testing.T, procs []*proc, events <-chan procEvent, settled func(running []int)) []int {
	t.Helper()
	guard := time.NewTimer(procGuard)
	defer guard.Stop()
	exited := make([]bool, len(procs))
	accounted := make([]bool, len(procs)) // exited, placed or refused
	isPlaced := make([]bool, len(procs))
	var placed []int
	done := settled == nil
	for left := len(procs); left > 0; {
		select {
		case ev := <-events:
			if ev.err != nil {
				t.Fatalf("process %d (%q): %v", ev.i, procs[ev.i].args, ev.err)
			}
			accounted[ev.i] = true
			switch ev.kind {
			case evPlaced:
				isPlaced[ev.i] = true
				placed = append(placed, ev.i)
			case evExited:
				exited[ev.i] = true
				left--
			}
		case <-guard.C:
			t.Fatalf("the processes did not all exit within %s", procGuard)
		}
		if done || slices.Contains(accounted, false) {
			continue
		}
		done = true
		var running []int
		for i := range procs {
			if isPlaced[i] && !exited[i] {
				running = append(running, i)
			}
		}
		settled(running)
	}
	return placed
}

// TestIntegrityOneLiveCallPerNumberAcrossProcesses starts twenty `flashcall call` processes at once for one
// number, against a standalone simulator and one shared history file. Exactly one places a call; every
// other is refused because the number already has a live call, exits 3 and dials nothing. The winner's
// call rings for up to a minute, far longer than the others take to start and be refused; once they all
// have been, it is interrupted, and hangs up.
func TestIntegrityOneLiveCallPerNumberAcrossProcesses(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	history := filepath.Join(h.dir, "shared-history.db")
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 60\npoll_interval = \"200ms\"\n",
		"[history]\npath = \""+history+"\"\n"+noLimits)
	const n, number = 20, "+447400123450" // ends in 0: rings until the timeout
	argv := make([][]string, n)
	for i := range argv {
		argv[i] = []string{"call", "--config", cfg, "--json", number}
	}
	createHistory(t, h, cfg)
	procs, events := startTogether(t, h, argv)

	// Once every process has placed its call or been refused, the ones that placed a call are interrupted: the
	// refused ones may be following that call too (Start takes over live calls) and exit once it ends.
	placed := waitAll(t, procs, events, func(running []int) {
		for _, i := range running {
			_ = procs[i].cmd.Process.Signal(syscall.SIGINT)
		}
	})

	if len(placed) != 1 {
		t.Errorf("%d processes placed a call, want exactly 1 (processes %v)", len(placed), placed)
	}
	refused := 0
	for i, p := range procs {
		if len(placed) > 0 && i == placed[0] {
			// Interrupted: it hangs up (exit 5, outcome unknown to it) or sees the end first (0 or 1).
			if p.code != exitUnknown && p.code != exitOK && p.code != exitNotDone {
				t.Errorf("the process that placed the call: exit %d\nstdout:\n%s\nstderr:\n%s", p.code, p.out, p.errOut)
			}
			continue
		}
		if p.code == exitOK {
			t.Errorf("process %d exits 0, but it should have been refused\nstdout:\n%s\nstderr:\n%s", i, p.out, p.errOut)
			continue
		}
		if p.code != exitPolicy || !strings.Contains(p.errOut, liveCallRefusal) {
			t.Errorf("process %d: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s",
				i, p.code, exitPolicy, liveCallRefusal, p.out, p.errOut)
			continue
		}
		if strings.Contains(p.out, `"sid"`) {
			t.Errorf("refused process %d printed an attempt:\n%s", i, p.out)
		}
		refused++
	}
	if refused != n-1 {
		t.Errorf("%d processes refused, want %d", refused, n-1)
	}
	if got := countSimCalls(t, addr, number); got != 1 {
		t.Errorf("the simulator received %d calls to %s, want exactly 1", got, number)
	}
	// An interrupted run may leave its hung-up call recorded live for the next start to reconcile: doctor
	// starts the service (its RCML check fails against this configuration, which does not matter here).
	h.run(t, "", "doctor", "--config", cfg)
	exp, errOut, code := h.run(t, "", "history", "export", "--format", "json", "--reveal", "--config", cfg)
	if code != exitOK {
		t.Fatalf("history export: exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(exp), &rows); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, exp)
	}
	if len(rows) != 1 || rows[0]["number"] != number {
		t.Errorf("the history holds %d attempts, want the one call to %s:\n%s", len(rows), number, exp)
	}
	for _, r := range rows {
		if st := r["state"]; st != string(record.StateEnded) {
			t.Errorf("the attempt is %v after reconciliation, want ended:\n%s", st, exp)
		}
	}
}

// TestIntegrityCodesAreSpreadOverTheRange places twenty calls to twenty numbers at once from the 10,000-number
// default range against a standalone simulator. The caller IDs the simulator's call log recorded all come
// from the range and carry at least 18 distinct codes (twenty uniform draws from 10,000 codes repeat one with
// a chance of about 2%, two with about 0.02%), and `call` itself never prints one.
func TestIntegrityCodesAreSpreadOverTheRange(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken,
		"timeout = 2\npoll_interval = \"200ms\"\nfrom = [\""+config.DefaultFromRange+"\"]\n", noLimits)
	pool, err := callerid.Parse([]string{config.DefaultFromRange})
	if err != nil {
		t.Fatal(err)
	}
	const n, digits = 20, 4
	numbers := make([]string, n)
	argv := make([][]string, n)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("+447400123%02d%d", i, i%4) // last digit 0-3: rings out
		argv[i] = []string{"call", "--config", cfg, "--json", numbers[i]}
	}
	createHistory(t, h, cfg)
	procs, events := startTogether(t, h, argv)
	waitAll(t, procs, events, nil)
	for i, p := range procs {
		// Delivered (0) or, should a loaded machine's polling miss the short ring, not delivered (1): either
		// way the call was placed, which is what this test counts.
		if p.code != exitOK && p.code != exitNotDone {
			t.Errorf("call to %s: exit %d\nstdout:\n%s\nstderr:\n%s", numbers[i], p.code, p.out, p.errOut)
		}
	}
	calls := simCalls(t, addr, "")
	if len(calls) != n {
		t.Fatalf("the simulator received %d calls, want %d", len(calls), n)
	}
	fromOf := map[string]string{} // destination digits => caller ID
	codes := map[string]int{}
	for _, c := range calls {
		if !pool.Contains(c.From) {
			t.Errorf("call %s rang from %q, outside %s", c.SID, c.From, config.DefaultFromRange)
		}
		to := strings.TrimPrefix(c.To, "+")
		if _, dup := fromOf[to]; dup {
			t.Errorf("%s was called twice", c.To)
		}
		fromOf[to] = c.From
		codes[callerid.Code(c.From, digits)]++
	}
	t.Logf("%d calls, %d distinct codes", len(calls), len(codes))
	if len(codes) < 18 {
		t.Errorf("20 calls used only %d distinct codes, want at least 18: %v", len(codes), codes)
	}
	for i, p := range procs {
		from, ok := fromOf[strings.TrimPrefix(numbers[i], "+")]
		if !ok {
			t.Errorf("the simulator has no call to %s", numbers[i])
			continue
		}
		if leaks := callerIDLeaks(p.out+p.errOut, from, digits, numbers); len(leaks) > 0 {
			t.Errorf("`call` to %s printed its caller ID %v:\n%s%s", numbers[i], leaks, p.out, p.errOut)
		}
		if !strings.Contains(p.out, record.MaskCode(from, digits)) {
			t.Errorf("`call` to %s does not show its caller ID masked (%s):\n%s", numbers[i],
				record.MaskCode(from, digits), p.out)
		}
	}
}

// TestIntegrityGuessablePoolOfARealAccountRefusesToStart: a real Restcomm account (a standalone simulator
// behind an http base URL, which the configuration cannot tell from Restcomm) whose pool gives one code
// does not start: every command that would run exits 2 naming the pool, the odds and both fixes, and nothing
// is dialled. With call.accept_guessable_codes it starts, and warns on stderr.
func TestIntegrityGuessablePoolOfARealAccountRefusesToStart(t *testing.T) {
	tests := []struct {
		name, callKeys, extra, key string
	}{
		{"one caller ID in call.from", "from = [\"447418340465\"]\n", "", "call.from"},
		{"a country pool of one", "", "[call.from_by_country]\nGB = [\"+447418340465\"]\n", "call.from_by_country.GB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t)
			addr := startSim(t, h)
			cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 2\npoll_interval = \"200ms\"\n"+tt.callKeys,
				tt.extra)
			c, err := config.Load(cfg, getenvOf(h.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.UsesSimulator() {
				t.Fatal("the configuration counts as the simulator; this test needs a real account")
			}
			for _, args := range [][]string{
				{"call", "--config", cfg, "+447400123450"},
				{"call", "--config", cfg, "--json", "+447400123450"},
				{"doctor", "--config", cfg},
				{"--config", cfg}, // the console
			} {
				out, errOut, code := h.run(t, "", args...)
				if code != exitUsage {
					t.Errorf("%q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, exitUsage, out, errOut)
				}
				for _, want := range []string{
					tt.key + ": gives 1 distinct 4-digit code", // the pool
					"guesses the code with a chance of 1 in 1", // the figure
					// the fixes
					"add caller IDs (a range such as \"+447418340000-+447418349999\" gives every code)",
					"or set call.accept_guessable_codes = true to accept the risk",
				} {
					if !strings.Contains(errOut, want) {
						t.Errorf("%q: stderr lacks %q:\n%s", args, want, errOut)
					}
				}
				if strings.Contains(out, `"sid"`) {
					t.Errorf("%q printed an attempt:\n%s", args, out)
				}
			}
			if n := countSimCalls(t, addr, ""); n != 0 {
				t.Errorf("the simulator received %d calls from a configuration that must not start", n)
			}

			// Accepting the risk starts it, with the figure and the fix on stderr.
			accepted := h.simBackend(t, addr, sim.DefaultAuthToken,
				"timeout = 2\npoll_interval = \"200ms\"\naccept_guessable_codes = true\n"+tt.callKeys, tt.extra)
			out, errOut, code := h.run(t, "", "call", "--config", accepted, "--json", "+447400123450")
			if code != exitOK && code != exitNotDone {
				t.Fatalf("with accept_guessable_codes: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			for _, want := range []string{
				"flashcall: warning: " + tt.key,
				"gives 1 distinct 4-digit code (1 number)",
				"a chance of 1 in 1 per verification",
				"(it starts only because call.accept_guessable_codes = true)",
				"use a bigger caller-ID range in " + tt.key,
			} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if n := countSimCalls(t, addr, ""); n != 1 {
				t.Errorf("the simulator received %d calls, want 1", n)
			}
		})
	}
}

// callerIDLeaks returns the spellings of the caller ID from (E.164) that text holds: the whole number with
// or without "+", in national or international format with or without spaces, its customer-number masking
// (which shows the code's last 3 digits) unless that is also the masking of one of the numbers called, or
// the code right after the word "code". The code alone is not searched for: 4 digits turn up by chance in
// SIDs and times.
func callerIDLeaks(text, from string, codeDigits int, called []string) []string {
	digits := strings.TrimPrefix(from, "+")
	e164 := "+" + digits
	spellings := []string{e164, digits}
	if masked := record.MaskNumber(e164); !slices.ContainsFunc(called, func(n string) bool {
		return record.MaskNumber(n) == masked
	}) {
		spellings = append(spellings, masked)
	}
	if num, err := phonenumbers.Parse(e164, ""); err == nil {
		for _, f := range []phonenumbers.PhoneNumberFormat{phonenumbers.NATIONAL, phonenumbers.INTERNATIONAL} {
			s := phonenumbers.Format(num, f)
			spellings = append(spellings, s, strings.ReplaceAll(s, " ", ""))
		}
	}
	var found []string
	for _, s := range spellings {
		if len(strings.TrimLeft(s, "+0")) > codeDigits && !slices.Contains(found, s) && strings.Contains(text, s) {
			found = append(found, s)
		}
	}
	code := callerid.Code(from, codeDigits)
	if m := regexp.MustCompile(`(?i)code\W{0,4}` + code + `\b`).FindString(text); m != "" {
		found = append(found, m)
	}
	return found
}

// leakSources gathers everything flashcall writes about the history: the log file, the history export in
// both formats masked and revealed, and the audit export in both formats, keyed by a name for messages.
func leakSources(t *testing.T, h *home, cfg, logPath string) map[string]string {
	t.Helper()
	srcs := map[string]string{}
	logText, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("the log file: %v", err)
	}
	srcs["log file "+logPath] = string(logText)
	for _, args := range [][]string{
		{"history", "export", "--format", "csv"},
		{"history", "export", "--format", "json"},
		{"history", "export", "--format", "csv", "--reveal"},
		{"history", "export", "--format", "json", "--reveal"},
		{"audit", "export", "--format", "csv"},
		{"audit", "export", "--format", "json"},
	} {
		out, errOut, code := h.run(t, "", append(args, "--config", cfg)...)
		if code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		srcs[strings.Join(args, " ")] = out
		srcs[strings.Join(args, " ")+" (stderr)"] = errOut
	}
	return srcs
}

// checkNoLeaks fails for every caller ID of calls (the simulator's call log) whose digits a source holds.
func checkNoLeaks(t *testing.T, srcs map[string]string, calls []restcomm.Call, codeDigits int) {
	t.Helper()
	var froms, called []string
	for _, c := range calls {
		froms = append(froms, c.From)
		called = append(called, "+"+strings.TrimPrefix(c.To, "+"))
	}
	for name, text := range srcs {
		for _, from := range froms {
			if leaks := callerIDLeaks(text, from, codeDigits, called); len(leaks) > 0 {
				t.Errorf("%s holds the caller ID %s of an open verification as %q:\n%s", name,
					record.MaskCode(from, codeDigits), leaks, text)
			}
		}
	}
}

// TestIntegrityNoCodeOfAnOpenVerificationLeaks places calls that leave verifications open (rung out and
// delivered, busy, declined, failed, a retry with a second caller ID, and one read back wrong), then reads
// the caller IDs the simulator's call log recorded and searches for them in everything flashcall wrote: the
// JSON lines of `call --json` and its stderr, the log file at debug level, the history export in CSV and
// JSON, masked and --reveal, and the audit export in both formats. None may hold a caller ID's digits; the
// masked caller ID (code hidden) must be there, or the search proves nothing.
func TestIntegrityNoCodeOfAnOpenVerificationLeaks(t *testing.T) {
	const digits = 4
	t.Run("calls that end", func(t *testing.T) {
		h := newHome(t)
		addr := startSim(t, h)
		logPath := filepath.Join(h.dir, "logs", "flashcall.log")
		// Rings of 4 s: the wrong read-back needs the call seen ringing, even by a process slowed by a loaded
		// machine.
		cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 4\npoll_interval = \"200ms\"\n",
			"[log]\npath = \""+logPath+"\"\nlevel = \"debug\"\n"+noLimits)
		printed := map[string]string{}
		// Rung out (0, 1), declined (5), busy (7), failed at once (8): all at once.
		numbers := []string{"+447400123450", "+447400123451", "+447400123455", "+447400123457", "+447400123458"}
		argv := make([][]string, len(numbers))
		for i, n := range numbers {
			argv[i] = []string{"call", "--config", cfg, "--json", n}
		}
		createHistory(t, h, cfg)
		procs, events := startTogether(t, h, argv)
		waitAll(t, procs, events, nil)
		for i, p := range procs {
			if p.code != exitOK && p.code != exitNotDone {
				t.Fatalf("call to %s: exit %d\n%s\n%s", numbers[i], p.code, p.out, p.errOut)
			}
			printed[fmt.Sprintf("`call --json %s`", numbers[i])] = p.out + p.errOut
		}
		// A second call to an open verification rings from another caller ID.
		out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", numbers[0])
		if code != exitOK && code != exitNotDone {
			t.Fatalf("retry: exit %d\n%s\n%s", code, out, errOut)
		}
		printed["`call --json` retry"] = out + errOut
		// A read-back that is wrong: the digits are typed only once the simulator shows the real code.
		printed["`call --json --verify`, read back wrong"] = readBackWrong(t, h, cfg, addr, "+447400123452", digits)

		calls := simCalls(t, addr, "")
		if len(calls) != len(numbers)+2 {
			t.Fatalf("the simulator received %d calls, want %d", len(calls), len(numbers)+2)
		}
		srcs := leakSources(t, h, cfg, logPath)
		for k, v := range printed {
			srcs[k] = v
		}
		checkNoLeaks(t, srcs, calls, digits)
		assertOpen(t, srcs["history export --format json --reveal"])
		for _, c := range calls {
			masked := record.MaskCode(c.From, digits)
			for _, name := range []string{"history export --format csv", "history export --format json --reveal"} {
				if !strings.Contains(srcs[name], masked) {
					t.Errorf("%s lacks the masked caller ID %s:\n%s", name, masked, srcs[name])
				}
			}
		}
		if !strings.Contains(srcs["log file "+logPath], "call placed") {
			t.Errorf("the log holds no call:\n%s", srcs["log file "+logPath])
		}
	})

	t.Run("a create whose outcome is unknown", func(t *testing.T) {
		// The simulator creates the call but drops the connection before replying: flashcall finds the call
		// by To and From in Restcomm's call log, so the caller ID is in its requests.
		h := newHome(t)
		addr := startSimArgs(t, h, "--drop-after-create", "1")
		logPath := filepath.Join(h.dir, "flashcall-debug.log")
		cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 2\npoll_interval = \"200ms\"\n",
			"[log]\npath = \""+logPath+"\"\nlevel = \"debug\"\n"+noLimits)
		out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123450")
		if code != exitOK && code != exitNotDone && code != exitUnknown {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		calls := simCalls(t, addr, "")
		if len(calls) != 1 {
			t.Fatalf("the simulator received %d calls, want 1", len(calls))
		}
		srcs := leakSources(t, h, cfg, logPath)
		srcs["`call --json`"] = out + errOut
		checkNoLeaks(t, srcs, calls, digits)
		if !strings.Contains(srcs["history export --format json"], record.MaskCode(calls[0].From, digits)) {
			t.Errorf("the export lacks the masked caller ID:\n%s", srcs["history export --format json"])
		}
	})

	t.Run("answered, with status callbacks and the code spoken", func(t *testing.T) {
		// Restcomm posts status callbacks, which carry From, to flashcall's server, and fetches the RCML
		// document, which speaks the code, from it.
		h := newHome(t)
		addr := startSim(t, h)
		listen := freeLoopbackAddr(t)
		logPath := filepath.Join(h.dir, "callbacks.log")
		cfg := filepath.Join(h.dir, "callbacks.toml")
		body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
			"[call]\ntimeout = 5\npoll_interval = \"200ms\"\n" +
			"[rcml]\ntext = \"Your code is {code}.\"\n" +
			"[server]\nlisten = \"" + listen + "\"\npublic_url = \"http://" + listen + "\"\n" +
			"[log]\npath = \"" + logPath + "\"\nlevel = \"debug\"\n" +
			"[policy]\nallowed_countries = [\"GB\"]\n" + limitsOff
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		h.env = append(h.env, "FLASHCALL_AUTH_TOKEN="+sim.DefaultAuthToken)
		printed := map[string]string{}
		for _, n := range []string{"+447400123456", "+447400123450"} { // answered, rung out
			out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", n)
			if code != exitOK {
				t.Fatalf("call to %s: exit %d\n%s\n%s", n, code, out, errOut)
			}
			printed["`call --json "+n+"`"] = out
			printed["`call --json "+n+"` (stderr)"] = errOut
		}
		if !strings.Contains(printed["`call --json +447400123456`"], `"outcome":"answered"`) {
			t.Fatalf("the call to +447400123456 was not answered:\n%s", printed["`call --json +447400123456`"])
		}
		calls := simCalls(t, addr, "")
		if len(calls) != 2 {
			t.Fatalf("the simulator received %d calls, want 2", len(calls))
		}
		srcs := leakSources(t, h, cfg, logPath)
		for k, v := range printed {
			srcs[k] = v
		}
		checkNoLeaks(t, srcs, calls, digits)
		assertOpen(t, srcs["history export --format json --reveal"])
	})
}

// freeLoopbackAddr returns a loopback address with a port that was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// assertOpen checks that no verification of a JSON history export is verified: the export reveals the caller
// ID of a verified one, whose code is spent.
func assertOpen(t *testing.T, exportJSON string) {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(exportJSON), &rows); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, exportJSON)
	}
	for _, r := range rows {
		if r["verification_status"] == string(record.StatusVerified) {
			t.Errorf("a verification is verified; this test needs them all open:\n%s", exportJSON)
		}
	}
}

// readBackWrong runs `call --json --verify` to number, waits for the outcome line, reads the caller ID of the
// call from the simulator's log, types a code that differs from it in every digit, then ends the input. It
// returns everything the command printed.
func readBackWrong(t *testing.T, h *home, cfg, addr, number string, digits int) string {
	t.Helper()
	cmd := exec.Command(binary, "call", "--config", cfg, "--json", "--verify", number)
	cmd.Env, cmd.Dir = h.env, h.dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	typed := false
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		var m map[string]any
		if typed || json.Unmarshal(sc.Bytes(), &m) != nil || m["outcome"] == nil {
			continue
		}
		if m["outcome"] != string(record.OutcomeDelivered) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("outcome %v, want delivered\n%s\n%s", m["outcome"], out.String(), errb.String())
		}
		calls := simCalls(t, addr, number)
		if len(calls) != 1 {
			t.Fatalf("the simulator has %d calls to %s, want 1", len(calls), number)
		}
		code := callerid.Code(calls[0].From, digits)
		wrong := make([]byte, len(code))
		for i := range code {
			wrong[i] = '0' + (code[i]-'0'+1)%10
		}
		if _, err := stdin.Write(append(wrong, '\n')); err != nil {
			t.Fatal(err)
		}
		stdin.Close()
		typed = true
	}
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !typed || !ok || ee.ExitCode() != exitNotDone {
		t.Fatalf("`call --verify` with a wrong read-back: %v, want exit %d\n%s\n%s", err, exitNotDone, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), `"verification":"awaiting-code"`) || !strings.Contains(out.String(), `"checks_left":2`) {
		t.Fatalf("the wrong read-back was not counted:\n%s", out.String())
	}
	return out.String() + errb.String()
}

// TestIntegrityCreateErrorQuotingTheCallerID: a gateway in front of Restcomm passes the create on, then
// answers 502 with a text that quotes the From it relayed. The call was placed: flashcall looks it up by To
// and From, links it and follows it to delivery, so the caller ID quoted is the open verification's code.
// The error text must not carry it into `call`'s output, the history, the audit log or the log file.
func TestIntegrityCreateErrorQuotingTheCallerID(t *testing.T) {
	const digits = 4
	h := newHome(t)
	addr := startSim(t, h)
	target, err := url.Parse("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	gateway := httputil.NewSingleHostReverseProxy(target)
	gateway.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/Calls.json") || resp.StatusCode >= 300 {
			return nil
		}
		var call struct {
			From string `json:"from"`
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || json.Unmarshal(body, &call) != nil {
			return fmt.Errorf("reading the create reply: %v", err)
		}
		msg := fmt.Sprintf(`{"message":"upstream timed out relaying the call from %s"}`, call.From)
		resp.StatusCode, resp.Status = http.StatusBadGateway, "502 Bad Gateway"
		resp.Body = io.NopCloser(strings.NewReader(msg))
		resp.ContentLength = int64(len(msg))
		resp.Header.Set("Content-Length", fmt.Sprint(len(msg)))
		resp.Header.Set("Content-Type", "application/json")
		return nil
	}
	srv := httptest.NewServer(gateway)
	defer srv.Close()
	logPath := filepath.Join(h.dir, "gateway.log")
	cfg := h.simBackend(t, strings.TrimPrefix(srv.URL, "http://"), sim.DefaultAuthToken,
		"timeout = 2\npoll_interval = \"200ms\"\n", "[log]\npath = \""+logPath+"\"\nlevel = \"debug\"\n"+noLimits)
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123450")
	calls := simCalls(t, addr, "")
	if len(calls) != 1 {
		t.Fatalf("the simulator received %d calls, want 1\n%s\n%s", len(calls), out, errOut)
	}
	if code != exitOK || !strings.Contains(out, `"outcome":"delivered"`) {
		t.Fatalf("exit %d, want the call found and delivered\n%s\n%s", code, out, errOut)
	}
	srcs := leakSources(t, h, cfg, logPath)
	srcs["`call --json`"] = out
	srcs["`call --json` (stderr)"] = errOut
	checkNoLeaks(t, srcs, calls, digits)
}
