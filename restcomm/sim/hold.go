package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// ReleaseMode says what becomes of a request a Holder held.
type ReleaseMode string

// The ways a held request can be released.
const (
	// ReleaseProcess hands the request to the server as if it had just arrived: it is handled and answered
	// (to nobody, if the client has gone meanwhile: a create released so still places its call, as Restcomm
	// places a call whose client died while waiting).
	ReleaseProcess ReleaseMode = "process"
	// ReleaseDrop closes the client's connection without handing the request on: the server never saw it,
	// and a create released so places no call.
	ReleaseDrop ReleaseMode = "drop"
	// ReleaseNoReply hands the request to the server, then closes the client's connection without the reply:
	// the server did what was asked (a create placed its call) and the client never learns the outcome.
	ReleaseNoReply ReleaseMode = "no-reply"
)

// ErrNotHeld is returned by Holder.Release when no held request matches.
var ErrNotHeld = errors.New("sim: no such held request")

// HeldRequest describes one request a Holder is holding.
type HeldRequest struct {
	// ID numbers held requests from 1 in the order they arrived.
	ID uint64 `json:"id"`
	// Op is the API operation the request is for.
	Op Op `json:"op"`
	// Method is the request's HTTP method.
	Method string `json:"method"`
	// Path is the request's URL path.
	Path string `json:"path"`
	// To is the request's To parameter as sent (in the form of a create, the query of a list), empty when
	// absent.
	To string `json:"to,omitempty"`
	// From is the request's From parameter as sent, empty when absent.
	From string `json:"from,omitempty"`
	// Since is the wall-clock time the request was held.
	Since time.Time `json:"since"`
	// ClientGone is true once the client's connection has closed while the request was held.
	ClientGone bool `json:"client_gone"`
}

// Released is what became of a released request.
type Released struct {
	HeldRequest
	// Mode is how it was released.
	Mode ReleaseMode `json:"mode"`
	// Status is the HTTP status the server answered (written to the client with ReleaseProcess, discarded
	// with ReleaseNoReply); 0 when the server wrote nothing or the request was dropped.
	Status int `json:"status,omitempty"`
	// SIDs are the SIDs of the calls a successful create placed.
	SIDs []string `json:"sids,omitempty"`
}

// Holder stands in front of a Server and holds the API requests of chosen operations until a test releases
// them, so it can act at a precise moment: while a create is "in flight", kill the client, then let the
// create be processed (the call exists, its client is dead) or dropped (the create never arrived). Nothing is
// held unless asked: NewHolder with no operations passes every request straight on until SetHold says
// otherwise. Holding is wall-clock: a held request waits however the server's clock is driven.
//
// A held request's body is read in full when it is held, so it can still be processed after its client has
// gone. Requests that are not API requests (or not of a held operation) pass straight to the Server.
// ControlHandler serves the same controls over HTTP for a standalone simulator. Close releases whatever is
// still held (dropping it) and must be called before the HTTP server shuts down, which would otherwise wait
// for the held requests.
type Holder struct {
	srv *Server

	mu      sync.Mutex
	ops     map[Op]bool
	held    []*heldRequest // oldest first
	nextID  uint64
	changed chan struct{} // closed and replaced whenever held changes
	closed  bool
}

// heldRequest is one waiting request; decide receives exactly one decision.
type heldRequest struct {
	info   HeldRequest
	decide chan decision
}

// decision is a release: how, and where to report what happened.
type decision struct {
	mode ReleaseMode
	done chan Released
}

// NewHolder returns a Holder in front of srv that holds the requests of ops (none: it holds nothing yet).
func NewHolder(srv *Server, ops ...Op) *Holder {
	h := &Holder{srv: srv, changed: make(chan struct{})}
	h.SetHold(ops...)
	return h
}

// ParseOps reads a comma-separated list of operations (create, get, list, modify) as --hold takes it;
// "none" or an empty list is no operation.
func ParseOps(list string) ([]Op, error) {
	var out []Op
	for _, part := range strings.Split(list, ",") {
		op := Op(strings.ToLower(strings.TrimSpace(part)))
		switch op {
		case "", "none":
			continue
		case OpCreate, OpGet, OpList, OpModify:
			if !slices.Contains(out, op) {
				out = append(out, op)
			}
		default:
			return nil, fmt.Errorf("unknown operation %q (create, get, list, modify, or none)", part)
		}
	}
	return out, nil
}

// SetHold replaces the operations whose requests are held from now on. Requests already held stay held until
// released.
func (h *Holder) SetHold(ops ...Op) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = map[Op]bool{}
	for _, op := range ops {
		h.ops[op] = true
	}
}

// Holding returns the operations whose requests are held, sorted.
func (h *Holder) Holding() []Op {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.holdingLocked()
}

func (h *Holder) holdingLocked() []Op {
	out := make([]Op, 0, len(h.ops))
	for op := range h.ops {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}

// Held returns the requests held now, oldest first.
func (h *Holder) Held() []HeldRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.heldLocked()
}

func (h *Holder) heldLocked() []HeldRequest {
	out := make([]HeldRequest, 0, len(h.held))
	for _, hr := range h.held {
		out = append(out, hr.info)
	}
	return out
}

// WaitHeld blocks until at least n requests are held, and returns them; when ctx ends first it returns the
// requests held then and ctx's error.
func (h *Holder) WaitHeld(ctx context.Context, n int) ([]HeldRequest, error) {
	for {
		h.mu.Lock()
		if len(h.held) >= n {
			out := h.heldLocked()
			h.mu.Unlock()
			return out, nil
		}
		changed := h.changed
		h.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return h.Held(), ctx.Err()
		}
	}
}

// Release releases the held request with this ID (0: the oldest) in mode, waits until the server has dealt
// with it, and reports what happened. With ReleaseProcess the reply has been flushed to the client's
// connection by the time Release returns. It returns ErrNotHeld when no such request is held; when ctx ends
// before the server is done, the request is released all the same and ctx's error returned.
func (h *Holder) Release(ctx context.Context, id uint64, mode ReleaseMode) (Released, error) {
	switch mode {
	case ReleaseProcess, ReleaseDrop, ReleaseNoReply:
	default:
		return Released{}, fmt.Errorf("sim: unknown release mode %q (process, drop, no-reply)", mode)
	}
	h.mu.Lock()
	i := slices.IndexFunc(h.held, func(hr *heldRequest) bool { return id == 0 || hr.info.ID == id })
	if i < 0 {
		h.mu.Unlock()
		return Released{}, ErrNotHeld
	}
	hr := h.held[i]
	h.held = slices.Delete(h.held, i, i+1)
	h.notifyLocked()
	h.mu.Unlock()
	done := make(chan Released, 1)
	hr.decide <- decision{mode: mode, done: done}
	select {
	case res := <-done:
		return res, nil
	case <-ctx.Done():
		return Released{HeldRequest: hr.info, Mode: mode}, ctx.Err()
	}
}

// Close stops holding and drops every request still held, waiting until their connections are closed.
// Requests arriving afterwards pass straight to the Server. Close is idempotent.
func (h *Holder) Close() {
	h.mu.Lock()
	h.closed = true
	h.ops = map[Op]bool{}
	held := h.held
	h.held = nil
	h.notifyLocked()
	h.mu.Unlock()
	for _, hr := range held {
		done := make(chan Released, 1)
		hr.decide <- decision{mode: ReleaseDrop, done: done}
		<-done
	}
}

// notifyLocked wakes every WaitHeld; the caller holds h.mu.
func (h *Holder) notifyLocked() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// ServeHTTP holds the request if it is an API request of a held operation, else hands it to the Server.
func (h *Holder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := opOf(r)
	h.mu.Lock()
	hold := ok && !h.closed && h.ops[op]
	h.mu.Unlock()
	if !hold {
		h.srv.ServeHTTP(w, r)
		return
	}
	info := HeldRequest{Op: op, Method: r.Method, Path: r.URL.Path, Since: time.Now()}
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		// Read the whole body now: once the client has gone it can no longer be read, and a held create must
		// still be processable then. A body that cannot be read is refused as the server itself refuses it.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxForm))
		if err != nil {
			writeText(w, http.StatusBadRequest, "The request body could not be read.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		params, _ = url.ParseQuery(string(body))
	}
	info.To, info.From = params.Get("To"), params.Get("From")

	hr := &heldRequest{decide: make(chan decision, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		h.srv.ServeHTTP(w, r)
		return
	}
	h.nextID++
	info.ID = h.nextID
	hr.info = info
	h.held = append(h.held, hr)
	h.notifyLocked()
	h.mu.Unlock()
	h.srv.log.Info("sim: holding request", "id", info.ID, "op", string(op), "to", lastDigits(userPart(info.To), 3))

	gone := r.Context().Done()
	var d decision
	for waiting := true; waiting; {
		select {
		case d = <-hr.decide:
			waiting = false
		case <-gone:
			gone = nil
			h.mu.Lock()
			hr.info.ClientGone = true
			if i := slices.Index(h.held, hr); i >= 0 {
				h.notifyLocked()
			}
			h.mu.Unlock()
		}
	}
	h.mu.Lock()
	res := Released{HeldRequest: hr.info, Mode: d.mode}
	h.mu.Unlock()
	// Report even if the server's handler aborts the connection by panicking (http.ErrAbortHandler).
	defer func() { d.done <- res }()
	h.srv.log.Info("sim: releasing held request", "id", info.ID, "op", string(op), "mode", string(d.mode),
		"client_gone", res.ClientGone)
	// The server handles a released request whether or not its client is still there, as Restcomm does.
	fwd := r.WithContext(context.WithoutCancel(r.Context()))
	switch d.mode {
	case ReleaseProcess:
		tw := &teeWriter{ResponseWriter: w}
		h.srv.ServeHTTP(tw, fwd)
		res.Status, res.SIDs = tw.status, replySIDs(op, tw.status, tw.body.Bytes())
		if tw.status != 0 && !tw.hijacked {
			_ = http.NewResponseController(w).Flush() // the reply is on the wire when Release returns
		}
	case ReleaseNoReply:
		dw := &discardWriter{header: http.Header{}}
		h.srv.ServeHTTP(dw, fwd)
		res.Status, res.SIDs = dw.status, replySIDs(op, dw.status, dw.body.Bytes())
		dropConnection(w)
	default:
		dropConnection(w)
	}
}

// opOf classifies an API request as the Server routes it (any account: the Server judges that on release).
func opOf(r *http.Request) (Op, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 2 && parts[1] == "Calls.json":
		switch r.Method {
		case http.MethodGet:
			return OpList, true
		case http.MethodPost:
			return OpCreate, true
		}
	case len(parts) == 3 && parts[1] == "Calls" && strings.HasSuffix(parts[2], ".json"):
		switch r.Method {
		case http.MethodGet:
			return OpGet, true
		case http.MethodPost:
			return OpModify, true
		}
	}
	return "", false
}

// maxTee bounds how much of a reply a Holder keeps to read SIDs from.
const maxTee = 64 << 10

// replySIDs reads the call SIDs from a successful create reply (one call object or an array of them).
func replySIDs(op Op, status int, body []byte) []string {
	if op != OpCreate || status != http.StatusOK {
		return nil
	}
	type sidOnly struct {
		SID string `json:"sid"`
	}
	var one sidOnly
	if err := json.Unmarshal(body, &one); err == nil && one.SID != "" {
		return []string{one.SID}
	}
	var many []sidOnly
	if err := json.Unmarshal(body, &many); err != nil {
		return nil
	}
	var out []string
	for _, c := range many {
		if c.SID != "" {
			out = append(out, c.SID)
		}
	}
	return out
}

// teeWriter passes a reply through and keeps its status and the start of its body.
type teeWriter struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

// WriteHeader implements http.ResponseWriter.
func (t *teeWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (t *teeWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	if room := maxTee - t.body.Len(); room > 0 {
		t.body.Write(p[:min(len(p), room)])
	}
	return t.ResponseWriter.Write(p)
}

// Hijack lets the server's own connection drop (Faults.DropAfterCreate) through, and notes it.
func (t *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(t.ResponseWriter).Hijack()
	if err == nil {
		t.hijacked = true
	}
	return conn, rw, err
}

// Unwrap gives http.ResponseController the client's writer.
func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// discardWriter takes a reply nobody will read, keeping its status and the start of its body.
type discardWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header implements http.ResponseWriter.
func (d *discardWriter) Header() http.Header { return d.header }

// WriteHeader implements http.ResponseWriter.
func (d *discardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}

// Write implements http.ResponseWriter.
func (d *discardWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	if room := maxTee - d.body.Len(); room > 0 {
		d.body.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
