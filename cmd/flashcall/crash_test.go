package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestKilledHeadlessCallsNeverDialTwice kills `flashcall call` with SIGKILL, then lets one clean run
// reconcile everything the killed runs left. The standalone simulator holds create (and, for one case, look-up)
// requests until the test releases them, so the interesting kill points are hit for certain:
//
//   - killed while its create is in flight, and Restcomm then processes it: the call exists, its client is
//     dead, the attempt has no SID;
//   - killed while its create is in flight, and the create never arrives: no call;
//   - killed while reconciling an earlier run's attempts, before writing its own write-ahead row;
//   - killed the moment the create reply is on its way, after the first state line, after the second;
//   - killed after the reply to its create was lost (the call exists; the client recorded the outcome as
//     unknown and printed that).
//
// A first phase kills runs at random moments (a timer, or after a few state lines) for the points nobody
// named. Afterwards no attempt is left live or placing; every call the simulator placed belongs to exactly
// one attempt, to the number it called (so none was dialled twice, nor linked to another attempt's call);
// the attempts of the held cases are linked to the very call their create placed, or, when the create never
// arrived, left without a call and with a note; and the run killed before its write-ahead row left nothing.
func TestKilledHeadlessCallsNeverDialTwice(t *testing.T) {
	h := newHome(t)
	sc := startHoldingSim(t, h, "none")
	cfg := h.simBackend(t, sc.addr, sim.DefaultAuthToken,
		"timeout = 4\npoll_interval = \"200ms\"\nfrom = [\"447418340465\", \"447418341234\", \"447418345678\"]\naccept_guessable_codes = true\n",
		// Dozens of calls to a handful of numbers in a minute is what this test does on purpose.
		"[policy]\nlimit_per_number = \"off\"\nlimit_per_prefix = \"off\"\n")

	// Phase 1: random kill points, nothing held.
	rng := rand.New(rand.NewPCG(42, 26))
	const randomRuns = 10
	for i := range randomRuns {
		number := fmt.Sprintf("+4474001235%d0", i%5) // five destinations, all ending in 0 (rings out)
		r := startCall(t, h, cfg, number)
		if n := rng.IntN(4); n == 0 {
			// A random point in the first moments: flag parsing, opening the history, reconciling, the
			// write-ahead row, the create. The delay is the fault's timing, not a synchronisation.
			time.AfterFunc(time.Duration(rng.IntN(120))*time.Millisecond, r.signalKill)
		} else {
			for range n {
				if _, ok := r.line(); !ok {
					break
				}
			}
			r.signalKill()
		}
		<-r.exited
	}

	// Phase 2: the named kill points, held for certain.
	sc.hold(t, "create")
	want := map[string]string{} // number -> the SID its one attempt must hold; "" for no call, "-" for no attempt

	// Killed while its create is in flight; Restcomm processes the create after the client died.
	const processed = "+447400123610"
	r := startCall(t, h, cfg, processed)
	sc.waitHeld(t, r, sim.OpCreate, processed)
	r.kill()
	want[processed] = sc.release(t, sim.ReleaseProcess)

	// Killed while its create is in flight; the create never arrives.
	const dropped = "+447400123620"
	r = startCall(t, h, cfg, dropped)
	sc.waitHeld(t, r, sim.OpCreate, dropped)
	r.kill()
	if sid := sc.release(t, sim.ReleaseDrop); sid != "" {
		t.Fatalf("a dropped create placed %s", sid)
	}
	want[dropped] = ""

	// Killed while reconciling the attempts above, so before its own write-ahead row: Start looks them up
	// (list, or get for one already linked) before the run may place anything.
	const beforeRow = "+447400123630"
	sc.hold(t, "create,list,get")
	r = startCall(t, h, cfg, beforeRow)
	if held := sc.waitHeld(t, r, "", ""); held.Op == sim.OpCreate {
		t.Fatalf("the run got to its create while earlier attempts were unreconciled: %+v", held)
	}
	r.kill()
	sc.releaseAll(t)
	sc.hold(t, "create")
	want[beforeRow] = "-"

	// Killed the moment the create's reply is on the wire: the client may or may not have stored the SID.
	const onReply = "+447400123640"
	r = startCall(t, h, cfg, onReply)
	sc.waitHeld(t, r, sim.OpCreate, onReply)
	want[onReply] = sc.release(t, sim.ReleaseProcess)
	r.kill()

	// Killed after the first and after the second state line.
	for _, c := range []struct {
		number string
		lines  int
	}{{"+447400123650", 1}, {"+447400123660", 2}} {
		r = startCall(t, h, cfg, c.number)
		sc.waitHeld(t, r, sim.OpCreate, c.number)
		sid := sc.release(t, sim.ReleaseProcess)
		for n := range c.lines {
			l, ok := r.line()
			if !ok {
				t.Fatalf("%s: the run ended before state line %d:\n%s", c.number, n+1, r.stderr.String())
			}
			if n == 0 && (l["sid"] != sid || l["state"] != "live") {
				t.Fatalf("%s: first line %v, want the live call %s", c.number, l, sid)
			}
		}
		r.kill()
		want[c.number] = sid
	}

	// The create's reply is lost: the client records the outcome as unknown, prints it, and is killed.
	const lostReply = "+447400123670"
	r = startCall(t, h, cfg, lostReply)
	sc.waitHeld(t, r, sim.OpCreate, lostReply)
	want[lostReply] = sc.release(t, sim.ReleaseNoReply)
	if l, ok := r.line(); !ok || l["state"] != "unknown" || l["sid"] != "" {
		t.Fatalf("after a lost create reply the first line is %v (%v), want state unknown and no SID\n%s", l, ok, r.stderr.String())
	}
	r.kill()

	// A clean run reconciles everything the killed ones left, then places and follows a call of its own. That
	// call fails at once (last digit 8) while the calls of the last killed runs still ring (4 s), so the run
	// must follow them to their end after its own call has ended, and not exit leaving them live.
	sc.hold(t, "none")
	const clean = "+447400123498"
	outJSON, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", clean)
	if code != exitNotDone || !strings.Contains(outJSON, `"outcome":"failed"`) {
		t.Fatalf("reconciling run: exit %d, want %d (its own call failed)\n%s\n%s", code, exitNotDone, outJSON, errOut)
	}
	t.Logf("reconciling run's stderr:\n%s", errOut)

	exp, _, code := h.run(t, "", "history", "export", "--format", "json", "--reveal", "--config", cfg)
	if code != 0 {
		t.Fatalf("export exit %d", code)
	}
	var rows []struct {
		Number  string `json:"number"`
		CallSID string `json:"call_sid"`
		State   string `json:"state"`
		Outcome string `json:"outcome"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal([]byte(exp), &rows); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	attempts := map[string]int{}
	bySID := map[string]string{} // SID -> number of the attempt holding it
	for _, a := range rows {
		attempts[a.Number]++
		if a.State == "live" || a.State == "placing" {
			t.Errorf("attempt to %s (%s) left %s after reconciliation", a.Number, a.CallSID, a.State)
		}
		if a.CallSID == "" {
			continue
		}
		if other, ok := bySID[a.CallSID]; ok {
			t.Errorf("call %s is held by two attempts (to %s and %s)", a.CallSID, other, a.Number)
		}
		bySID[a.CallSID] = a.Number
	}
	calls := sc.calls(t)
	dialled := map[string]int{}
	for sid, to := range calls {
		dialled[to]++
		switch number, ok := bySID[sid]; {
		case !ok:
			t.Errorf("call %s to %s belongs to no attempt", sid, to)
		case digitsOnly(number) != to:
			t.Errorf("call %s to %s is linked to an attempt to %s", sid, to, number)
		}
	}
	for sid, number := range bySID {
		if _, ok := calls[sid]; !ok {
			t.Errorf("attempt to %s holds %s, which the simulator never placed", number, sid)
		}
	}
	for number, n := range attempts {
		if d := dialled[digitsOnly(number)]; d > n {
			t.Errorf("%s dialled %d times, but the history has %d attempts for it", number, d, n)
		}
	}
	for number, sid := range want {
		var mine []int
		for i, a := range rows {
			if a.Number == number {
				mine = append(mine, i)
			}
		}
		switch {
		case sid == "-":
			if len(mine) != 0 || dialled[digitsOnly(number)] != 0 {
				t.Errorf("%s: killed before its write-ahead row, yet %d attempts and %d calls", number, len(mine), dialled[digitsOnly(number)])
			}
		case len(mine) != 1:
			t.Errorf("%s: %d attempts, want 1", number, len(mine))
		case sid == "":
			a := rows[mine[0]]
			if a.CallSID != "" || (a.State != "unknown" && a.State != "not-placed") || a.Error == "" || dialled[digitsOnly(number)] != 0 {
				t.Errorf("%s: create never arrived, yet the attempt is %+v with %d calls; want no call, unknown or not-placed, with a note", number, a, dialled[digitsOnly(number)])
			}
		default:
			if a := rows[mine[0]]; a.CallSID != sid || a.State != "ended" {
				t.Errorf("%s: attempt %+v, want it ended and linked to its own call %s", number, a, sid)
			}
		}
	}
	if attempts[clean] != 1 || dialled[digitsOnly(clean)] != 1 {
		t.Errorf("the clean run: %d attempts, %d calls, want 1 and 1", attempts[clean], dialled[digitsOnly(clean)])
	}
	t.Logf("%d killed runs: %d attempts in the history, %d calls placed", randomRuns+7, len(rows)-1, len(calls)-1)
}

// callRun is one `flashcall call --json` process whose JSON lines the test reads as they come.
type callRun struct {
	cmd    *exec.Cmd
	out    *bufio.Scanner
	stderr *syncbuf.Buffer
	exited chan struct{} // closed once the process has been waited for
}

// startCall starts `flashcall call --json number`.
func startCall(t *testing.T, h *home, cfg, number string) *callRun {
	t.Helper()
	pr, pw, err := os.Pipe() // not StdoutPipe: Wait runs while lines are still being read
	if err != nil {
		t.Fatal(err)
	}
	r := &callRun{cmd: exec.Command(binary, "call", "--config", cfg, "--json", number), out: bufio.NewScanner(pr),
		stderr: &syncbuf.Buffer{}, exited: make(chan struct{})}
	r.cmd.Env, r.cmd.Dir, r.cmd.Stdout, r.cmd.Stderr = h.env, h.dir, pw, r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() { r.signalKill(); <-r.exited; pr.Close() })
	go func() {
		_ = r.cmd.Wait()
		close(r.exited)
	}()
	return r
}

// line reads the next JSON line; false at the end of the output.
func (r *callRun) line() (map[string]any, bool) {
	if !r.out.Scan() {
		return nil, false
	}
	var m map[string]any
	_ = json.Unmarshal(r.out.Bytes(), &m)
	return m, true
}

// signalKill sends SIGKILL (a no-op once the process has been waited for).
func (r *callRun) signalKill() { _ = r.cmd.Process.Signal(syscall.SIGKILL) }

// kill sends SIGKILL and waits until the process is gone.
func (r *callRun) kill() {
	r.signalKill()
	<-r.exited
}

// simControl drives a standalone simulator started with --hold through its control endpoints.
type simControl struct {
	addr string
}

// startHoldingSim runs `flashcall sim --hold ops` on a free loopback port.
func startHoldingSim(t *testing.T, h *home, ops string) *simControl {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "sim", "--listen", addr, "--hold", ops)
	cmd.Env = h.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Holding ") { // the banner's last line: the server is serving
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return &simControl{addr: addr}
		}
	}
	t.Fatalf("the simulator exited before its banner (%v)", sc.Err())
	return nil
}

// do makes one control request and decodes a 200 reply into v; it returns the status.
func (c *simControl) do(t *testing.T, ctx context.Context, method, pathQuery string, v any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.addr+pathQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sim.DefaultAccountSID, sim.DefaultAuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0
		}
		t.Fatalf("%s %s: %v", method, pathQuery, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: %v in %q", method, pathQuery, err, body)
		}
	}
	return resp.StatusCode
}

// hold sets the operations held from now on.
func (c *simControl) hold(t *testing.T, ops string) {
	t.Helper()
	if code := c.do(t, context.Background(), http.MethodPost, "/sim/hold?ops="+ops, nil); code != http.StatusOK {
		t.Fatalf("hold %s: HTTP %d", ops, code)
	}
}

// waitHeld waits until the simulator holds a request from r (the only client running), which must be of op
// to number when they are given, and returns it. It fails the test if r exits first.
func (c *simControl) waitHeld(t *testing.T, r *callRun, op sim.Op, number string) sim.HeldRequest {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-r.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	var got struct {
		Held []sim.HeldRequest `json:"held"`
	}
	code := c.do(t, ctx, http.MethodGet, "/sim/held?min=1&timeout=2m", &got)
	if code != http.StatusOK || len(got.Held) == 0 {
		t.Fatalf("no request held (HTTP %d); the run's stderr:\n%s", code, r.stderr.String())
	}
	held := got.Held[0]
	if op != "" && (held.Op != op || digitsOnly(held.To) != digitsOnly(number)) {
		t.Fatalf("held %+v, want a %s to %s", held, op, number)
	}
	return held
}

// release releases the oldest held request in mode and returns the SID of the call it placed, if any.
func (c *simControl) release(t *testing.T, mode sim.ReleaseMode) string {
	t.Helper()
	var res sim.Released
	if code := c.do(t, context.Background(), http.MethodPost, "/sim/release?mode="+string(mode), &res); code != http.StatusOK {
		t.Fatalf("release %s: HTTP %d", mode, code)
	}
	if len(res.SIDs) > 1 {
		t.Fatalf("release: %d calls", len(res.SIDs))
	}
	if len(res.SIDs) == 1 {
		return res.SIDs[0]
	}
	return ""
}

// releaseAll drops every held request.
func (c *simControl) releaseAll(t *testing.T) {
	t.Helper()
	for c.do(t, context.Background(), http.MethodPost, "/sim/release?mode=drop", nil) == http.StatusOK {
	}
}

// calls lists every call the simulator placed: SID -> the number called, as stored (digits).
func (c *simControl) calls(t *testing.T) map[string]string {
	t.Helper()
	cl, err := restcomm.New("http://"+c.addr+"/restcomm", sim.DefaultAccountSID, sim.DefaultAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for call, err := range cl.ListCalls(context.Background(), restcomm.ListFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out[call.SID] = digitsOnly(call.To)
	}
	return out
}

// digitsOnly keeps the digits of a number: Restcomm drops the +.
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
