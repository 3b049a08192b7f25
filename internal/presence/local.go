package presence

import (
	"sort"
	"sync"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// eventBuffer is how many events a session may fall behind before the hub drops events for it.
const eventBuffer = 64

// Local is the in-process hub: one per flashcall serve, shared by every SSH session of it.
type Local struct {
	clk clock.Clock

	mu     sync.Mutex
	next   uint64
	seats  map[uint64]*localSeat
	closed bool
}

// NewLocal returns an empty hub on clk (nil: the wall clock).
func NewLocal(clk clock.Clock) *Local {
	if clk == nil {
		clk = clock.Real()
	}
	return &Local{clk: clk, seats: map[uint64]*localSeat{}}
}

// localSeat is one session on a Local hub. Its member fields are guarded by the hub's lock.
type localSeat struct {
	hub    *Local
	m      Member
	events chan Event
	left   bool
}

// Join registers a session of op and tells everyone.
func (h *Local) Join(op record.Operator) Seat {
	now := h.clk.Now()
	h.mu.Lock()
	h.next++
	s := &localSeat{hub: h, events: make(chan Event, eventBuffer),
		m: Member{ID: h.next, Operator: op.Who(), Remote: op.Remote, Since: now, LastInput: now}}
	h.seats[s.m.ID] = s
	h.changedLocked()
	h.mu.Unlock()
	return s
}

// Members returns everyone connected, oldest session first.
func (h *Local) Members() []Member {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.membersLocked()
}

func (h *Local) membersLocked() []Member {
	out := make([]Member, 0, len(h.seats))
	for _, s := range h.seats {
		out = append(out, s.m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// changedLocked sends everyone the members as they are now.
func (h *Local) changedLocked() {
	h.sendLocked(Event{Kind: Changed, Members: h.membersLocked()}, 0)
}

// sendLocked sends ev to every seat but except, dropping it for a seat whose buffer is full.
func (h *Local) sendLocked(ev Event, except uint64) {
	for id, s := range h.seats {
		if id == except {
			continue
		}
		select {
		case s.events <- ev:
		default:
		}
	}
}

// ID is the session's member ID.
func (s *localSeat) ID() uint64 { return s.m.ID }

// Events is the session's event channel, closed by Leave.
func (s *localSeat) Events() <-chan Event { return s.events }

// Members returns everyone connected.
func (s *localSeat) Members() []Member { return s.hub.Members() }

// Touch records a key press now. It tells nobody: the others read idle times when they list members.
func (s *localSeat) Touch() {
	now := s.hub.clk.Now()
	s.hub.mu.Lock()
	s.m.LastInput = now
	s.hub.mu.Unlock()
}

// ReadingBack records the open read-back and tells everyone, when it changed.
func (s *localSeat) ReadingBack(verificationID int64, number string) {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left || (s.m.ReadingBack == verificationID && s.m.Number == number) {
		return
	}
	s.m.ReadingBack, s.m.Number = verificationID, number
	if verificationID == 0 {
		s.m.Number = ""
	}
	h.changedLocked()
}

// Checked tells every other session of c, stamped with who checked and, if unset, when.
func (s *localSeat) Checked(c Check) {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left {
		return
	}
	c.By, c.Operator = s.m.ID, s.m.Operator
	if c.At.IsZero() {
		c.At = h.clk.Now()
	}
	h.sendLocked(Event{Kind: Checked, Check: c}, s.m.ID)
}

// Leave removes the session from the hub, closes its channel and tells the others.
func (s *localSeat) Leave() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left {
		return
	}
	s.left = true
	delete(h.seats, s.m.ID)
	close(s.events)
	h.changedLocked()
}
