package sshserve

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/record"
)

// heapGrowthBound is what a 65535x65535 terminal and a flood of window changes may add to the server's heap
// in use (live data and garbage not yet collected) over its baseline. Drawn at 400x200, a frame is a few
// hundred KiB; drawn at the size the client claims it would be 4 GiB.
const heapGrowthBound = 32 << 20

// heapSampler records the largest HeapInuse it sees until stopped.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the peak.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

// heapInuseAfterGC is HeapInuse after a full collection: the baseline.
func heapInuseAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestHugeWindowAndResizeFloodKeepTheHeapBounded: the OpenSSH client on a 65535x65535 terminal (its pty
// request says so), resized hundreds of times, and a Go client sending 20,000 window changes of 65535x65535
// as fast as it can, leave the server's heap in use within heapGrowthBound of its baseline; both sessions,
// and a bystander's, keep working.
func TestHugeWindowAndResizeFloodKeepTheHeapBounded(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob, carol := newNamedKey(t, "alice"), newNamedKey(t, "bob"), newNamedKey(t, "carol")
	ts := startServer(t, b, nil, alice, bob, carol)
	kit := newSSHKit(t, ts)

	cb, err := ts.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	bystander := openTerminal(t, cb, 100, 30)
	bystander.WaitFor("operator bob", 20*time.Second)

	base := heapInuseAfterGC()
	sampler := sampleHeap()

	ac := kit.start("alice", kit.keyFile(alice), 65535, 65535)
	ac.WaitFor("operator alice", 30*time.Second)
	waitUntil(t, 10*time.Second, "the 65535x65535 pty request in the log", func() bool {
		return strings.Contains(ts.log.String(), "width=65535 height=65535")
	})
	for i := range 300 {
		ac.Resize(65535-uint16(i%3), 65535-uint16(i%5))
	}

	cc, err := ts.dial("carol", gossh.PublicKeys(carol))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	cs, err := cc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.RequestPty("xterm-256color", 65535, 65535, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	cs.Stdout, cs.Stderr = io.Discard, io.Discard
	stdin, err := cs.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.Shell(); err != nil {
		t.Fatal(err)
	}
	for i := range 20000 {
		if err := cs.WindowChange(65535-i%7, 65535-i%11); err != nil {
			t.Fatalf("window change %d: %v", i, err)
		}
	}
	// carol's session is still there and answers: a final, sane size and a key press.
	if err := cs.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.Write([]byte("\x03")); err != nil { // ctrl+c quits, wherever the focus is
		t.Fatal(err)
	}

	m := ac.mark()
	ac.Resize(120, 40)
	ac.Type("+4479")
	ac.WaitAfter(m, "+4479", 30*time.Second)
	bystander.Type("+4420")
	bystander.WaitFor("+4420", 30*time.Second)
	peak := sampler.Stop()
	waitUntil(t, 30*time.Second, "carol's session to quit on ctrl+c", func() bool { return ts.Sessions() == 2 })

	growth := int64(peak) - int64(base)
	t.Logf("heap in use: baseline %.1f MiB, peak during the flood %.1f MiB (+%.1f MiB; bound +%d MiB)",
		mib(base), mib(peak), float64(growth)/(1<<20), heapGrowthBound>>20)
	if growth > heapGrowthBound {
		t.Fatalf("the heap grew by %.1f MiB, more than the %d MiB bound", float64(growth)/(1<<20), heapGrowthBound>>20)
	}
}

// floodConn holds one connection that never authenticates: it sends an SSH version banner (or nothing) and
// waits until the server drops it; redial makes it connect again, paced, until the test stops.
func floodConn(t *testing.T, addr, src string, banner, redial bool, pace <-chan time.Time, stop <-chan struct{},
	opened *atomic.Int64) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	for {
		c, err := d.Dial("tcp", addr)
		if err == nil {
			opened.Add(1)
			if banner {
				_, _ = c.Write([]byte("SSH-2.0-flood\r\n"))
			}
			dropped := make(chan struct{})
			go func() {
				_, _ = io.Copy(io.Discard, c)
				close(dropped)
			}()
			select {
			case <-dropped:
			case <-stop:
			}
			c.Close()
			<-dropped
		}
		if !redial {
			<-stop
			return
		}
		select {
		case <-stop:
			return
		case <-pace:
		}
	}
}

// TestHalfOpenFloodDoesNotKeepOperatorsOut: 120 connections that never authenticate (half of them send an
// SSH banner and nothing more), from the operator's own address and 14 others, kept up by reconnecting as
// the server drops them; the server never holds more than its bounds of them, and alice logs in with the
// OpenSSH client while the flood goes on.
func TestHalfOpenFloodDoesNotKeepOperatorsOut(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	kit := newSSHKit(t, ts)

	stop := make(chan struct{})
	pace := time.NewTicker(10 * time.Millisecond) // reconnections, all together: a steady flood, not a storm
	defer pace.Stop()
	var opened atomic.Int64
	var wg sync.WaitGroup
	defer func() {
		close(stop)
		wg.Wait()
	}()
	for i := range 8 { // from the operator's own address, held
		wg.Add(1)
		go func() {
			defer wg.Done()
			floodConn(t, ts.addr, "127.0.0.1", i%2 == 0, false, pace.C, stop, &opened)
		}()
	}
	// The server admits each connection on a goroutine of its own, so the order it sees them in is not the
	// order they connected in: wait for the eight from alice's address before the rest come, so that they
	// are all older than hers (from her own address, newer connections may push hers out).
	waitUntil(t, 30*time.Second, "the 8 connections from 127.0.0.1 to be admitted", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return ts.pendingPer["127.0.0.1"] == 8
	})
	for h := 2; h < 16; h++ {
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				floodConn(t, ts.addr, fmt.Sprintf("127.0.0.%d", h), i%2 == 0, true, pace.C, stop, &opened)
			}()
		}
	}
	waitUntil(t, 30*time.Second, "120 flood connections", func() bool { return opened.Load() >= 120 })
	bounds := func() {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if len(ts.pending) > DefaultMaxUnauthenticated {
			t.Errorf("%d connections wait to authenticate, more than %d", len(ts.pending), DefaultMaxUnauthenticated)
		}
		for host, n := range ts.pendingPer {
			if n > DefaultMaxUnauthenticatedPerAddr {
				t.Errorf("%d connections from %s wait to authenticate, more than %d", n, host, DefaultMaxUnauthenticatedPerAddr)
			}
		}
	}
	bounds()

	ac := kit.start("alice", kit.keyFile(alice), 100, 30)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", tail(ts.log.String()))
		}
	})
	ac.WaitFor("operator alice", 60*time.Second)
	bounds()
	if !strings.Contains(ts.log.String(), "dropped to make room") {
		t.Error("the log does not say that connections were dropped to make room")
	}
	t.Logf("%d flood connections opened in all", opened.Load())
}

// TestIdentityComesFromTheKey: `ssh -l mallory` with alice's key is alice, as the authorized_keys line names
// the key: on screen, with the call she places (live list and history), in the audit log's login entry,
// and in the server log, which keeps the claimed user beside her name.
func TestIdentityComesFromTheKey(t *testing.T) {
	b := newBackend(t, 5)
	alice := newNamedKey(t, "alice")
	ts := startServer(t, b, nil, alice)
	kit := newSSHKit(t, ts)
	ac := kit.start("mallory", kit.keyFile(alice), 120, 40)
	fp := Fingerprint(alice.PublicKey())
	ac.WaitFor("operator alice ("+fp[:16]+")", 30*time.Second)
	ac.Type("+447400123450")
	ac.WaitFor("United Kingdom", 10*time.Second)
	ac.Type("\r")
	ac.WaitFor("ringing", 20*time.Second)
	if strings.Contains(ac.Output(), "mallory") {
		t.Error("the screen shows the claimed user name")
	}
	want := "alice (" + fp[:16] + ")"
	if live := b.app.Service.Live(); len(live) != 1 || live[0].Operator != want {
		t.Fatalf("live attempts %+v: want one by %s", live, want)
	}
	rows, err := b.app.Service.History(context.Background(), 10)
	if err != nil || len(rows) != 1 || rows[0].Operator != want {
		t.Fatalf("history %+v, %v: want one row by %s", rows, err, want)
	}
	var login []record.AuditEntry
	waitUntil(t, 10*time.Second, "the login in the audit log", func() bool {
		login, err = b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditLogin})
		return err == nil && len(login) == 1
	})
	if e := login[0]; e.Operator != want || !strings.Contains(e.Detail, `the client asked for user "mallory"`) ||
		!strings.Contains(e.Detail, "as operator") {
		t.Errorf("login entry %+v", e)
	}
	if calls, _ := b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditCallPlaced}); len(calls) != 1 ||
		calls[0].Operator != want {
		t.Errorf("call-placed entries %+v", calls)
	}
	logs := ts.log.String()
	if !strings.Contains(logs, "operator=alice") || !strings.Contains(logs, "ssh_user=mallory") {
		t.Errorf("the server log does not keep both the identity and the claimed user:\n%s", logs)
	}
}

// TestRemovedKeyEndsItsSessions: removing alice's key from authorized_keys ends her open session (the
// OpenSSH client) within seconds, with a message on her screen, audited; bob's session carries on until his
// key's line changes name, which ends it too.
func TestRemovedKeyEndsItsSessions(t *testing.T) {
	b := newBackend(t, 5)
	alice, bob := newNamedKey(t, "alice"), newNamedKey(t, "bob")
	ts := startServer(t, b, nil, alice, bob)
	kit := newSSHKit(t, ts)
	ac := kit.start("alice", kit.keyFile(alice), 100, 30)
	ac.WaitFor("operator alice", 30*time.Second)
	cb, err := ts.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	bt := openTerminal(t, cb, 100, 30)
	bt.WaitFor("operator bob", 20*time.Second)

	if err := os.WriteFile(ts.keys, []byte(authorizedLine(bob, "bob")), 0o600); err != nil {
		t.Fatal(err)
	}
	ac.WaitFor("your key was removed from the server's authorized keys", 30*time.Second)
	if err := ac.WaitExit(10 * time.Second); err == nil {
		t.Error("ssh exited with status 0 after the key was revoked")
	}
	bt.Type("+4479")
	bt.WaitFor("+4479", 10*time.Second)
	if c, err := ts.dial("alice", gossh.PublicKeys(alice)); err == nil {
		c.Close()
		t.Fatal("the removed key logs in again")
	}

	if err := os.WriteFile(ts.keys, []byte(authorizedLine(bob, "robert")), 0o600); err != nil {
		t.Fatal(err)
	}
	bt.WaitFor("your key was removed from the server's authorized keys", 30*time.Second)
	bt.WaitExit(10 * time.Second)
	waitUntil(t, 10*time.Second, "both sessions to end", func() bool { return ts.Sessions() == 0 })
	var revoked []record.AuditEntry
	waitUntil(t, 10*time.Second, "two key-revoked audit entries", func() bool {
		revoked, err = b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditKeyRevoked})
		return err == nil && len(revoked) == 2
	})
	ops := revoked[1].Operator + " " + revoked[0].Operator // oldest first
	if !strings.HasPrefix(ops, "alice (SHA256:") || !strings.Contains(ops, " bob (SHA256:") ||
		!strings.Contains(revoked[1].Detail, Fingerprint(alice.PublicKey())) {
		t.Fatalf("key-revoked entries %+v", revoked)
	}
	if logouts, _ := b.app.Service.Audit(context.Background(), record.AuditQuery{Action: record.AuditLogout}); len(logouts) != 0 {
		t.Errorf("a revoked session was also recorded as a plain logout: %+v", logouts)
	}
}
