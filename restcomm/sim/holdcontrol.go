package sim

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// ControlPrefix is the path under which ControlHandler serves.
const ControlPrefix = "/sim/"

// defaultHeldWait and maxHeldWait bound GET /sim/held?min=N.
const (
	defaultHeldWait = 30 * time.Second
	maxHeldWait     = 10 * time.Minute
)

// heldReply is the body of GET /sim/held and POST /sim/hold.
type heldReply struct {
	Holding []Op          `json:"holding"`
	Held    []HeldRequest `json:"held"`
}

// ControlHandler serves the Holder's controls over HTTP, for a test driving a standalone simulator
// (`flashcall sim --hold`). Every request needs the simulator's own Basic credentials, as the API does.
//
//	GET  /sim/held[?min=N[&timeout=30s]]            the operations held and the requests held, oldest first;
//	                                                with min, waits until at least N are held (504 when the
//	                                                timeout, at most 10m, passes first)
//	POST /sim/release?mode=process|drop|no-reply[&id=N]
//	                                                releases request N (default: the oldest) and answers, once
//	                                                the server has dealt with it, with what happened: its
//	                                                status and, for a create, the SIDs of the calls placed
//	                                                (404 when nothing matches)
//	POST /sim/hold?ops=create,list|none             replaces the operations held from now on
//
// Replies are JSON, errors plain text.
func (h *Holder) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ControlPrefix+"held", h.serveHeld)
	mux.HandleFunc("POST "+ControlPrefix+"release", h.serveRelease)
	mux.HandleFunc("POST "+ControlPrefix+"hold", h.serveHold)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.srv.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="Restcomm realm"`)
			writeEmpty(w, http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (h *Holder) serveHeld(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 0
	if v := q.Get("min"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			writeText(w, http.StatusBadRequest, "min must be a whole number of requests, 0 or more.")
			return
		}
	}
	wait := defaultHeldWait
	if v := q.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > maxHeldWait {
			writeText(w, http.StatusBadRequest, "timeout must be a duration such as 30s, at most 10m.")
			return
		}
		wait = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	held, err := h.WaitHeld(ctx, n)
	code := http.StatusOK
	if err != nil {
		if r.Context().Err() != nil {
			return // the caller has gone
		}
		code = http.StatusGatewayTimeout
	}
	writeJSON(w, code, heldReply{Holding: h.Holding(), Held: held})
}

func (h *Holder) serveRelease(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var id uint64
	if v := q.Get("id"); v != "" {
		var err error
		if id, err = strconv.ParseUint(v, 10, 64); err != nil || id == 0 {
			writeText(w, http.StatusBadRequest, "id must be the number of a held request.")
			return
		}
	}
	mode := ReleaseMode(q.Get("mode"))
	switch mode {
	case ReleaseProcess, ReleaseDrop, ReleaseNoReply:
	default:
		writeText(w, http.StatusBadRequest, "mode must be process, drop or no-reply.")
		return
	}
	res, err := h.Release(r.Context(), id, mode)
	switch {
	case errors.Is(err, ErrNotHeld):
		writeText(w, http.StatusNotFound, "No such request is held.")
	case err != nil:
		return // the caller has gone; the request was released all the same
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (h *Holder) serveHold(w http.ResponseWriter, r *http.Request) {
	ops, err := ParseOps(r.URL.Query().Get("ops"))
	if err != nil {
		writeText(w, http.StatusBadRequest, "ops: "+err.Error())
		return
	}
	h.SetHold(ops...)
	writeJSON(w, http.StatusOK, heldReply{Holding: h.Holding(), Held: h.Held()})
}
