// Package verify runs the flash-call flow that every screen and the headless command share: number intake,
// caller-ID choice, the write-ahead attempt row, call creation, one tracker for every live call, read-back
// checks, expiry, and reconciliation after a crash. One Service serves every operator session.
package verify

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/restcomm"
)

// Caller is the part of *restcomm.Client the flow uses. Tests and the simulator wiring pass the real client.
type Caller interface {
	// CreateCall places a call; it is never retried.
	CreateCall(ctx context.Context, p restcomm.CallParams) ([]restcomm.Call, error)
	// GetCall fetches one call.
	GetCall(ctx context.Context, sid string) (*restcomm.Call, error)
	// ListCalls pages through calls matching f.
	ListCalls(ctx context.Context, f restcomm.ListFilter) iter.Seq2[restcomm.Call, error]
	// CancelCall ends a queued or ringing call.
	CancelCall(ctx context.Context, sid string) (*restcomm.Call, error)
	// HangUpCall ends a call in any state.
	HangUpCall(ctx context.Context, sid string) (*restcomm.Call, error)
}

// Deps are what a Service is built from.
type Deps struct {
	// Calls talks to Restcomm or the simulator.
	Calls Caller
	// Store keeps the history.
	Store Store
	// Clock drives polling and expiry; nil means the wall clock.
	Clock clock.Clock
	// Settings are the flow's settings.
	Settings Settings
	// Info describes the backend for the header.
	Info Info
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// RequestTimeout bounds each Restcomm request; zero means 10 s.
	RequestTimeout time.Duration
}

// Service is the flash-call flow. It is safe for concurrent use by many sessions.
type Service struct {
	alarms   atomic.Pointer[AlarmWatch] // the alarm watch, once WatchAlarms started one
	searches searchLog                  // history searches by digits audited lately
	calls    Caller
	st       Store
	me       store.Tracker // this process, as the tracker of the calls it follows
	started  time.Time     // the clock's first reading; history stamped after "now" counts as made then (policy.Request)
	clk      clock.Clock
	set      Settings
	info     Info
	log      *slog.Logger
	reqTO    time.Duration
	ctx      context.Context
	cancel   context.CancelFunc
	callback restcomm.CallbackOrder

	// listMu keeps list requests serial: concurrent listings mix up each other's paging.
	listMu sync.Mutex

	// applyMu serialises state merges (poll, callback, hang-up, reconciliation) from memory through to the
	// database, so two sources racing on one call cannot store an older state over a newer one.
	applyMu sync.Mutex

	pool *callerid.Selector

	fleet *fleet // the other processes sharing the history: the feed of their changes, the lease (feed.go)

	mu               sync.Mutex
	live             map[int64]*tracked  // attempt ID -> live (or unknown-outcome) attempt
	ended            map[int64]time.Time // own calls that ended lately: the feed leaves their changes to this process
	bySID            map[string]int64    // call SID -> attempt ID
	dialling         map[string]bool     // E.164 numbers with a create in flight
	expiries         map[int64]clock.Timer
	subs             map[int]chan Event
	nextSub          int
	sched            schedule                 // every live call's due time (schedule.go)
	jobs             chan func()              // the poll workers' queue, made on first use (pollpool.go)
	renewTimer       clock.Timer              // renews this process's claims on the calls it follows
	renewedFollowing bool                     // the last renewal had calls to renew
	unsaved          map[int64]unsavedAttempt // final states the history refused, written again (unsaved.go)
	unsettled        map[int64]bool           // verifications whose settling the history refused
	authHold         time.Time                // no polling before this after a 401
	purge            clock.Timer              // the next daily retention purge
	closed           bool
	wg               sync.WaitGroup
}

// tracked is the tracker's view of one live attempt.
type tracked struct {
	attempt record.Attempt
	sentAt  time.Time // when the create was sent, for ListCalls look-ups
	// answeredAt is when the tracker first saw the call answered (zero until then): an answered call's
	// record can stay in-progress for ever after a hang-up, so its tracking is bounded from here.
	answeredAt time.Time
	// lastFetch is when the last GET of the call (or the list page that showed it) was sent.
	lastFetch time.Time
	// inFlight is true while a worker fetches the call.
	inFlight bool
}

// New builds a Service. Call Start before use and Close when done.
func New(d Deps) (*Service, error) {
	if d.Calls == nil || d.Store == nil {
		return nil, errors.New("verify: Calls and Store are required")
	}
	s := d.Settings
	pool := s.CallerIDs
	if pool == nil {
		def, err := callerid.Parse(s.From)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		pool = callerid.NewSelector(def, nil)
	}
	if pool.Default().Size() == 0 {
		return nil, errors.New("verify: the From pool is empty: set call.from")
	}
	if s.CodeDigits <= 0 {
		s.CodeDigits = 4
	}
	if s.PollInterval <= 0 {
		s.PollInterval = time.Second
	}
	if s.LookupWindow <= 0 {
		s.LookupWindow = LookupWindow
	}
	if s.MaxChecks <= 0 {
		s.MaxChecks = 3
	}
	if s.Expiry <= 0 {
		s.Expiry = 5 * time.Minute
	}
	if s.RCMLMethod == "" {
		s.RCMLMethod = "GET"
	}
	if s.Policy == nil {
		s.Policy = policy.Default()
	}
	clk := d.Clock
	if clk == nil {
		clk = clock.Real()
	}
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reqTO := d.RequestTimeout
	if reqTO <= 0 {
		reqTO = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	info := d.Info
	info.PoolSize = pool.Default().Size()
	info.GuessOdds = callerid.FormatOdds(pool.WorstGuessProbability(s.MaxChecks, s.CodeDigits))
	info.Timeout = s.Timeout
	info.CodeDigits = s.CodeDigits
	info.MaxChecks = s.MaxChecks
	info.Expiry = s.Expiry
	return &Service{
		calls: d.Calls, st: d.Store, clk: clk, set: s, info: info, log: log, reqTO: reqTO,
		ctx: ctx, cancel: cancel, pool: pool, started: clk.Now(), me: newTracker(),
		live: map[int64]*tracked{}, ended: map[int64]time.Time{}, bySID: map[string]int64{}, dialling: map[string]bool{},
		expiries: map[int64]clock.Timer{}, subs: map[int]chan Event{}, fleet: newFleet(),
	}, nil
}

// Info describes the backend and call settings for the header.
func (s *Service) Info() Info { return s.info }

// LookupWindow is how long the tracker looks for the call of a create of unknown outcome before it ends the
// attempt as unknown: Settings.LookupWindow, or the default LookupWindow.
func (s *Service) LookupWindow() time.Duration { return s.set.LookupWindow }

// Close stops polling and expiry timers. Live attempts stay recorded as live, so the next start reconciles them.
func (s *Service) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.sched.timer != nil {
		s.sched.timer.Stop()
	}
	if s.purge != nil {
		s.purge.Stop()
	}
	if s.renewTimer != nil {
		s.renewTimer.Stop()
	}
	for _, t := range s.expiries {
		t.Stop()
	}
	s.fleet.stop()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.releaseAll()
}

// Subscribe returns a channel of events and a function that ends the subscription. Events are dropped for a
// subscriber that falls more than 128 behind; the screen reloads history on its next refresh.
func (s *Service) Subscribe() (<-chan Event, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An Event is about 0.5 KB: 128 of them bound what one slow session can hold while staying far above a
	// screen's real backlog.
	ch := make(chan Event, 128)
	if s.closed {
		close(ch)
		return ch, func() {}
	}
	id := s.nextSub
	s.nextSub++
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
	}
}

// publish sends ev to every subscriber without blocking.
func (s *Service) publish(ev Event) {
	if ev.At.IsZero() {
		ev.At = s.clk.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set.Shared {
		s.fleet.sawEvent(ev) // so the feed does not publish it again
	}
	for _, ch := range s.subs {
		select {
		case ch <- ev:
		default:
			s.log.Warn("event dropped for a slow subscriber")
		}
	}
}

// notice publishes a status-bar message.
func (s *Service) notice(msg string, isErr bool) {
	s.publish(Event{Kind: EventNotice, Notice: msg, Err: isErr})
}

// reqCtx bounds one Restcomm request.
func (s *Service) reqCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.reqTO)
}

// HostOf returns the host of a base URL, for the header.
func HostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return base
	}
	return u.Host
}
