package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

const ms = time.Millisecond

func TestOutcomeByLastDigit(t *testing.T) {
	type step struct {
		at     time.Duration
		status string
	}
	ringing := func(end string) []step {
		return []step{{0, "QUEUED"}, {199 * ms, "QUEUED"}, {200 * ms, "RINGING"}, {9900 * ms, "RINGING"},
			{9999 * ms, "RINGING"}, {10 * time.Second, end}, {time.Minute, end}}
	}
	cases := []struct {
		to           string
		steps        []step
		ringDuration int
	}{
		{"+12025550120", ringing("NO_ANSWER"), 10},
		{"+12025550121", ringing("NO_ANSWER"), 10},
		{"+12025550122", ringing("NO_ANSWER"), 10},
		{"+12025550123", ringing("NO_ANSWER"), 10},
		{"+12025550124", ringing("NO_ANSWER"), 10},
		{"client:alice", ringing("NO_ANSWER"), 10},
		{"+12025550125", ringing("CANCELED"), 10},
		{"+12025550127", []step{{199 * ms, "QUEUED"}, {200 * ms, "RINGING"}, {1199 * ms, "RINGING"},
			{1200 * ms, "BUSY"}, {time.Minute, "BUSY"}}, 1},
		{"+12025550128", []step{{199 * ms, "QUEUED"}, {200 * ms, "FAILED"}, {time.Minute, "FAILED"}}, 0},
		{"+12025550129", []step{{199 * ms, "QUEUED"}, {200 * ms, "NOT_FOUND"}, {time.Minute, "NOT_FOUND"}}, 0},
		{"+12025550129?X-Header=3", []step{{200 * ms, "NOT_FOUND"}}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.to, func(t *testing.T) {
			rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response><Say>hi</Say></Response>"))
			h := newHarness(t)
			sid := h.createSID(tc.to, url.Values{"Url": {rcml.URL}})
			for _, s := range tc.steps {
				h.wantStatus(sid, s.at, s.status)
			}
			m := h.call(sid)
			if got := intField(t, m, "ring_duration"); got != tc.ringDuration {
				t.Errorf("ring_duration %d, want %d", got, tc.ringDuration)
			}
			if got := intField(t, m, "duration"); got != 0 {
				t.Errorf("duration %d, want 0 for an unanswered call", got)
			}
			if _, ok := m["answered_by"]; ok {
				t.Errorf("answered_by %v on an unanswered call", m["answered_by"])
			}
			if _, ok := m["end_time"].(string); !ok {
				t.Errorf("end_time missing on a final call: %v", m)
			}
			none(t, fetches, "RCML fetch for an unanswered call")
			if log := h.srv.CallLog(); len(log) != 1 || log[0].Status != m["status"] {
				t.Errorf("call log %+v", log)
			}
		})
	}
}

func TestLiveCallHasNoEndFields(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550120", nil)
	h.at(5 * time.Second)
	m := h.call(sid)
	for _, k := range []string{"end_time", "duration", "ring_duration", "answered_by"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s present on a ringing call: %v", k, m[k])
		}
	}
	if m["date_updated"] != "Fri, 30 Jun 2017 09:39:16 +0000" {
		t.Errorf("date_updated %q, want the ringing time", m["date_updated"])
	}
	h.at(10 * time.Second)
	m = h.call(sid)
	if m["end_time"] != "2017-06-30T09:39:26.000Z" || m["date_updated"] != "Fri, 30 Jun 2017 09:39:26 +0000" {
		t.Errorf("end_time %v date_updated %v", m["end_time"], m["date_updated"])
	}
	if m["start_time"] != "2017-06-30T09:39:16.000Z" {
		t.Errorf("start_time %v", m["start_time"])
	}
}

func TestTimeoutDefaultsTo60(t *testing.T) {
	h := newHarness(t)
	rec := h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}, "To": {"+12025550120"}, "Url": {"http://x"}})
	sid := decodeObject(t, rec.Body.Bytes())["sid"].(string)
	h.wantStatus(sid, 59900*ms, "RINGING")
	h.wantStatus(sid, 60*time.Second, "NO_ANSWER")
}

func TestTimeoutShorterThanAnswer(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response/>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "Timeout": {"2"}})
	h.wantStatus(sid, 1999*ms, "RINGING")
	h.wantStatus(sid, 2*time.Second, "NO_ANSWER")
	none(t, fetches, "RCML fetch")
}

func TestSpeedDividesDelays(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Speed = 10 })
	sid := h.createSID("+12025550120", nil)
	h.wantStatus(sid, 19*ms, "QUEUED")
	h.wantStatus(sid, 20*ms, "RINGING")
	h.wantStatus(sid, 999*ms, "RINGING")
	h.wantStatus(sid, time.Second, "NO_ANSWER")

	busy := h.createSID("+12025550127", nil) // created at 1 s: rings at 1.02, busy at 1.12
	h.wantStatus(busy, 1119*ms, "RINGING")
	h.wantStatus(busy, 1120*ms, "BUSY")
}

func TestSpeedZeroOrNegativeMeansOne(t *testing.T) {
	for _, speed := range []float64{0, -3} {
		h := newHarness(t, func(o *sim.Options) { o.Speed = speed })
		sid := h.createSID("+12025550120", nil)
		h.wantStatus(sid, 9999*ms, "RINGING")
		h.wantStatus(sid, 10*time.Second, "NO_ANSWER")
	}
}

func TestCloseStopsTimers(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550120", nil)
	h.createSID("+12025550125", nil)
	if h.clk.Pending() == 0 {
		t.Fatal("no timers pending for two live calls")
	}
	h.srv.Close()
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending after Close", n)
	}
	h.srv.Close() // idempotent
	h.at(time.Minute)
	if log := h.srv.CallLog(); log[0].SID != sid || log[0].Status != "QUEUED" {
		t.Fatalf("a call moved after Close: %+v", log)
	}
	if rec := h.do(http.MethodGet, h.callsURL(), nil); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("request after Close: HTTP %d, want 503", rec.Code)
	}
}
