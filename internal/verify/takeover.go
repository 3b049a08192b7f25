package verify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Who follows a call, across processes and machines. The trackers table is the lease: each unfinished call
// has one tracker, which renews its claim every trackerRenew (5 s). Every running process, at each renewal
// tick, takes over the calls whose tracker is gone (trackerGone: silent for trackerStale, 15 s, or a process
// of this host that no longer exists) and reconciles them exactly as a starting process does, never dialling.
// A killed instance's calls are therefore followed again at most trackerStale + trackerRenew (20 s) after its
// last renewal, and within one renewal tick (5 s) when the taker runs on the same host.
//
// A process that cannot renew stops following its calls once its last successful renewal is leaseSafe (10 s)
// old, before any other process may consider it gone (15 s): however a partition from the database falls, two
// processes do not poll or write one call at once, provided their clocks agree within 5 s (the times compared
// are the processes' own). One whose renewal works but finds a call's lease held by another (taken over while
// it was cut off, or by a process whose clock ran ahead) stops following that call at that renewal.
const leaseSafe = trackerStale - trackerRenew

// InstanceBeat is how often a process records its heartbeat in the instances table (doctor lists those seen
// within a few beats).
const InstanceBeat = 30 * time.Second

// afterRenew is the renewal tick's work beyond renewing: keep the lease honest, take over gone trackers, and
// beat. renewErr is the renewal's result (nil when there was nothing to renew).
func (s *Service) afterRenew(renewErr error) {
	if !s.set.Shared {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	ctx := s.ctx
	now := s.clk.Now()
	f := s.fleet
	if renewErr == nil {
		s.markRenewed(now)
		s.dropTaken(ctx)
		s.takeOver(ctx)
	} else {
		f.mu.Lock()
		last := f.renewedOK
		f.mu.Unlock()
		if now.Sub(last) >= leaseSafe {
			s.dropAll(fmt.Sprintf("the history has not taken this process's renewals for %s", now.Sub(last).Round(time.Second)))
		}
	}
	f.mu.Lock()
	due := now.Sub(f.beatAt) >= InstanceBeat
	if due {
		f.beatAt = now
	}
	f.mu.Unlock()
	if due {
		s.beat(ctx, now)
	}
}

// beat records this process's heartbeat.
func (s *Service) beat(ctx context.Context, now time.Time) {
	in := store.Instance{ID: s.me.Owner, Host: s.me.Host, PID: s.me.PID, Version: s.info.Version, StartedAt: s.started}
	if err := s.st.Heartbeat(ctx, in, now); err != nil && ctx.Err() == nil {
		s.log.Warn("could not record this instance's heartbeat", "err", err)
	}
}

// dropTaken stops following the calls whose lease the history no longer gives this process.
func (s *Service) dropTaken(ctx context.Context) {
	// The calls followed before the read: each had its claim recorded before it was followed (with its
	// write-ahead row, or by Start and takeOver), so one missing from the read was taken, not yet to come.
	before := s.trackedIDs()
	held, err := s.st.TrackedBy(ctx, s.me.Owner)
	if err != nil {
		return // the next tick looks again; the renewal itself worked
	}
	var lost []int64
	for id := range before {
		if !slices.Contains(held, id) {
			lost = append(lost, id)
		}
	}
	for _, id := range lost {
		s.drop(id, "another process has taken over its tracking")
	}
}

// dropAll stops following every call, for why.
func (s *Service) dropAll(why string) {
	s.mu.Lock()
	ids := make([]int64, 0, len(s.live))
	for id := range s.live {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.drop(id, why)
	}
}

// markRenewed records a renewal the history took (or a start, which claims what it follows).
func (s *Service) markRenewed(at time.Time) {
	s.fleet.mu.Lock()
	s.fleet.renewedOK = at
	s.fleet.mu.Unlock()
}

// drop stops following one call without writing anything about it: another process follows it, or will.
func (s *Service) drop(id int64, why string) {
	s.applyMu.Lock() // a merge in progress finishes first
	defer s.applyMu.Unlock()
	s.mu.Lock()
	t, ok := s.live[id]
	if ok {
		delete(s.bySID, t.attempt.CallSID)
		delete(s.live, id)
		s.callback.Forget(t.attempt.CallSID)
	}
	s.mu.Unlock()
	if ok {
		s.log.Warn("no longer following a call", "attempt", id, "sid", t.attempt.CallSID, "why", why)
	}
}

// takeOver claims the unfinished calls whose tracker is gone and follows them, as Start does for those a
// previous run left.
func (s *Service) takeOver(ctx context.Context) {
	un, err := s.st.UnfinishedAttempts(ctx)
	if err != nil {
		return
	}
	now := s.clk.Now()
	for _, a := range un {
		if endedUnknown(a) || s.isTracked(a.ID) || s.endedHereLately(a.ID) {
			continue // followed here, or ended here since the list was read: never taken over twice
		}
		if a.State == record.StatePlacing && now.Sub(a.CreatedAt) < trackerStale {
			// Written a moment ago: its process may not have recorded its claim yet (it does so before
			// dialling). Only one silent for the stale bound is taken.
			continue
		}
		ok, err := s.st.ClaimTracking(ctx, a.ID, s.me, now, s.trackerGone)
		if err != nil || !ok {
			continue
		}
		s.log.Info("taking over a call whose tracker is gone", "attempt", a.ID, "sid", a.CallSID, "state", a.State)
		s.adopt(ctx, a)
	}
}

// adopt follows an unfinished attempt this process has just claimed: reconciled as at Start (an attempt left
// placing becomes unknown and is looked up; one whose look-up window ended long ago is ended), then fetched
// once at once. It never dials.
func (s *Service) adopt(ctx context.Context, a record.Attempt) {
	if a.CallSID == "" && s.clk.Now().Sub(a.CreatedAt) > s.set.LookupWindow+lookupForgotten {
		s.forgetLookUp(a)
		return
	}
	if err := s.reconcilePlacing(ctx, &a); err != nil {
		s.log.Error("could not record a taken-over call as unknown", "attempt", a.ID, "err", err)
		_ = s.st.ReleaseTracking(ctx, a.ID, s.me.Owner)
		return
	}
	s.track(a, a.CreatedAt)
	s.mu.Lock()
	t, ok := s.live[a.ID]
	var cur tracked
	if ok {
		cur = *t
	}
	s.mu.Unlock()
	switch {
	case !ok:
	case cur.attempt.CallSID == "":
		s.lookUp(cur)
	default:
		s.refresh(cur.attempt)
	}
}

// reconcilePlacing turns an attempt a stopped process left placing into unknown, to be looked up (its
// create may or may not have reached Restcomm), and stores it.
func (s *Service) reconcilePlacing(ctx context.Context, a *record.Attempt) error {
	if a.State != record.StatePlacing {
		return nil
	}
	a.State = record.StateUnknown
	if a.CallSID == "" {
		a.Outcome = record.OutcomeUnknown
		a.Error = "the previous run stopped while placing this call: looking it up in Restcomm"
	}
	a.UpdatedAt = s.clk.Now()
	if err := s.st.UpdateAttemptWith(ctx, a, s.transition(a.ID, "unknown", record.SourceReconcile, a.Error)); err != nil {
		return fmt.Errorf("updating attempt %d: %w", a.ID, err)
	}
	return nil
}

// InstanceID is this process's ID among the processes of a shared history (its tracker ID): what the
// instances table and the shared presence name it by.
func (s *Service) InstanceID() string { return s.me.Owner }
