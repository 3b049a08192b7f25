package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// maxForm bounds a request body.
const maxForm = 1 << 20

// create handles POST .../Calls.json: a form body (a JSON body is not read, so it lacks From), From, To and
// Url required in that order, Timeout an integer. The reply is 200 with the new call, QUEUED.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		writeText(w, http.StatusBadRequest, "The request body could not be read.")
		return
	}
	form := r.PostForm // parameters in the query string are not read, as on the real server
	for _, name := range []string{"From", "To", "Url"} {
		if strings.TrimSpace(form.Get(name)) == "" {
			writeText(w, http.StatusBadRequest, name+" can not be null.")
			return
		}
	}
	timeout := defaultTimeout
	if vs, ok := form["Timeout"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil {
			// What Java's Integer.parseInt throws, which Restcomm lets through as a 500.
			writeText(w, http.StatusInternalServerError, fmt.Sprintf("For input string: %q", vs[0]))
			return
		}
		if n > 0 {
			timeout = n
		}
	}

	to := userPart(form.Get("To"))
	c := &call{
		from:                 userPart(form.Get("From")),
		to:                   to,
		rcml:                 fetchTarget{url: strings.TrimSpace(form.Get("Url")), method: methodOf(form.Get("Method"))},
		fallback:             fetchTarget{url: strings.TrimSpace(form.Get("FallbackUrl")), method: methodOf(form.Get("FallbackMethod"))},
		statusCallback:       strings.TrimSpace(form.Get("StatusCallback")),
		statusCallbackMethod: methodOf(form.Get("StatusCallbackMethod")),
		timeout:              timeout,
		outcome:              outcomeFor(to),
		status:               wireQueued,
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeText(w, http.StatusServiceUnavailable, "The simulator has been shut down.")
		return
	}
	c.seq = len(s.order)
	c.sid = s.instanceID + "-CA" + s.hex32()
	c.created = s.clk.Now()
	c.updated, c.start = c.created, c.created
	s.calls[c.sid] = c
	s.order = append(s.order, c)
	s.startLifecycle(c)
	reply := s.wire(c)
	drop := s.takeDrop()
	s.mu.Unlock()

	// Phone numbers are personal data: the log keeps the last three digits, enough to pick a simulated outcome.
	s.log.Info("sim: call created", "sid", c.sid, "to", lastDigits(c.to, 3), "from", c.from, "timeout", timeout)
	if drop {
		s.log.Warn("sim: injected fault: closing the connection without replying to the create", "sid", c.sid)
		dropConnection(w)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// get handles GET .../Calls/{sid}.json: the call, or 404 with an empty body.
func (s *Server) get(w http.ResponseWriter, _ *http.Request, sid string) {
	s.mu.Lock()
	c, ok := s.calls[sid]
	var reply wireCall
	if ok {
		reply = s.wire(c)
	}
	s.mu.Unlock()
	if !ok {
		writeEmpty(w, http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// modify handles POST .../Calls/{sid}.json with Status=canceled or Status=completed. The reply shows the call
// as it was BEFORE the change; an unknown SID is 406 (empty), a call already ended 410. Other Status values and
// other parameters (Url redirects) are accepted and ignored.
func (s *Server) modify(w http.ResponseWriter, r *http.Request, sid string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		writeText(w, http.StatusBadRequest, "The request body could not be read.")
		return
	}
	want := normStatus(r.PostForm.Get("Status"))

	s.mu.Lock()
	c, ok := s.calls[sid]
	if !ok {
		s.mu.Unlock()
		writeEmpty(w, http.StatusNotAcceptable)
		return
	}
	if c.final() {
		s.mu.Unlock()
		writeText(w, http.StatusGone, "Call is already completed.")
		return
	}
	before := s.wire(c)
	if want == "canceled" || want == "completed" {
		s.hangUp(c, want)
	}
	after := c.status
	s.mu.Unlock()

	s.log.Info("sim: call modified", "sid", sid, "requested", want, "before", before.Status, "after", after)
	writeJSON(w, http.StatusOK, before)
}

// wire renders c as the Call resource. The caller holds s.mu.
func (s *Server) wire(c *call) wireCall {
	uri := callsPath(s.accountSID) + "/" + c.sid
	out := wireCall{
		SID:          c.sid,
		InstanceID:   s.instanceID,
		DateCreated:  s.fmtDate(c.created),
		DateUpdated:  s.fmtDate(c.updated),
		AccountSID:   s.accountSID,
		To:           c.to,
		From:         c.from,
		Status:       c.status,
		StartTime:    s.fmtISO(c.start),
		PriceUnit:    "USD",
		Direction:    "outbound-api",
		AnsweredBy:   c.answeredBy,
		APIVersion:   apiVersion,
		CallerName:   c.from,
		URI:          uri + ".json",
		Duration:     copyInt(c.duration),
		RingDuration: copyInt(c.ringDuration),
		SubresourceURIs: subresourceURIs{
			Notifications: uri + "/Notifications.json",
			Recordings:    uri + "/Recordings.json",
		},
	}
	if !c.endTime.IsZero() {
		out.EndTime = s.fmtISO(c.endTime)
	}
	return out
}

func copyInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// lastDigits masks all but the last n characters of a number for the log.
func lastDigits(number string, n int) string {
	if len(number) <= n {
		return number
	}
	return "…" + number[len(number)-n:]
}
