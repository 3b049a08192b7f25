package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// modify posts Status to the call and returns the reply.
func (h *harness) modify(sid, status string) (int, string, map[string]any) {
	h.t.Helper()
	rec := h.do(http.MethodPost, h.callURL(sid), url.Values{"Status": {status}})
	if rec.Code != http.StatusOK {
		return rec.Code, rec.Body.String(), nil
	}
	return rec.Code, rec.Body.String(), decodeObject(h.t, rec.Body.Bytes())
}

func TestCancelWhileRinging(t *testing.T) {
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	sid := h.createSID("+12025550120", url.Values{"StatusCallback": {cb.URL}})
	h.at(3 * time.Second)
	code, _, before := h.modify(sid, "canceled")
	if code != http.StatusOK || before["status"] != "RINGING" {
		t.Fatalf("HTTP %d, reply status %v, want 200 with the status from before (RINGING)", code, before["status"])
	}
	if _, ok := before["end_time"]; ok {
		t.Fatalf("reply shows the call after the change: %v", before)
	}
	m := h.call(sid)
	wantFields(t, "after cancel", m, map[string]any{"status": "canceled", "duration": 3, "ring_duration": nil,
		"answered_by": nil, "end_time": "2017-06-30T09:39:19.000Z"})
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending after cancel", n)
	}
	h.wantStatus(sid, time.Minute, "canceled")
	evs := events(t, got)
	if last := evs[len(evs)-1].PostForm; last.Get("SequenceNumber") != "3" || last.Get("CallDuration") != "3" {
		t.Fatalf("last callback %v, want #3 with CallDuration 3 (creation to end)", last)
	}

	code, body, _ := h.modify(sid, "canceled")
	if code != http.StatusGone || body != "Call is already completed." {
		t.Fatalf("second cancel: HTTP %d %q, want 410", code, body)
	}
	if code, body, _ := h.modify(sid, "completed"); code != http.StatusGone || body != "Call is already completed." {
		t.Fatalf("hang up after the end: HTTP %d %q, want 410", code, body)
	}
}

func TestCancelWhileRingingOnVersion82(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Version = "8.2" })
	sid := h.createSID("+12025550120", nil)
	h.at(3 * time.Second)
	if code, _, _ := h.modify(sid, "completed"); code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	wantFields(t, "after cancel", h.call(sid), map[string]any{"status": "CANCELED", "duration": 0,
		"ring_duration": 3, "end_time": "2017-06-30T09:39:19.000Z"})
}

func TestCompletedBeforeAnswerCancels(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550126", nil)
	code, _, before := h.modify(sid, "completed")
	if code != http.StatusOK || before["status"] != "QUEUED" {
		t.Fatalf("HTTP %d status %v", code, before["status"])
	}
	// Hung up the instant it was created, yet the duration of a canceled call is never 0.
	wantFields(t, "after hang-up while queued", h.call(sid), map[string]any{"status": "canceled",
		"duration": 1, "ring_duration": nil, "end_time": "2017-06-30T09:39:16.000Z"})
}

func TestModifyAnsweredCall(t *testing.T) {
	rcml, _ := recorder(t, serveDoc(200, "text/xml", "<Response><Say>"+longText()+"</Say></Response>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}})
	h.wantStatus(sid, 3*time.Second, "in-progress")

	// canceled does nothing once the call is answered, and says so by changing nothing.
	code, _, before := h.modify(sid, "canceled")
	if code != http.StatusOK || before["status"] != "in-progress" {
		t.Fatalf("cancel while in progress: HTTP %d %v", code, before["status"])
	}
	h.wantStatus(sid, 5*time.Second, "in-progress")

	code, _, before = h.modify(sid, "completed")
	if code != http.StatusOK || before["status"] != "in-progress" {
		t.Fatalf("hang up: HTTP %d %v", code, before["status"])
	}
	// Talk time: answered at 2.2 s, hung up at 5 s.
	wantFields(t, "after hang-up", h.call(sid), map[string]any{"status": "completed", "duration": 3,
		"ring_duration": 2, "answered_by": "+12025550126", "start_time": "2017-06-30T09:39:18.200Z",
		"end_time": "2017-06-30T09:39:21.000Z"})
	if h.clk.Pending() != 0 {
		t.Fatalf("speech timer still pending")
	}
}

func longText() string {
	b := make([]byte, 500)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func TestModifyOddRequests(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550120", nil)
	if code, body, _ := h.modify("ID00000000000000000000000000000000-CA00000000000000000000000000000000",
		"canceled"); code != http.StatusNotAcceptable || body != "" {
		t.Fatalf("unknown SID: HTTP %d %q, want 406 empty", code, body)
	}
	if code, _, _ := h.modify("nonsense", "completed"); code != http.StatusNotAcceptable {
		t.Fatalf("malformed SID: HTTP %d, want 406", code)
	}
	// Other Status values, or none, change nothing.
	for _, s := range []string{"", "ringing", "busy"} {
		if code, _, m := h.modify(sid, s); code != http.StatusOK || m["status"] != "QUEUED" {
			t.Fatalf("Status %q: HTTP %d %v", s, code, m)
		}
	}
	if h.status(sid) != "QUEUED" {
		t.Fatalf("status changed by a no-op modify")
	}
	// Status spelling is forgiving, as Restcomm parses it case-insensitively.
	if code, _, _ := h.modify(sid, "CANCELED"); code != http.StatusOK || h.status(sid) != "canceled" {
		t.Fatalf("Status=CANCELED: HTTP %d, status %s", code, h.status(sid))
	}
}

func TestGetUnknownCall(t *testing.T) {
	h := newHarness(t)
	for _, sid := range []string{"CA00000000000000000000000000000000", "x"} {
		rec := h.do(http.MethodGet, h.callURL(sid), nil)
		if rec.Code != http.StatusNotFound || rec.Body.Len() != 0 {
			t.Fatalf("GET %s: HTTP %d %q, want 404 empty", sid, rec.Code, rec.Body.String())
		}
	}
}
