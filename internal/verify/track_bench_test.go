package verify

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// trackFor is how long BenchmarkTrackLiveCalls watches the live calls once they are all placed.
var trackFor = flag.Duration("track.for", 10*time.Second, "how long BenchmarkTrackLiveCalls tracks the live calls")

// fetchLog records, per call SID, when the requests that fetched the call's state were sent: a GET of the
// call, or the list request whose page showed it (the tracker reads one page per request).
type fetchLog struct {
	Caller
	mu    sync.Mutex
	seen  map[string][]time.Time
	gets  atomic.Int64 // GETs sent
	lists atomic.Int64 // list requests sent
}

// note records that the state of call sid was fetched by a request sent at sent.
func (f *fetchLog) note(sid string, sent time.Time) {
	f.mu.Lock()
	f.seen[sid] = append(f.seen[sid], sent)
	f.mu.Unlock()
}

func (f *fetchLog) GetCall(ctx context.Context, sid string) (*restcomm.Call, error) {
	f.gets.Add(1)
	sent := time.Now()
	c, err := f.Caller.GetCall(ctx, sid)
	if err == nil {
		f.note(sid, sent)
	}
	return c, err
}

func (f *fetchLog) ListCalls(ctx context.Context, lf restcomm.ListFilter) iter.Seq2[restcomm.Call, error] {
	return func(yield func(restcomm.Call, error) bool) {
		f.lists.Add(1)
		sent := time.Now() // the tracker reads one page: its request goes out now
		for c, err := range f.Caller.ListCalls(ctx, lf) {
			if err == nil {
				f.note(c.SID, sent)
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
// 1 s, with the default workers and request cap. It reports the largest and 95th-percentile gap between two
// fetches of one call's state, each timed when its request was sent (a GET, or the list request whose page
// showed the call; the watch's start and end bound the first and last gaps), the fetches per call per
// second, the process's CPU (simulator included) over wall time while tracking, and the GET and list
// requests sent per second.
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
	set := defaultSettings()
	set.PollWorkers = config.DefaultPollWorkers // the defaults, as the wiring passes them
	set.MaxRequestsPerSecond = config.DefaultMaxRequestsPerSecond
	client, err := restcomm.New(hs.URL+"/restcomm", srv.AccountSID(), srv.AuthToken(),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}), restcomm.WithRateLimit(set.MaxRequestsPerSecond, set.PollWorkers),
		restcomm.WithIdleConns(set.PollWorkers))
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
	set.Timeout = 60
	set.Policy = pol
	set.RCMLURL = "http://127.0.0.1:1/rcml.xml" // never fetched: the calls ring out
	var logger *slog.Logger
	if os.Getenv("TRACK_BENCH_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	svc, err := New(Deps{Calls: log, Store: st, Settings: set, Logger: logger})
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

	start, cpu0, gets0, lists0 := time.Now(), cpuTime(b), log.gets.Load(), log.lists.Load()
	time.Sleep(*trackFor) // the real clock is what is measured
	end, cpu1, gets1, lists1 := time.Now(), cpuTime(b), log.gets.Load(), log.lists.Load()
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
	b.ReportMetric((cpu1-cpu0).Seconds()/wall, "cpu-cores")
	b.ReportMetric(float64(gets1-gets0)/wall, "get-requests/s")
	b.ReportMetric(float64(lists1-lists0)/wall, "list-requests/s")
}
