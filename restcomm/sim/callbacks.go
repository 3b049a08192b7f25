package sim

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// eventKind is a status callback event; its value is the event's fixed SequenceNumber.
type eventKind int

// The four call-progress events Restcomm reports. Each keeps its own SequenceNumber whether or not the events
// before it were sent, so completed is always 3 and a receiver ordering by SequenceNumber always sees it last.
//
// Restcomm sends all four events whatever StatusCallbackEvent asks for, each as it happens: initiated at the
// create, ringing only when the phone rang, answered only when it was answered, completed when the call
// ended. A busy or rung-out call reports 0, 1, 3; a failed one 0, 3; a call that stays queued only 0.
// CallStatus is the event name, never the call's outcome (a busy call still reports "completed"): the
// outcome comes from GET.
const (
	eventInitiated eventKind = iota
	eventRinging
	eventAnswered
	eventCompleted
)

// name is the event's CallStatus value.
func (e eventKind) name() string {
	switch e {
	case eventInitiated:
		return "initiated"
	case eventRinging:
		return "ringing"
	case eventAnswered:
		return "answered"
	default:
		return "completed"
	}
}

// callbackEvent is one status callback waiting to be delivered.
type callbackEvent struct {
	target fetchTarget
	form   params
}

// emit queues the status callback for ev, if the call asked for callbacks, and makes sure a sender drains the
// call's queue. Events of one call are delivered one at a time in the order they happened; the HTTP is done
// by a goroutine that holds no lock. The caller holds s.mu.
func (s *Server) emit(c *call, ev eventKind) {
	if c.statusCallback == "" {
		return
	}
	form := params{
		{name: "CallSid", value: c.sid},
		{name: "AccountSid", value: s.accountSID},
		{name: "From", value: c.from},
		{name: "To", value: c.to},
		{name: "Direction", value: "outbound-api"},
		{name: "CallerName", value: c.from},
		{name: "ForwardedFrom", bare: true}, // the simulator's calls are never forwarded
		{name: "CallStatus", value: ev.name()},
		{name: "SequenceNumber", value: strconv.Itoa(int(ev))},
		{name: "Timestamp", value: s.fmtStamp(s.clk.Now())},
		{name: "CallbackSource", value: "call-progress-events"},
		{name: "InstanceId", value: s.instanceID},
	}
	if ev == eventCompleted {
		// Creation to end for a canceled call, talk time for a completed one; 0 when the record has none.
		form = append(form, param{name: "CallDuration", value: strconv.Itoa(derefOr(c.duration, 0))})
	}
	c.cbQueue = append(c.cbQueue, callbackEvent{
		target: fetchTarget{url: c.statusCallback, method: c.statusCallbackMethod},
		form:   form,
	})
	if c.cbSending || s.closed {
		return
	}
	c.cbSending = true
	s.wg.Add(1)
	go s.deliverCallbacks(c)
}

// deliverCallbacks sends the call's queued callbacks until the queue is empty.
func (s *Server) deliverCallbacks(c *call) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if len(c.cbQueue) == 0 || s.closed {
			c.cbSending = false
			c.cbQueue = nil
			s.mu.Unlock()
			return
		}
		ev := c.cbQueue[0]
		c.cbQueue = c.cbQueue[1:]
		sid := c.sid
		s.mu.Unlock()
		s.sendCallback(sid, ev)
	}
}

// sendCallback makes one callback request. Restcomm does not retry callbacks and ignores the reply.
func (s *Server) sendCallback(sid string, ev callbackEvent) {
	req, err := ev.target.request(s, ev.form)
	if err != nil {
		s.log.Warn("sim: status callback not sent", "sid", sid, "event", ev.form.get("CallStatus"), "error", err.Error())
		return
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.log.Warn("sim: status callback failed", "sid", sid, "event", ev.form.get("CallStatus"), "error", err.Error())
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	s.log.Debug("sim: status callback sent", "sid", sid, "event", ev.form.get("CallStatus"), "code", resp.StatusCode)
}

// fetchTarget is a URL Restcomm calls with its parameters, and the method to use.
type fetchTarget struct {
	url    string
	method string // "GET" or "POST"
}

// request builds the request for t carrying ps: for GET in the query, which REPLACES the URL's own query
// string and any user:password in it (as Restcomm builds the URI); for POST as a form body. It is bound to
// the server's lifetime.
func (t fetchTarget) request(s *Server, ps params) (*http.Request, error) {
	u, err := url.Parse(t.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL itself stays out of the message: it may carry a password.
		return nil, errors.New("not an absolute http(s) URL")
	}
	if t.method == http.MethodGet {
		u.User = nil
		u.RawQuery = ps.encode()
		u.ForceQuery = false
		req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", userAgent)
		return req, nil
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, u.String(), strings.NewReader(ps.encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// userAgent names the simulator in the requests it makes.
const userAgent = "flashcall-sim (Restcomm-compatible)"

// methodOf reads a Method-style parameter: GET or POST, case-insensitive, POST by default and for anything else.
func methodOf(v string) string {
	if strings.EqualFold(strings.TrimSpace(v), http.MethodGet) {
		return http.MethodGet
	}
	return http.MethodPost
}
