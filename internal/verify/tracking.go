package verify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/flashcall/flashcall/internal/store"
)

// Several processes may share one history: two consoles, a console and `flashcall call`, later several
// servers. Each unfinished call is followed by exactly one of them, its tracker, recorded in the history. A
// process renews its claim every trackerRenew; at start it takes over only calls whose tracker is gone: a
// process on this host that no longer exists (or this very PID, a previous run in a restarted container), or
// one that has not renewed for trackerStale.
// A running process also takes over, at each renewal, the calls of trackers gone since (takeover.go).
const (
	trackerRenew = 5 * time.Second
	trackerStale = 3 * trackerRenew
)

// newTracker names this process.
func newTracker() store.Tracker {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return store.Tracker{Owner: hex.EncodeToString(b), Host: HostIdentity(), PID: os.Getpid()}
}

// trackerGone is the store.TrackerGone of this process.
func (s *Service) trackerGone(t store.Tracker, renewed time.Time) bool {
	if s.clk.Now().Sub(renewed) > trackerStale {
		return true
	}
	if t.Host != s.me.Host || t.PID <= 0 {
		return false
	}
	return t.PID == s.me.PID || !processAlive(t.PID)
}

// processAlive reports whether a process with this PID runs on this host. A zombie (killed, not yet reaped
// by its parent) does not: it follows no call any more.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// "pid (comm) S ...": the state follows the last ')', as comm may hold anything.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
			switch stat[i+2] {
			case 'Z', 'X':
				return false
			}
		}
	}
	return true
}

// claimOwn records this process as the tracker of an attempt it is about to dial.
func (s *Service) claimOwn(ctx context.Context, attemptID int64) error {
	ok, err := s.st.ClaimTracking(ctx, attemptID, s.me, s.clk.Now(), s.trackerGone)
	switch {
	case err != nil:
		return fmt.Errorf("%w (recording who follows the call: %v)", ErrHistory, err)
	case !ok:
		return fmt.Errorf("%w: another process already follows this new attempt", ErrHistory)
	}
	return nil
}

// scheduleRenew arms the renewal of this process's claims.
func (s *Service) scheduleRenew() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.renewTimer = s.clk.AfterFunc(trackerRenew, func() {
		// Nothing to renew while nothing is followed, except once after the last call ended, so that its
		// claim is cleared: an idle process writes nothing.
		if s.pendingWrites() {
			s.flushUnsaved()
		}
		s.mu.Lock()
		following := len(s.live) > 0
		due := following || s.renewedFollowing
		s.renewedFollowing = following
		s.mu.Unlock()
		var err error
		if due {
			if err = s.st.RenewTracking(s.ctx, s.me.Owner, s.clk.Now()); err != nil && s.ctx.Err() == nil {
				s.log.Warn("could not renew the claim on the calls this process follows", "err", err)
			}
		}
		s.afterRenew(err)
		s.scheduleRenew()
	})
}

// releaseAll gives up every claim, so that the next process takes the calls over at once.
func (s *Service) releaseAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.st.ReleaseTracking(ctx, 0, s.me.Owner); err != nil {
		s.log.Warn("could not release the calls this process followed", "err", err)
	}
	if err := s.st.LeaveInstance(ctx, s.me.Owner); err != nil {
		s.log.Warn("could not remove this instance from the history's list", "err", err)
	}
}
