package presence

import (
	"context"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

// Source is where the instances of one shared history record their console sessions (both history engines
// have it).
type Source interface {
	// SetPresence replaces instance's sessions with ps, seen at now.
	SetPresence(ctx context.Context, instance string, ps []record.Presence, now time.Time) error
	// Presence returns every instance's sessions seen at or after since.
	Presence(ctx context.Context, since time.Time) ([]record.Presence, error)
}

// ShareEvery is how often a Shared hub writes its sessions and reads the others'; ShareStale how long a
// session not rewritten still counts (an instance gone quiet for that long is gone).
const (
	ShareEvery = 5 * time.Second
	ShareStale = 15 * time.Second
)

// Shared is the hub of one flashcall serve among several on a shared history: its own sessions are a
// Local hub's, and every ShareEvery it writes them to the history and reads the other instances' there, so
// that who is connected, and whose read-back is open, is the same on every instance within that time. (A
// read-back checked on another instance reaches the others through the history's live feed, as a change of
// the verification, not as a "bob checked" line.)
type Shared struct {
	local    *Local
	src      Source
	instance string
	clk      clock.Clock
	log      *slog.Logger

	mu     sync.Mutex
	remote []Member
	seats  map[*sharedSeat]bool
	timer  clock.Timer
	closed bool
}

// NewShared starts sharing local's sessions through src as instance (the process's tracker ID); Close stops.
func NewShared(local *Local, src Source, instance string, clk clock.Clock, log *slog.Logger) *Shared {
	if clk == nil {
		clk = clock.Real()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Shared{local: local, src: src, instance: instance, clk: clk, log: log, seats: map[*sharedSeat]bool{}}
	h.mu.Lock()
	h.timer = clk.AfterFunc(0, h.tick)
	h.mu.Unlock()
	return h
}

// Join registers a session of op on this instance and tells everyone here.
func (h *Shared) Join(op record.Operator) Seat {
	inner := h.local.Join(op)
	s := &sharedSeat{Seat: inner, hub: h, events: make(chan Event, eventBuffer)}
	h.mu.Lock()
	h.seats[s] = true
	h.mu.Unlock()
	go s.forward()
	return s
}

// Members returns everyone connected to any instance, oldest session first.
func (h *Shared) Members() []Member { return h.merge(h.local.Members()) }

// merge adds the other instances' sessions to local ones.
func (h *Shared) merge(local []Member) []Member {
	h.mu.Lock()
	out := append(slices.Clone(local), h.remote...)
	h.mu.Unlock()
	slices.SortStableFunc(out, func(a, b Member) int { return a.Since.Compare(b.Since) })
	return out
}

// Close stops sharing and takes this instance's sessions out of the history.
func (h *Shared) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	if h.timer != nil {
		h.timer.Stop()
	}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), ShareEvery)
	defer cancel()
	if err := h.src.SetPresence(ctx, h.instance, nil, h.clk.Now()); err != nil {
		h.log.Warn("console sessions not taken out of the shared history", "err", err)
	}
}

// tick writes this instance's sessions, reads the others', tells the sessions here when that changed who is
// connected, and arms the next tick.
func (h *Shared) tick() {
	h.Sync(context.Background())
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.timer = h.clk.AfterFunc(ShareEvery, h.tick)
	}
}

// Sync writes this instance's sessions and reads the others' once, now (tick does it every ShareEvery).
func (h *Shared) Sync(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, ShareEvery)
	defer cancel()
	now := h.clk.Now()
	local := h.local.Members()
	ps := make([]record.Presence, len(local))
	for i, m := range local {
		ps[i] = record.Presence{Seat: m.ID, Operator: m.Operator, Remote: m.Remote, Since: m.Since, LastInput: m.LastInput,
			ReadingBack: m.ReadingBack, Number: m.Number}
	}
	if err := h.src.SetPresence(ctx, h.instance, ps, now); err != nil {
		h.log.Warn("console sessions not written to the shared history", "err", err)
	}
	rows, err := h.src.Presence(ctx, now.Add(-ShareStale))
	if err != nil {
		h.log.Warn("other instances' console sessions not read", "err", err)
		return
	}
	var remote []Member
	for _, p := range rows {
		if p.Instance == h.instance {
			continue
		}
		remote = append(remote, Member{ID: remoteID(p.Instance, p.Seat), Operator: p.Operator, Remote: p.Remote,
			Since: p.Since, LastInput: p.LastInput, ReadingBack: p.ReadingBack, Number: p.Number})
	}
	h.mu.Lock()
	changed := !slices.EqualFunc(remote, h.remote, sameMember)
	h.remote = remote
	seats := make([]*sharedSeat, 0, len(h.seats))
	for s := range h.seats {
		seats = append(seats, s)
	}
	h.mu.Unlock()
	if !changed {
		return
	}
	ev := Event{Kind: Changed, Members: h.Members()}
	for _, s := range seats {
		s.send(ev)
	}
}

// sameMember reports whether two members show the same (idle times aside: they change at every write).
func sameMember(a, b Member) bool {
	return a.ID == b.ID && a.Operator == b.Operator && a.ReadingBack == b.ReadingBack && a.Number == b.Number
}

// remoteID gives another instance's session an ID of its own, apart from this instance's (which count up
// from 1): a hash of the instance and its seat, with the top bit set.
func remoteID(instance string, seat uint64) uint64 {
	f := fnv.New64a()
	f.Write([]byte(instance))
	f.Write([]byte{0})
	f.Write([]byte(strconv.FormatUint(seat, 10)))
	return f.Sum64() | 1<<63
}

// sharedSeat is a session on a Shared hub: the local seat, with the other instances' sessions added to what
// it sees.
type sharedSeat struct {
	Seat
	hub    *Shared
	mu     sync.Mutex
	events chan Event
	done   bool
}

// Events returns the session's events: the local hub's, every Changed one with the other instances'
// sessions added, and a Changed event when those change.
func (s *sharedSeat) Events() <-chan Event { return s.events }

// Members returns everyone connected to any instance.
func (s *sharedSeat) Members() []Member { return s.hub.Members() }

// forward passes the local seat's events on until Leave closes it, then closes the session's channel.
func (s *sharedSeat) forward() {
	for ev := range s.Seat.Events() {
		if ev.Kind == Changed {
			ev.Members = s.hub.merge(ev.Members)
		}
		s.send(ev)
	}
	s.hub.mu.Lock()
	delete(s.hub.seats, s)
	s.hub.mu.Unlock()
	s.mu.Lock()
	s.done = true
	close(s.events)
	s.mu.Unlock()
}

// send delivers ev without blocking, dropping it for a session that fell far behind.
func (s *sharedSeat) send(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	select {
	case s.events <- ev:
	default:
	}
}

// The shared hub keeps the Hub contract.
var _ Hub = (*Shared)(nil)
