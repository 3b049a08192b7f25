// Package sim is a Restcomm-compatible Voice API server: an http.Handler that answers the Calls API exactly as
// a real Restcomm Connect server writes it (see shared/docs/restcomm.md), with a call lifecycle driven by an
// injectable clock. It is flashcall's embedded default backend, the demo backend and the test double for
// everything that talks to Restcomm.
//
// The outcome of every call is chosen by the last digit of the number dialled (see Describe), so tests and demos
// can pick what happens. The simulator never imports the restcomm client: it produces the wire format on its own,
// so the client's tests against it are a real check of both.
package sim

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

// DefaultAccountSID is the account SID the simulator accepts when Options.AccountSID is empty.
const DefaultAccountSID = "ACae6e420f425248d6a26948c17a9e2acf"

// DefaultAuthToken is the auth token the simulator accepts when Options.AuthToken is empty. It is a public,
// well-known value: the simulator dials nobody, so its token protects nothing.
const DefaultAuthToken = "77f8c12cc7b8f8423e5c38b035249166"

// defaultFetchTimeout is the client timeout Restcomm uses for RCML fetches and status callbacks.
const defaultFetchTimeout = 6 * time.Second

// Options configure a Server. Every zero value has a usable default.
type Options struct {
	// AccountSID is the only account the server knows (default DefaultAccountSID).
	AccountSID string
	// AuthToken is the password Basic auth must carry (default DefaultAuthToken).
	AuthToken string
	// Clock drives the call lifecycle (default the wall clock). With a *clock.Fake every timer, RCML fetch
	// included, runs synchronously inside Advance.
	Clock clock.Clock
	// Speed divides every simulated delay, the ring Timeout included: 10 makes a 60 s ring last 6 s.
	// Zero or negative means 1.
	Speed float64
	// HTTPClient fetches RCML documents and sends status callbacks (default: a client with a 6 s timeout).
	HTTPClient *http.Client
	// Logger receives one line per notable event (default: discard). The auth token is never logged.
	Logger *slog.Logger
	// Faults are the faults injected from the start; SetFaults changes them at run time.
	Faults Faults
	// Seed seeds the generators for call SIDs and for fault draws, so a run is repeatable. A long-lived
	// standalone simulator whose calls outlive it (in a history database) should pass a time-based seed so
	// SIDs differ between runs.
	Seed int64
	// Version is the Restcomm release to imitate (default DefaultVersion, "8.4"): "8.2" (LegacyVersion) ends
	// calls as servers before 8.4 did, any 8.4 or later release ("8.8", "9") as current servers do. Check it
	// with CheckVersion first: New treats a value CheckVersion refuses as DefaultVersion, and logs so.
	Version string
	// Location is the server's time zone, in which every date it writes is expressed (default UTC). Load it
	// with time.LoadLocation: a status callback's Timestamp carries the location's name (Europe/Madrid).
	Location *time.Location
}

// Server is the simulated Restcomm server. It is safe for concurrent use. Create it with New and release its
// timers with Close.
type Server struct {
	accountSID string
	authToken  string
	clk        clock.Clock
	speed      float64
	client     *http.Client
	log        *slog.Logger
	instanceID string
	version    string         // the release imitated, as given (DefaultVersion when none was)
	legacy     bool           // imitate LegacyVersion: NO_ANSWER, CANCELED and NOT_FOUND endings
	loc        *time.Location // the server's time zone

	// ctx is cancelled by Close so in-flight RCML fetches and callbacks give up.
	ctx    context.Context
	cancel context.CancelFunc
	// wg counts callback deliveries and timer callbacks in progress, so Close can wait for them.
	wg sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	calls    map[string]*call
	order    []*call // every call ever created, oldest first
	faults   Faults
	sidRNG   *rand.Rand
	faultRNG *rand.Rand
}

// LoggedCall is one entry of the server's call log: a call that was really placed.
type LoggedCall struct {
	// SID is the call SID the create reply carried.
	SID string
	// From and To are as stored on the call (the user part of the addresses given).
	From, To string
	// Created is the clock's time when the call was created.
	Created time.Time
	// Status is the call's current status, spelt as the wire writes it: QUEUED, RINGING, in-progress,
	// completed, canceled, BUSY, FAILED, and with Version 8.2 also NO_ANSWER, CANCELED and NOT_FOUND.
	Status string
}

// New returns a server configured by o.
func New(o Options) *Server {
	s := &Server{
		accountSID: o.AccountSID,
		authToken:  o.AuthToken,
		clk:        o.Clock,
		speed:      o.Speed,
		client:     o.HTTPClient,
		log:        o.Logger,
		calls:      make(map[string]*call),
		faults:     o.Faults.clone(),
		version:    strings.TrimSpace(o.Version),
		loc:        o.Location,
	}
	if s.accountSID == "" {
		s.accountSID = DefaultAccountSID
	}
	if s.authToken == "" {
		s.authToken = DefaultAuthToken
	}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.speed <= 0 {
		s.speed = 1
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: defaultFetchTimeout}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	legacy, err := parseVersion(s.version)
	if err != nil || s.version == "" {
		if err != nil {
			s.log.Warn("sim: unknown Restcomm version, imitating the default", "error", err.Error(),
				"default", DefaultVersion)
		}
		s.version = DefaultVersion
	}
	s.legacy = legacy
	seed := uint64(o.Seed)
	s.sidRNG = rand.New(rand.NewPCG(seed, 0x5349445f534f5552)) // two independent streams from one seed
	s.faultRNG = rand.New(rand.NewPCG(seed, 0x4641554c54535f5f))
	s.instanceID = "ID" + s.hex32()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// AccountSID returns the account SID the server accepts.
func (s *Server) AccountSID() string { return s.accountSID }

// AuthToken returns the auth token the server accepts.
func (s *Server) AuthToken() string { return s.authToken }

// Version returns the Restcomm release the server imitates.
func (s *Server) Version() string { return s.version }

// Location returns the server's time zone, the one its dates are written in.
func (s *Server) Location() *time.Location { return s.loc }

// InstanceID returns the server's instance ID: the InstanceId of every call and the prefix of every call SID.
func (s *Server) InstanceID() string { return s.instanceID }

// CallLog returns every call ever created, oldest first, with its current status.
func (s *Server) CallLog() []LoggedCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LoggedCall, 0, len(s.order))
	for _, c := range s.order {
		out = append(out, LoggedCall{SID: c.sid, From: c.from, To: c.to, Created: c.created, Status: c.status})
	}
	return out
}

// Close stops every call timer, abandons in-flight RCML fetches and status callbacks, and waits for them to
// return. Requests made after Close are answered 503. Close is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for _, c := range s.order {
		c.stopTimer()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// hex32 draws 32 lower-case hex digits from the SID generator. Callers other than New hold s.mu.
func (s *Server) hex32() string {
	return fmt.Sprintf("%016x%016x", s.sidRNG.Uint64(), s.sidRNG.Uint64())
}

// scale turns a simulated delay into clock time according to the speed factor.
func (s *Server) scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.speed)
}
