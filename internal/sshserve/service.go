package sshserve

import (
	"sync"

	"github.com/flashcall/flashcall/internal/verify"
	"github.com/flashcall/flashcall/tui"
)

// sessionService is the shared service as one session sees it: it remembers the session's event
// subscriptions and ends them all when the session ends. A console subscribes from a command; when a client
// drops before that command's reply reaches the program, the program is gone and would never unsubscribe,
// leaving the service buffering events for a session that no longer exists.
type sessionService struct {
	tui.Service

	mu     sync.Mutex
	closed bool
	unsubs []func()
}

// Subscribe subscribes on the shared service, or, once the session has ended, returns a closed subscription.
func (s *sessionService) Subscribe() (<-chan verify.Event, func()) {
	events, unsubscribe := s.Service.Subscribe()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		unsubscribe()
		return events, func() {}
	}
	s.unsubs = append(s.unsubs, unsubscribe)
	return events, unsubscribe
}

// Close ends every subscription the session made. The service's unsubscribe functions may be called again
// (by the console's own Close) without harm.
func (s *sessionService) Close() {
	s.mu.Lock()
	s.closed = true
	unsubs := s.unsubs
	s.unsubs = nil
	s.mu.Unlock()
	for _, f := range unsubs {
		f()
	}
}
