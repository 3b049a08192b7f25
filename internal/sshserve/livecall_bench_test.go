package sshserve

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// liveCallHistory is the size of the live-call benchmark's history, in attempts.
const liveCallHistory = 5000

// BenchmarkSessionsLiveCall opens 100 and 300 console sessions on one server, each a real SSH client with a
// 120x40 xterm-256color terminal, over a history of 5,000 attempts; then one call rings for 10 s (the
// simulator over loopback, in real time) while every session shows it. The server runs in its own process,
// so what is measured is the server alone:
//
//   - rss-mb-per-session: the server's resident memory once every session shows its history, less what it
//     held before the first one, per session (both read after a collection that returns freed pages);
//   - cpu-cores: the server's CPU time from the call's ringing to its end, over the wall time between them;
//   - p95-update-ms: for the call's two changes (ringing, then ended), the time from the service's event to
//     the moment each client has read the screen output that shows it; the 95th percentile over sessions
//     and changes.
func BenchmarkSessionsLiveCall(b *testing.B) {
	for _, n := range []int{100, 300} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			var r liveCallResult
			for range b.N {
				r = runLiveCall(b, n)
			}
			b.ReportMetric(r.rssPerSession, "rss-mb-per-session")
			b.ReportMetric(r.cores, "cpu-cores")
			b.ReportMetric(r.p95, "p95-update-ms")
		})
	}
}

// liveCallResult is one run's figures.
type liveCallResult struct {
	rssPerSession, cores, p95 float64
}

// benchNumber rings until the Timeout (last digit 0-3).
const benchNumber = "+447400123450"

func runLiveCall(b *testing.B, sessions int) liveCallResult {
	b.StopTimer()
	h := startHelper(b, helperHistoryEnv+"="+strconv.Itoa(liveCallHistory))
	warm, wt := h.open("warmup")
	wt.WaitFor("History ("+strconv.Itoa(liveCallHistory)+")", 30*time.Second)
	warm.Close()
	waitUntil(b, 10*time.Second, "the warm-up session to end", func() bool { return h.stats().sessions == 0 })
	base := h.usage()
	b.StartTimer()

	clients, terms := openSessions(b, h, sessions)
	defer func() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() { _ = c.Close() })
		}
		wg.Wait()
	}()
	up := h.usage()

	// Every session watches for the call: its line in the live pane, its ringing, the pane empty again.
	seen := make([][3]time.Time, sessions)
	errs := make([]error, sessions)
	var wg sync.WaitGroup
	for i, tm := range terms {
		from := tm.outputLen()
		wg.Go(func() {
			pos := from
			for k, want := range []string{"Live calls (1)", "ringing", "Live calls (0)"} {
				at, end, err := tm.seen(pos, want, 60*time.Second)
				if err != nil {
					errs[i] = fmt.Errorf("session %d: %w", i, err)
					return
				}
				seen[i][k], pos = at, end
			}
		})
	}
	id := h.call(benchNumber)
	wg.Wait()
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	ring, end := h.marks(id)
	var lat []float64
	for i := range seen {
		lat = append(lat, ms(seen[i][1].Sub(ring.at)), ms(seen[i][2].Sub(end.at)))
	}
	slices.Sort(lat)
	return liveCallResult{
		rssPerSession: float64(int64(up.rss)-int64(base.rss)) / float64(sessions) / (1 << 20),
		cores:         float64(end.cpu-ring.cpu) / float64(end.at.Sub(ring.at)),
		p95:           lat[max(0, (len(lat)*95+99)/100-1)],
	}
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// openSessions opens n sessions, a few at a time as a team logging in would, and waits until each shows its
// history with its count.
func openSessions(b *testing.B, h *helper, n int) ([]*gossh.Client, []*terminal) {
	b.Helper()
	clients, terms := make([]*gossh.Client, n), make([]*terminal, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				clients[i], terms[i], errs[i] = h.tryOpen("bench", "History ("+strconv.Itoa(liveCallHistory)+")")
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range clients {
			if c != nil {
				_ = c.Close()
			}
		}
		b.Fatal(err)
	}
	return clients, terms
}

// tryOpen starts a console session as user and waits until its output shows want.
func (h *helper) tryOpen(user, want string) (*gossh.Client, *terminal, error) {
	c, err := gossh.Dial("tcp", h.addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(h.key)},
		HostKeyCallback: gossh.FixedHostKey(h.hostKey), Timeout: 30 * time.Second})
	if err != nil {
		return nil, nil, err
	}
	tm, err := startTerminal(h.tb, c, 120, 40, true)
	if err == nil {
		err = tm.waitFor(want, 120*time.Second)
	}
	if err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	return c, tm, nil
}

// outputLen is how much the session has printed so far.
func (tm *terminal) outputLen() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.Len()
}

// seen waits until the output after from contains want, and returns when the client had read it and where
// it ends.
func (tm *terminal) seen(from int, want string, timeout time.Duration) (time.Time, int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	pos := from
	for {
		tm.mu.Lock()
		out := tm.out.Bytes()
		if i := bytes.Index(out[pos:], []byte(want)); i >= 0 {
			end := pos + i + len(want)
			k, _ := slices.BinarySearchFunc(tm.arrived, end, func(a arrival, end int) int { return a.end - end })
			at := tm.arrived[k].at
			tm.mu.Unlock()
			return at, end, nil
		}
		pos = max(from, len(out)-len(want)+1)
		changed, done := tm.changed, tm.done
		tm.mu.Unlock()
		select {
		case <-changed:
		case <-done:
			return time.Time{}, 0, errors.New("the session ended without showing " + want)
		case <-deadline.C:
			return time.Time{}, 0, errors.New("the session did not show " + want + " within " + timeout.String() +
				"; it printed:\n" + tail(tm.Output()))
		}
	}
}

// helperUsage is the server process's memory and CPU time at one moment.
type helperUsage struct {
	rss uint64
	cpu time.Duration
}

// usage asks the helper for its resident memory and CPU time.
func (h *helper) usage() helperUsage {
	h.tb.Helper()
	if _, err := fmt.Fprintln(h.in, "usage"); err != nil {
		h.tb.Fatal(err)
	}
	var u helperUsage
	var wall int64
	if _, err := fmt.Sscan(h.line("USAGE "), &u.rss, &u.cpu, &wall); err != nil {
		h.tb.Fatal(err)
	}
	return u
}

// call has the helper place a call to number and returns its attempt.
func (h *helper) call(number string) int64 {
	h.tb.Helper()
	if _, err := fmt.Fprintln(h.in, "call "+number); err != nil {
		h.tb.Fatal(err)
	}
	id, err := strconv.ParseInt(h.line("PLACED "), 10, 64)
	if err != nil {
		h.tb.Fatal(err)
	}
	return id
}

// serverMark is when the service published a change of the call, and the server's CPU time then.
type serverMark struct {
	at  time.Time
	cpu time.Duration
}

// marks returns when the attempt was first seen ringing and when it was first seen ended.
func (h *helper) marks(attempt int64) (ring, end serverMark) {
	h.tb.Helper()
	if _, err := fmt.Fprintln(h.in, "marks"); err != nil {
		h.tb.Fatal(err)
	}
	for _, f := range strings.Fields(h.line("MARKS")) {
		var m callMark
		p := strings.Split(f, ":")
		if len(p) != 5 {
			h.tb.Fatalf("helper mark %q", f)
		}
		m.attempt, _ = strconv.ParseInt(p[0], 10, 64)
		m.status, m.live = p[1], p[2] == "true"
		m.wall, _ = strconv.ParseInt(p[3], 10, 64)
		cpu, _ := strconv.ParseInt(p[4], 10, 64)
		m.cpu = time.Duration(cpu)
		at := serverMark{at: time.Unix(0, m.wall), cpu: m.cpu}
		switch {
		case m.attempt != attempt:
		case m.status == "ringing" && ring.at.IsZero():
			ring = at
		case !m.live && end.at.IsZero():
			end = at
		}
	}
	if ring.at.IsZero() || end.at.IsZero() {
		h.tb.Fatalf("the helper did not see attempt %d ring and end", attempt)
	}
	return ring, end
}
