package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
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
	if m["status"] != "CANCELED" || intField(t, m, "ring_duration") != 3 || m["end_time"] != "2017-06-30T09:39:19.000Z" {
		t.Fatalf("after cancel: %v", m)
	}
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending after cancel", n)
	}
	h.wantStatus(sid, time.Minute, "CANCELED")
	evs := events(t, got)
	if last := evs[len(evs)-1].PostForm; last.Get("SequenceNumber") != "3" {
		t.Fatalf("last callback %v", last)
	}

	code, body, _ := h.modify(sid, "canceled")
	if code != http.StatusGone || body != "Call is already completed." {
		t.Fatalf("second cancel: HTTP %d %q, want 410", code, body)
	}
	if code, body, _ := h.modify(sid, "completed"); code != http.StatusGone || body != "Call is already completed." {
		t.Fatalf("hang up after the end: HTTP %d %q, want 410", code, body)
	}
}

func TestCompletedBeforeAnswerCancels(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550126", nil)
	code, _, before := h.modify(sid, "completed")
	if code != http.StatusOK || before["status"] != "QUEUED" {
		t.Fatalf("HTTP %d status %v", code, before["status"])
	}
	m := h.call(sid)
	if m["status"] != "CANCELED" || intField(t, m, "ring_duration") != 0 || intField(t, m, "duration") != 0 {
		t.Fatalf("after hang-up while queued: %v", m)
	}
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
	m := h.call(sid)
	if m["status"] != "completed" || intField(t, m, "duration") != 3 || m["answered_by"] == nil {
		t.Fatalf("after hang-up: %v", m)
	}
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
	if code, _, _ := h.modify(sid, "CANCELED"); code != http.StatusOK || h.status(sid) != "CANCELED" {
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
