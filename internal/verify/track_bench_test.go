package verify

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// trackFor is how long BenchmarkTrackLiveCalls watches the live calls once they are all placed.
var trackFor = flag.Duration("track.for", 10*time.Second, "how long BenchmarkTrackLiveCalls tracks the live calls")

// fetchLog records, per call SID, when the tracker learnt the call's state from Restcomm: a GET of the call,
// or the call appearing in a list page.
type fetchLog struct {
	Caller
	mu       sync.Mutex
	seen     map[string][]time.Time
	requests atomic.Int64 // GETs and list pages sent
}

func (f *fetchLog) note(sid string) {
	now := time.Now()
	f.mu.Lock()
	f.seen[sid] = append(f.seen[sid], now)
	f.mu.Unlock()
}

func (f *fetchLog) GetCall(ctx context.Context, sid string) (*restcomm.Call, error) {
	f.requests.Add(1)
	c, err := f.Caller.GetCall(ctx, sid)
	if err == nil {
		f.note(sid)
	}
	return c, err
}

func (f *fetchLog) ListCalls(ctx context.Context, lf restcomm.ListFilter) iter.Seq2[restcomm.Call, error] {
	return func(yield func(restcomm.Call, error) bool) {
		n := 0
		for c, err := range f.Caller.ListCalls(ctx, lf) {
			if n%max(lf.PageSize, 50) == 0 {
				f.requests.Add(1) // a new page was fetched
			}
			n++
			if err == nil {
				f.note(c.SID)
			}
			if !yield(c, err) {
				return
			}
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTrackLiveCalls places many calls that ring for a minute, on the real clock, against the simulator
// over loopback HTTP with a per-request latency, then tracks them for -track.for (10 s) with poll_interval
// 1 s. It reports the largest and 95th-percentile gap between two fetches of one call's state (a GET, or the
// call in a list page; the watch's start and end bound the first and last gaps), the fetches per call per
// second, and the process's CPU (simulator included) over wall time while tracking.
func BenchmarkTrackLiveCalls(b *testing.B) {
	for _, bc := range []struct {
		calls   int
		latency time.Duration
	}{{100, 20 * time.Millisecond}, {1000, 20 * time.Millisecond}, {1000, 100 * time.Millisecond}} {
		b.Run(fmt.Sprintf("calls=%d/latency=%s", bc.calls, bc.latency), func(b *testing.B) {
			for b.Loop() {
				trackLiveCalls(b, bc.calls, bc.latency)
			}
		})
	}
}

func trackLiveCalls(b *testing.B, calls int, latency time.Duration) {
	ctx := context.Background()
	srv := sim.New(sim.Options{Seed: time.Now().UnixNano(), Faults: sim.Faults{Latency: latency}})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	client, err := restcomm.New(hs.URL+"/restcomm", srv.AccountSID(), srv.AuthToken(),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}))
	if err != nil {
		b.Fatal(err)
	}
	log := &fetchLog{Caller: client, seen: map[string][]time.Time{}}
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	rules := policy.DefaultRules()
	rules.PerNumber, rules.PerPrefix, rules.PerOperator, rules.Global = policy.Limit{}, policy.Limit{}, policy.Limit{}, policy.Limit{}
	rules.DailyCap = 0
	pol, err := policy.New(rules)
	if err != nil {
		b.Fatal(err)
	}
	set := defaultSettings()
	set.Timeout = 60
	set.Policy = pol
	set.RCMLURL = "http://127.0.0.1:1/rcml.xml" // never fetched: the calls ring out
	svc, err := New(Deps{Calls: log, Store: st, Settings: set})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}

	// Place every call (numbers ending in 0: they ring until the Timeout), 32 at a time.
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range 32 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(calls) {
					return
				}
				op := record.Operator{Name: fmt.Sprintf("op%d", i%20), Remote: "local"}
				if _, err := svc.Place(ctx, op, fmt.Sprintf("+447400%06d", i*10)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if n := len(svc.Tracking()); n != calls {
		b.Fatalf("%d calls tracked, want %d", n, calls)
	}

	start, cpu0 := time.Now(), cpuTime(b)
	time.Sleep(*trackFor) // the real clock is what is measured
	end, cpu1 := time.Now(), cpuTime(b)
	if n := len(svc.Tracking()); n != calls {
		b.Fatalf("%d calls still tracked after %s, want %d (they ring for a minute)", n, *trackFor, calls)
	}

	log.mu.Lock()
	var gaps []float64
	fetches := 0
	for _, a := range svc.Tracking() {
		prev := start
		for _, t := range log.seen[a.CallSID] {
			if t.Before(start) || t.After(end) {
				continue
			}
			gaps = append(gaps, t.Sub(prev).Seconds())
			prev = t
			fetches++
		}
		gaps = append(gaps, end.Sub(prev).Seconds())
	}
	log.mu.Unlock()
	slices.Sort(gaps)
	wall := end.Sub(start).Seconds()
	b.ReportMetric(gaps[len(gaps)-1], "max-gap-s")
	b.ReportMetric(gaps[(len(gaps)*95)/100], "p95-gap-s")
	b.ReportMetric(float64(fetches)/float64(calls)/wall, "gets-per-call-s")
	b.ReportMetric((cpu1 - cpu0).Seconds()/wall, "cpu-cores")
}
