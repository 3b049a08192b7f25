package verify

import (
	"net/http"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// CallbackHandler receives Restcomm's status callbacks. Callbacks only speed tracking up: ringing is merged at
// once (it proves the phone rang), and the final state is always fetched with GET, because a callback's
// CallStatus is the event name, not the outcome.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := restcomm.ParseCallback(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		s.HandleCallback(ev)
	})
}

// HandleCallback merges one status-callback event. Duplicates and events older than one already seen for the
// call are ignored.
func (s *Service) HandleCallback(ev restcomm.CallbackEvent) {
	if !s.callback.Accept(ev) {
		return
	}
	s.mu.Lock()
	id, ok := s.bySID[ev.CallSID]
	var a record.Attempt
	if ok {
		a = s.live[id].attempt
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	s.addTransition(s.ctx, a.ID, "callback:"+ev.Event, record.SourceCallback, "")
	switch ev.Event {
	case "ringing":
		c := restcomm.Call{SID: a.CallSID, Status: restcomm.StatusRinging, RawStatus: "ringing"}
		if restcomm.Status(a.Status) == restcomm.StatusQueued || a.Status == "" {
			s.apply(s.ctx, a.ID, &c, record.SourceCallback)
		}
	case "answered", "completed":
		s.pollNow(a.ID)
	}
}
