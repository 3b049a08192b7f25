package verify

import (
	"errors"
	"net/http"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
)

// CallbackPattern is the http.ServeMux pattern CallbackHandler is mounted on, under the path of
// Settings.StatusCallbackURL: the call's own token is the last path element.
const CallbackPattern = "/status/{token}"

// CallbackHandler receives Restcomm's status callbacks at each call's own address (CallbackPattern). Restcomm
// signs nothing, so a callback is believed only when it comes to the address given to that call alone (an
// unguessable token in the path), names that call's CallSid and the account, and the call is still up;
// anything else is answered 404 and forgotten at once, so forged requests cost neither memory nor rows.
// Callbacks only speed tracking up: ringing is merged at once (it proves the phone rang), and the final state
// is always fetched with GET, because a callback's CallStatus is the event name, not the outcome.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		if !rcml.WellFormedToken(token) {
			http.NotFound(w, r)
			return
		}
		ev, err := restcomm.ParseCallback(r)
		if err != nil {
			http.Error(w, "bad status callback", http.StatusBadRequest)
			return
		}
		a, err := s.st.LiveAttemptByRCMLToken(r.Context(), rcmlTokenHash(token))
		switch {
		case errors.Is(err, store.ErrNotFound):
			http.NotFound(w, r)
			return
		case err != nil:
			s.log.Error("status callback: history unreadable; polling carries on", "err", err)
			http.Error(w, "history unavailable", http.StatusServiceUnavailable)
			return
		case ev.AccountSID != s.set.AccountSID || (a.CallSID != "" && ev.CallSID != a.CallSID):
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		switch {
		case a.CallSID == "":
		case !s.set.Shared || s.isTracked(a.ID):
			s.HandleCallback(ev)
		default:
			// Another process follows this call: it merges the callback from the history (feed.go).
			s.forwardCallback(*a, ev)
		}
	})
}

// HandleCallback merges one status-callback event for a call this process tracks. Duplicates and events older
// than one already seen for the call are ignored; as SequenceNumber runs 0 to 3, at most four are merged.
func (s *Service) HandleCallback(ev restcomm.CallbackEvent) {
	if a, ok := s.acceptCallback(ev); ok {
		s.addTransition(s.ctx, a.ID, "callback:"+ev.Event, record.SourceCallback, "")
		s.applyCallback(a, ev)
	}
}

// mergeCallback merges a callback another process received and recorded for a call this one follows.
func (s *Service) mergeCallback(ev restcomm.CallbackEvent) {
	if a, ok := s.acceptCallback(ev); ok {
		s.applyCallback(a, ev)
	}
}

// acceptCallback returns the tracked attempt of a callback's call, and whether the callback is news.
func (s *Service) acceptCallback(ev restcomm.CallbackEvent) (record.Attempt, bool) {
	s.mu.Lock()
	id, ok := s.bySID[ev.CallSID]
	var a record.Attempt
	if ok {
		a = s.live[id].attempt
	}
	s.mu.Unlock()
	return a, ok && s.callback.Accept(ev)
}

// applyCallback merges an accepted callback into its call's tracking.
func (s *Service) applyCallback(a record.Attempt, ev restcomm.CallbackEvent) {
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
