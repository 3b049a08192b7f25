package verify

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// asOtherProcess makes the rig's own service look, in the history, like another live process on this host
// (the test's parent), as a second flashcall process would see it.
func (r *rig) asOtherProcess() {
	r.svc.me.PID = os.Getppid()
}

// TestSecondProcessLeavesALiveProcessesCallAlone: a second process starting while the first follows a ringing
// call neither takes it over nor writes it; the first follows it to its end, recorded once.
func TestSecondProcessLeavesALiveProcessesCallAlone(t *testing.T) {
	r := newRig(t, nil)
	r.asOtherProcess()
	res := r.place("+447400123450")
	r.advance(time.Second)
	second := r.secondProcess(nil)
	if got := second.Tracking(); len(got) != 0 {
		t.Fatalf("the second process took over %d attempts of a live process", len(got))
	}
	r.advance(15 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("attempt %s/%s, want ended/delivered", a.State, a.Outcome)
	}
	n := 0
	for _, s := range r.statuses(a.ID) {
		if s == "canceled" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the end was recorded %d times, want once", n)
	}
}

// TestCallsOfAGoneProcessAreTakenOver: a process that closed hands its calls over at once; one that died
// (its PID is gone) too; one that stopped renewing (another host, say) after trackerStale.
func TestCallsOfAGoneProcessAreTakenOver(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		r := newRig(t, nil)
		r.asOtherProcess()
		r.place("+447400123450")
		r.svc.Close()
		if got := r.secondProcess(nil).Tracking(); len(got) != 1 {
			t.Fatalf("took over %d attempts, want the closed process's 1", len(got))
		}
	})
	t.Run("died", func(t *testing.T) {
		r := newRig(t, nil)
		dead := exec.Command("true")
		if err := dead.Run(); err != nil {
			t.Fatal(err)
		}
		r.svc.me.PID = dead.Process.Pid // a process that has exited
		r.place("+447400123450")
		if got := r.secondProcess(nil).Tracking(); len(got) != 1 {
			t.Fatalf("took over %d attempts, want the dead process's 1", len(got))
		}
	})
	t.Run("silent", func(t *testing.T) {
		r := newRig(t, func(s *Settings) { s.Timeout = 60 }) // it rings for a minute
		r.svc.me.Host = "elsewhere.example"                  // cannot be checked from here: only time tells
		r.place("+447400123450")
		r.svc.mu.Lock()
		r.svc.renewTimer.Stop() // it stops renewing, as a hung or cut-off process would
		r.svc.mu.Unlock()
		r.advance(trackerStale / 2)
		if got := r.secondProcess(nil).Tracking(); len(got) != 0 {
			t.Fatalf("took over %d attempts of a process heard from %s ago", len(got), trackerStale/2)
		}
		r.advance(trackerStale)
		if got := r.secondProcess(nil).Tracking(); len(got) != 1 {
			t.Fatalf("took over %d attempts of a silent process, want 1", len(got))
		}
	})
}

// TestZombieTrackerIsGone: a tracker killed but not yet reaped by its parent (a zombie) follows no call.
func TestZombieTrackerIsGone(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer cmd.Wait()
	// Until Wait reaps it, the exited child is a zombie: wait for that state, as the parent has not reaped it.
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the exited, unreaped child %d still counts as alive", pid)
		}
		runtime.Gosched()
	}
	if !processAlive(os.Getpid()) {
		t.Fatal("this very process counts as gone")
	}
}
