package verify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// Several processes may share one history (two consoles and `flashcall call` on one SQLite file, or several
// `flashcall serve` on one PostgreSQL database), and each follows only the calls it tracks. The feed shows a
// process's sessions the others' calls too: once a poll interval it reads the rows changed since its last look
// (store ChangedSince: every unfinished attempt, and the attempts and verifications updated since) and
// publishes those that differ from what its subscribers were last told, exactly as the service publishes its
// own changes. A call placed on another instance thus appears live here, with each state change, within one
// poll interval (plus the time the tracker there takes to see it).
//
// Polling rather than LISTEN/NOTIFY: it works on both engines (a `flashcall call` process on the console's
// SQLite file is the common case), costs a few indexed reads a poll interval (BenchmarkChangedSince, 5,000
// attempts of which 10 live, on the loaded 2-core test machine: 0.6 ms on SQLite, 2.6 ms on PostgreSQL over
// loopback, four round trips), and misses nothing when a connection drops, where a notification sent while
// no one listened is gone; LISTEN would also hold one connection per instance for ever and still need this
// read after every reconnection. Each look reaches feedLookback behind the last one,
// so a row committed late (a slow transaction, or a writer whose clock runs behind) is still seen; what was
// already told is not told again.
const feedLookback = time.Minute

// fleet is what a process keeps about the others sharing its history: the feed's memory, this process's lease
// on the calls it follows, and its heartbeat.
type fleet struct {
	mu    sync.Mutex
	timer clock.Timer
	since time.Time // the previous look's time: the next reads from feedLookback before it
	// told is, per attempt, the last state published (by the service itself or by the feed), so that
	// nothing is published twice and nothing older than what a screen holds is published at all.
	told map[int64]record.Attempt
	// toldV is the same for verifications.
	toldV map[int64]record.Verification
	// foreign are the unfinished attempts another process follows, for Live.
	foreign map[int64]record.Attempt
	// merged are the IDs of callbacks recorded by other processes and merged here, with when.
	merged map[int64]time.Time

	renewedOK time.Time // the last renewal of this process's claims that the history took
	beatAt    time.Time // the last heartbeat
}

func newFleet() *fleet {
	return &fleet{told: map[int64]record.Attempt{}, toldV: map[int64]record.Verification{},
		foreign: map[int64]record.Attempt{}, merged: map[int64]time.Time{}}
}

// stop ends the feed's timer.
func (f *fleet) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
	}
}

// sawEvent notes an event the service publishes, so the feed does not repeat it.
func (f *fleet) sawEvent(ev Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ev.Kind == EventAttempt && ev.Attempt.ID != 0 {
		if old, ok := f.told[ev.Attempt.ID]; !ok || !reportAsOf(ev.Attempt).Before(reportAsOf(old)) {
			f.told[ev.Attempt.ID] = ev.Attempt
		}
	}
	if ev.Verification.ID != 0 {
		if old, ok := f.toldV[ev.Verification.ID]; !ok || !ev.Verification.UpdatedAt.Before(old.UpdatedAt) {
			f.toldV[ev.Verification.ID] = ev.Verification
		}
	}
}

// reportAsOf is when a report of an attempt was made: its UpdatedAt, or its StaleSince when later (a stale
// mark leaves UpdatedAt alone).
func reportAsOf(a record.Attempt) time.Time {
	if a.StaleSince.After(a.UpdatedAt) {
		return a.StaleSince
	}
	return a.UpdatedAt
}

// sameReport reports whether two reports of an attempt say the same to a screen.
func sameReport(a, b record.Attempt) bool {
	return a.State == b.State && a.Status == b.Status && a.Outcome == b.Outcome && a.CallSID == b.CallSID &&
		a.RingingSeen == b.RingingSeen && a.Error == b.Error && a.NoCallReported == b.NoCallReported &&
		a.UpdatedAt.Equal(b.UpdatedAt) && a.StaleSince.Equal(b.StaleSince) && a.EndedAt.Equal(b.EndedAt)
}

// startFeed records the first heartbeat, takes the first look without publishing (the screens load the
// history themselves) and arms the next.
func (s *Service) startFeed(ctx context.Context) {
	if !s.set.Shared {
		return
	}
	now := s.clk.Now()
	s.fleet.mu.Lock()
	s.fleet.beatAt = now
	s.fleet.mu.Unlock()
	s.beat(ctx, now)
	s.look(ctx, false)
	s.armFeed()
}

// armFeed schedules the next look, one poll interval on.
func (s *Service) armFeed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.fleet.mu.Lock()
	s.fleet.timer = s.clk.AfterFunc(s.set.PollInterval, func() {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		s.look(s.ctx, true)
		s.wg.Done()
		s.armFeed()
	})
	s.fleet.mu.Unlock()
}

// look reads what changed since the last look and, when publish is set, publishes what the subscribers were
// not told yet: other processes' attempts and verifications, and merges the callbacks they recorded for the
// calls this one follows.
func (s *Service) look(ctx context.Context, publish bool) {
	f := s.fleet
	now := s.clk.Now()
	f.mu.Lock()
	since := f.since
	if since.IsZero() {
		since = now
	}
	f.mu.Unlock()
	ch, err := s.st.ChangedSince(ctx, since.Add(-feedLookback))
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("could not read the changes other processes made to the history", "err", err)
		}
		return
	}
	verifs := map[int64]record.Verification{}
	for _, v := range ch.Verifications {
		verifs[v.ID] = v
	}
	var events []Event
	inResult := map[int64]bool{}
	mine := s.trackedIDs()
	f.mu.Lock()
	f.since = now
	for _, a := range ch.Attempts {
		inResult[a.ID] = true
		if mine[a.ID] {
			delete(f.foreign, a.ID)
			continue // this process publishes its own calls' changes
		}
		if liveReport(a) {
			f.foreign[a.ID] = a
		} else {
			delete(f.foreign, a.ID)
		}
		old, told := f.told[a.ID]
		if told && (sameReport(a, old) || reportAsOf(a).Before(reportAsOf(old))) {
			continue
		}
		f.told[a.ID] = a
		ev := Event{Kind: EventAttempt, Attempt: a, Verification: verifs[a.VerificationID]}
		if v, ok := verifs[a.VerificationID]; ok {
			f.toldV[v.ID] = v
		}
		events = append(events, ev)
	}
	// An attempt shown live here that left the unfinished set unseen (purged, or changed longer ago than the
	// look-back while this process could not read) is fetched, so its end is shown too.
	var vanished []int64
	for id := range f.foreign {
		if !inResult[id] {
			vanished = append(vanished, id)
			delete(f.foreign, id)
		}
	}
	for _, v := range ch.Verifications {
		if old, ok := f.toldV[v.ID]; ok && !v.UpdatedAt.After(old.UpdatedAt) && v.Status == old.Status && v.Checks == old.Checks {
			continue
		}
		f.toldV[v.ID] = v
		events = append(events, Event{Kind: EventVerification, Verification: v})
	}
	f.forgetOld(now)
	f.mu.Unlock()
	for _, id := range vanished {
		if a, err := s.st.GetAttempt(ctx, id); err == nil {
			ev := Event{Kind: EventAttempt, Attempt: *a}
			if v, err := s.st.GetVerification(ctx, a.VerificationID); err == nil {
				ev.Verification = *v
			}
			events = append(events, ev)
		}
	}
	s.mergeRecordedCallbacks(ch.Callbacks)
	if !publish {
		return
	}
	for _, ev := range events {
		s.publish(ev)
	}
}

// trackedIDs returns the attempts this process follows, and those whose calls it ended lately.
func (s *Service) trackedIDs() map[int64]bool {
	now := s.clk.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make(map[int64]bool, len(s.live)+len(s.ended))
	for id := range s.live {
		ids[id] = true
	}
	// A call this process ended is still its own while the feed may read its end: this process published it
	// (after counting it), so the feed must not publish it again, nor before.
	for id, at := range s.ended {
		if now.Sub(at) > 2*feedLookback {
			delete(s.ended, id)
			continue
		}
		ids[id] = true
	}
	return ids
}

// liveReport reports whether an attempt is still followed by some process: placing, live, or an unknown
// create outcome whose look-up has not ended.
func liveReport(a record.Attempt) bool {
	switch a.State {
	case record.StatePlacing, record.StateLive:
		return true
	case record.StateUnknown:
		return a.EndedAt.IsZero()
	}
	return false
}

// forgetOld drops what the feed remembers of rows no look can return again: ended, and last changed more
// than twice the look-back ago. f.mu is held.
func (f *fleet) forgetOld(now time.Time) {
	horizon := now.Add(-2 * feedLookback)
	for id, a := range f.told {
		if !liveReport(a) && reportAsOf(a).Before(horizon) {
			delete(f.told, id)
		}
	}
	for id, v := range f.toldV {
		if v.UpdatedAt.Before(horizon) {
			delete(f.toldV, id)
		}
	}
	for id, at := range f.merged {
		if at.Before(horizon) {
			delete(f.merged, id)
		}
	}
}

// foreignLive returns the attempts other processes follow, as last read.
func (s *Service) foreignLive() []record.Attempt {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	out := make([]record.Attempt, 0, len(s.fleet.foreign))
	for _, a := range s.fleet.foreign {
		out = append(out, a)
	}
	return out
}

// foreignAttempt returns a live attempt another process follows, as last read.
func (s *Service) foreignAttempt(id int64) (record.Attempt, bool) {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	a, ok := s.fleet.foreign[id]
	return a, ok
}

// forwardedPrefix starts the detail of a callback transition recorded by a process that does not follow the
// call, for the one that does: "forwarded seq=N sid=SID".
const forwardedPrefix = "forwarded "

// forwardCallback records, for the process that follows the call, a status callback this process received
// for a call it does not follow: Restcomm may send a call's callbacks to any instance behind the public URL.
func (s *Service) forwardCallback(a record.Attempt, ev restcomm.CallbackEvent) {
	detail := fmt.Sprintf("%sseq=%d sid=%s by %s", forwardedPrefix, ev.Sequence, ev.CallSID, s.me.Host)
	s.addTransition(s.ctx, a.ID, "callback:"+ev.Event, record.SourceCallback, detail)
}

// mergeRecordedCallbacks merges the callbacks other processes recorded for calls this one follows.
func (s *Service) mergeRecordedCallbacks(trs []record.Transition) {
	for _, t := range trs {
		ev, ok := parseForwarded(t)
		if !ok || !s.isTracked(t.AttemptID) {
			continue
		}
		s.fleet.mu.Lock()
		_, done := s.fleet.merged[t.ID]
		s.fleet.merged[t.ID] = t.At
		s.fleet.mu.Unlock()
		if !done {
			s.mergeCallback(ev)
		}
	}
}

// parseForwarded reads back a callback recorded by forwardCallback.
func parseForwarded(t record.Transition) (restcomm.CallbackEvent, bool) {
	rest, ok := strings.CutPrefix(t.Detail, forwardedPrefix)
	event, isCallback := strings.CutPrefix(t.Status, "callback:")
	if !ok || !isCallback {
		return restcomm.CallbackEvent{}, false
	}
	ev := restcomm.CallbackEvent{Event: event}
	for _, f := range strings.Fields(rest) {
		switch k, v, _ := strings.Cut(f, "="); k {
		case "seq":
			n, err := strconv.Atoi(v)
			if err != nil {
				return ev, false
			}
			ev.Sequence = n
		case "sid":
			ev.CallSID = v
		}
	}
	return ev, ev.CallSID != ""
}
