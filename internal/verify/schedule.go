package verify

import (
	"container/heap"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

// The tracker gives every live call a due time of its own, on a fixed rate from when its create was sent
// (sent + k × poll interval), kept in a min-heap. One clock timer, armed at the earliest due time, hands the
// calls then due to the poll workers (pollpool.go). Never more than one GET per call per poll interval: a call
// whose last fetch was sent less than an interval ago waits until an interval has passed.
//
// When more calls are live than the workers (at the latency measured) or the request cap allow to GET one by
// one within an interval, the tracker falls back to one page of Restcomm's call list per interval for the
// whole set, as `twilio watch` does; a call the page does not show is still fetched by its own GET when due.
// List requests are serial: Restcomm mixes up the paging of concurrent listings (shared/docs/restcomm.md).

const (
	// capacityShare is the share of the measured GET capacity the tracker plans to use before it falls back to
	// the call list: room for retries, creates and look-ups.
	capacityShare = 0.8
	// defaultLatency is the GET round trip assumed until one was measured.
	defaultLatency = 50 * time.Millisecond
	// latencyWeight is the weight of each new GET round trip in the moving average.
	latencyWeight = 0.2
	// listPageMax is the largest list page asked for.
	listPageMax = 1000
	// listMargin is how many more calls than are live a list page asks for: calls placed by others meanwhile.
	listMargin = 50
)

// dueItem is one live call's place in the schedule.
type dueItem struct {
	id    int64
	due   time.Time
	index int
}

// dueHeap orders calls by due time.
type dueHeap []*dueItem

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *dueHeap) Push(x any) {
	it := x.(*dueItem)
	it.index = len(*h)
	*h = append(*h, it)
}
func (h *dueHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	it.index = -1
	return it
}

// schedule is the tracker's plan; every field is guarded by Service.mu.
type schedule struct {
	heap    dueHeap
	items   map[int64]*dueItem // attempt ID -> its place; stays until popped after the attempt left the live set
	timer   clock.Timer
	timerAt time.Time
	// latency is the moving average of GET round trips (wall clock: it measures the network, not the flow).
	latency time.Duration
	// listMode is on while the live calls are followed through the call list.
	listMode bool
	listDue  time.Time // when the next list page is due
	listing  bool      // a list page is in flight
}

// nextSlot is the first time after now on the fixed rate of interval that passes through due.
func nextSlot(due, now time.Time, interval time.Duration) time.Time {
	if due.After(now) {
		return due
	}
	k := now.Sub(due)/interval + 1
	return due.Add(k * interval)
}

// setDueLocked puts attempt id in the schedule at due, or moves it there.
func (s *Service) setDueLocked(id int64, due time.Time) {
	sc := &s.sched
	if sc.items == nil {
		sc.items = map[int64]*dueItem{}
	}
	if it, ok := sc.items[id]; ok && it.index >= 0 {
		it.due = due
		heap.Fix(&sc.heap, it.index)
	} else {
		it = &dueItem{id: id, due: due}
		sc.items[id] = it
		heap.Push(&sc.heap, it)
	}
	s.armLocked()
}

// tickSlack is how close together due times are served by one timer: calls due within it of each other go
// out together, so a thousand calls spread over a second cost tens of timers, not a thousand.
func (s *Service) tickSlack() time.Duration { return s.set.PollInterval / 50 }

// armLocked arms the schedule's timer at its next due time (a list page's or the earliest call's), unless it
// is armed at or before that already.
func (s *Service) armLocked() {
	sc := &s.sched
	if s.closed {
		return
	}
	var next time.Time
	if sc.heap.Len() > 0 {
		next = sc.heap[0].due
	}
	if sc.listMode && !sc.listing && (next.IsZero() || sc.listDue.Before(next)) {
		next = sc.listDue
	}
	if next.IsZero() {
		return
	}
	if sc.timer != nil {
		if !sc.timerAt.After(next.Add(s.tickSlack())) {
			return
		}
		sc.timer.Stop()
	}
	now := s.clk.Now()
	d := max(next.Sub(now), s.tickSlack()) // what falls due meanwhile goes out with it
	sc.timerAt = now.Add(d)
	sc.timer = s.clk.AfterFunc(d, s.tick)
}

// capacityLocked is how many live calls the workers can GET one by one within a poll interval, given the
// measured latency and the request cap.
func (s *Service) capacityLocked() float64 {
	lat := s.sched.latency
	if lat <= 0 {
		lat = defaultLatency
	}
	perSecond := float64(s.workers()) / lat.Seconds()
	if cap := s.set.MaxRequestsPerSecond; cap > 0 && cap < perSecond {
		perSecond = cap
	}
	return perSecond * s.set.PollInterval.Seconds() * capacityShare
}

// updateModeLocked switches between per-call GETs and the call list, with a margin either way so that the
// mode does not flap around the threshold.
func (s *Service) updateModeLocked(now time.Time) {
	sc := &s.sched
	live, capacity := float64(len(s.live)), s.capacityLocked()
	switch {
	case !sc.listMode && live > capacity:
		sc.listMode = true
		sc.listDue = now
		s.log.Info("tracking through the call list", "live", len(s.live), "capacity", int(capacity))
	case sc.listMode && live < capacity/2:
		sc.listMode = false
		s.log.Info("tracking by one GET per call", "live", len(s.live), "capacity", int(capacity))
	}
}

// noteLatencyLocked folds one GET round trip into the moving average.
func (s *Service) noteLatencyLocked(d time.Duration) {
	if s.sched.latency <= 0 {
		s.sched.latency = d
		return
	}
	s.sched.latency = time.Duration(float64(s.sched.latency)*(1-latencyWeight) + float64(d)*latencyWeight)
}

// takeDueLocked takes the calls due at now out of the schedule, gives each its next due time, and returns the
// ones to fetch now. It also reports whether a list page is due.
func (s *Service) takeDueLocked(now time.Time) (fetch []tracked, list bool) {
	sc := &s.sched
	iv := s.set.PollInterval
	held := now.Before(s.authHold)
	s.updateModeLocked(now)
	for sc.heap.Len() > 0 && !sc.heap[0].due.After(now) {
		it := sc.heap[0]
		t, ok := s.live[it.id]
		if !ok {
			heap.Pop(&sc.heap)
			delete(sc.items, it.id)
			continue
		}
		switch {
		case held:
			it.due = nextSlot(it.due, now, iv)
		case t.inFlight:
			it.due = now.Add(iv / 4) // its fetch is still out: look again shortly
		case !t.lastFetch.IsZero() && now.Sub(t.lastFetch) < iv:
			it.due = t.lastFetch.Add(iv) // never two fetches of one call within an interval
		case sc.listMode && (sc.listing || !sc.listDue.After(now)):
			it.due = now.Add(iv / 4) // the page in flight or due now should show it
		default:
			t.inFlight = true
			fetch = append(fetch, *t)
			it.due = nextSlot(it.due, now, iv)
		}
		heap.Fix(&sc.heap, it.index)
	}
	if sc.listMode && !sc.listing && !held && !sc.listDue.After(now) {
		sc.listing = true
		list = true
		sc.listDue = nextSlot(sc.listDue, now, iv)
	}
	return fetch, list
}
