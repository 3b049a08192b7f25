package sshserve

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestManySessionsReturnToBaseline: 100 sessions with PTYs connect at once, each renders the console, none
// places a call, and all drop their connections abruptly; afterwards the server holds no session, and the
// process's goroutines and live heap come back to what they were before.
func TestManySessionsReturnToBaseline(t *testing.T) {
	const n = 100
	b := newBackend(t, 5)
	key := newNamedKey(t, "team")
	// All the clients come from one loopback address at once: room for them all among the connections
	// waiting to authenticate, which by default hold 8 per address.
	ts := startServer(t, b, func(o *Options) { o.MaxUnauthenticated, o.MaxUnauthenticatedPerAddr = n, n }, key)

	// One session first, so that everything built once per process (tables, caches, pools) is in the baseline.
	warm, err := ts.dial("warmup", gossh.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	openTerminal(t, warm, 120, 40).WaitFor("operator team", 10*time.Second)
	warm.Close()
	waitUntil(t, 10*time.Second, "the warm-up session to end", func() bool { return ts.Sessions() == 0 })
	baseGoroutines := settledGoroutines(t, 0, 20*time.Second)
	baseHeap := heapAfterGC()

	var wg sync.WaitGroup
	rendered := make(chan error, n)
	drop := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("op%03d", i)
			c, err := ts.dial(user, gossh.PublicKeys(key))
			if err != nil {
				rendered <- err
				return
			}
			defer c.Close() // abrupt: the TCP connection goes, no session is closed politely
			tm, err := tryTerminal(t, c, 120, 40)
			if err == nil {
				err = tm.waitFor("operator team", 60*time.Second)
			}
			rendered <- err
			<-drop
		}()
	}
	for range n {
		if err := <-rendered; err != nil {
			close(drop)
			wg.Wait()
			t.Fatal(err)
		}
	}
	if got := ts.Sessions(); got != n {
		t.Errorf("%d sessions running with %d clients rendered, want %d", got, n, n)
	}
	peakGoroutines := runtime.NumGoroutine()
	peakHeap := heapAfterGC()
	close(drop)
	wg.Wait()

	waitUntil(t, 30*time.Second, "every session to end", func() bool { return ts.Sessions() == 0 })
	g := settledGoroutines(t, baseGoroutines, 30*time.Second)
	// The heap is sampled until it settles too: the last goroutines free their buffers as they exit.
	var heap uint64
	const slack = 4 << 20
	waitUntil(t, 30*time.Second, fmt.Sprintf("the heap to return to its baseline of %.1f MiB", mib(baseHeap)), func() bool {
		heap = heapAfterGC()
		return heap <= baseHeap+slack
	})
	t.Logf("goroutines: baseline %d, with %d sessions %d, after %d; heap: baseline %.1f MiB, with %d sessions %.1f MiB "+
		"(%.0f KiB per session incl. the test's own clients), after %.1f MiB", baseGoroutines, n, peakGoroutines, g,
		mib(baseHeap), n, mib(peakHeap), float64(peakHeap-baseHeap)/n/1024, mib(heap))
	if peakGoroutines < baseGoroutines+n {
		t.Errorf("only %d goroutines with %d sessions open (baseline %d): were the sessions really running?",
			peakGoroutines, n, baseGoroutines)
	}
}

// settledGoroutines polls until the goroutine count is at most target (any count when target is 0 and the
// count has stopped falling) and returns it, failing after timeout.
func settledGoroutines(t *testing.T, target int, timeout time.Duration) int {
	t.Helper()
	last := -1
	var got int
	waitUntil(t, timeout, fmt.Sprintf("goroutines to settle at %d or fewer", target), func() bool {
		got = runtime.NumGoroutine()
		if target == 0 {
			done := got == last
			last = got
			return done
		}
		return got <= target
	})
	return got
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
