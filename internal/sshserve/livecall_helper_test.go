package sshserve

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// ringTimeout is the call Timeout of a live-call benchmark's server, at the simulator's real-time speed: a
// call to a number ending in 0-3 rings until it runs out (the simulator's first 200 ms are QUEUED).
const ringTimeout = 10 * time.Second

// seedHistory writes a history of n ended attempts, each its own finished verification, spread over the 30
// days before now, into a new database at path (the schema of this source tree; one transaction).
func seedHistory(path string, n int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now()
	step := 30 * 24 * time.Hour / time.Duration(max(n, 1))
	for i := range n {
		created := now.Add(-time.Duration(n-i) * step).UnixNano()
		number := fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
		op := fmt.Sprintf("op%02d", i%20)
		res, err := tx.ExecContext(ctx, `INSERT INTO verifications (number, country, operator, created_at, updated_at,
			expires_at, status, checks, max_checks, reason) VALUES (?, 'GB', ?, ?, ?, ?, 'expired', 0, 3, '')`,
			number, op, created, created+1e10, created+3e11)
		if err != nil {
			return err
		}
		vid, _ := res.LastInsertId()
		res, err = tx.ExecContext(ctx, `INSERT INTO attempts (verification_id, created_at, updated_at, ended_at,
			operator, remote, number, country, line_type, from_number, call_sid, state, status, outcome, ringing_seen,
			duration) VALUES (?, ?, ?, ?, ?, 'local', ?, 'GB', 'mobile', '447418340465', ?, 'ended', 'canceled',
			'delivered', 1, 10)`, vid, created, created+1e10, created+1e10, op, number, fmt.Sprintf("CA%032d", i))
		if err != nil {
			return err
		}
		aid, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
			VALUES (?, ?, 'placing', 'create', '')`, aid, created); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// callMark is one change of a call the live-call helper saw: its status, when (wall clock, Unix nanoseconds)
// and the server's CPU time then.
type callMark struct {
	attempt int64
	status  string
	live    bool
	wall    int64
	cpu     time.Duration
}

// liveCallHelper is the live-call benchmark's side of the helper server: it places the benchmark's call and
// notes when each of its changes reached the service's subscribers, with the process's CPU time then.
type liveCallHelper struct {
	svc   *verify.Service
	stop  func()
	done  chan struct{}
	mu    sync.Mutex
	marks []callMark
	prof  *os.File // the CPU profile being written, while the call rings
}

// helperProfileEnv names a file for the live-call helper's CPU profile, from the call's placing to the
// benchmark's reading of its marks (go test -bench SessionsLiveCall with it set in the environment).
const helperProfileEnv = "FLASHCALL_SSHSERVE_HELPER_CPUPROFILE"

// helperHeapProfileEnv names a file for the live-call helper's heap profile, written when the benchmark
// reads the marks (every session still up).
const helperHeapProfileEnv = "FLASHCALL_SSHSERVE_HELPER_HEAPPROFILE"

// profile starts the CPU profile when the environment asks for one.
func (h *liveCallHelper) profile() {
	path := os.Getenv(helperProfileEnv)
	if path == "" || h.prof != nil {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	if pprof.StartCPUProfile(f) != nil {
		f.Close()
		return
	}
	h.prof = f
}

func newLiveCallHelper(svc *verify.Service) *liveCallHelper {
	h := &liveCallHelper{svc: svc, done: make(chan struct{})}
	events, stop := svc.Subscribe()
	h.stop = stop
	go func() {
		defer close(h.done)
		last := map[int64]string{}
		for ev := range events {
			if ev.Kind != verify.EventAttempt || ev.Attempt.ID == 0 {
				continue
			}
			a := ev.Attempt
			status := a.Status
			if status == "" {
				status = string(a.State)
			}
			live := a.State == record.StatePlacing || a.State == record.StateLive
			key := fmt.Sprint(status, live)
			if last[a.ID] == key {
				continue
			}
			last[a.ID] = key
			_, cpu := processUsage()
			h.mu.Lock()
			h.marks = append(h.marks, callMark{attempt: a.ID, status: status, live: live, wall: time.Now().UnixNano(), cpu: cpu})
			h.mu.Unlock()
		}
	}()
	return h
}

func (h *liveCallHelper) close() {
	h.stop()
	<-h.done
}

// answer answers one line of the benchmark:
//
//	usage        USAGE <rss bytes> <cpu ns> <wall ns>, after a collection that returns freed pages to the OS
//	call NUMBER  PLACED <attempt ID> once the create has been answered, or ERROR <why>
//	marks        MARKS followed by attempt:status:live:wall:cpu for every change seen so far
func (h *liveCallHelper) answer(line string) string {
	switch cmd, arg, _ := strings.Cut(line, " "); cmd {
	case "usage":
		runtime.GC()
		debug.FreeOSMemory()
		rss, cpu := processUsage()
		return fmt.Sprintf("USAGE %d %d %d", rss, cpu, time.Now().UnixNano())
	case "call":
		h.profile()
		res, err := h.svc.Place(context.Background(), record.Operator{Name: "bench", Remote: "local"}, arg)
		if err != nil {
			return "ERROR " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
		return "PLACED " + strconv.FormatInt(res.Attempt.ID, 10)
	case "marks":
		if path := os.Getenv(helperHeapProfileEnv); path != "" {
			if f, err := os.Create(path); err == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		if h.prof != nil {
			pprof.StopCPUProfile()
			h.prof.Close()
			h.prof = nil
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		var b strings.Builder
		b.WriteString("MARKS")
		for _, m := range h.marks {
			fmt.Fprintf(&b, " %d:%s:%t:%d:%d", m.attempt, m.status, m.live, m.wall, m.cpu)
		}
		return b.String()
	}
	return "ERROR unknown command " + strconv.Quote(line)
}
