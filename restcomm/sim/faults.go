package sim

import (
	"maps"
	"net/http"
	"time"
)

// Op names an API operation for fault injection.
type Op string

// The operations faults can target.
const (
	// OpCreate is POST .../Calls.json.
	OpCreate Op = "create"
	// OpGet is GET .../Calls/{sid}.json.
	OpGet Op = "get"
	// OpList is GET .../Calls.json.
	OpList Op = "list"
	// OpModify is POST .../Calls/{sid}.json.
	OpModify Op = "modify"
)

// Faults are the failures the server injects, for reliability tests. To stall chosen requests until a test
// releases them (a create "in flight" at the moment a client is killed), put a Holder in front of the Server.
type Faults struct {
	// Latency delays every request by this much wall-clock time (not simulated time) before it is handled;
	// a request whose context ends first gets no reply.
	Latency time.Duration
	// ErrorRate is, per operation, the probability (0..1) that a request is answered 500 with a plain-text
	// body instead of being handled. Draws come from a generator seeded by Options.Seed.
	ErrorRate map[Op]float64
	// DropAfterCreate is how many of the next successful creates are processed in full (the call exists, is
	// in the call log and rings) and then answered by closing the connection without a reply: the ambiguous
	// outcome a client must not retry.
	DropAfterCreate int
}

// clone copies f so the caller's map cannot change the server's faults behind its lock.
func (f Faults) clone() Faults {
	f.ErrorRate = maps.Clone(f.ErrorRate)
	return f
}

// SetFaults replaces the injected faults. It is safe to call while requests are served.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f.clone()
}

// Faults returns the faults currently injected (DropAfterCreate counts down as creates are dropped).
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.clone()
}

// latency returns the injected per-request delay.
func (s *Server) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.Latency
}

// wait blocks for d of wall-clock time or until the request's context ends; it reports whether to go on.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// injectError draws whether op fails this time. Rates at or below 0 never fail and at or above 1 always do,
// without consuming a draw, so adding a certain fault does not shift the sequence of the uncertain ones.
func (s *Server) injectError(op Op) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := s.faults.ErrorRate[op]
	switch {
	case rate <= 0:
		return false
	case rate >= 1:
		return true
	default:
		return s.faultRNG.Float64() < rate
	}
}

// takeDrop consumes one pending DropAfterCreate; the caller holds s.mu.
func (s *Server) takeDrop() bool {
	if s.faults.DropAfterCreate <= 0 {
		return false
	}
	s.faults.DropAfterCreate--
	return true
}

// dropConnection closes the client's connection without writing a reply. Where the connection cannot be
// hijacked (HTTP/2, a recorder) the handler aborts instead, which net/http turns into a reset stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
