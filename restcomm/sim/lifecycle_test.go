package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

const ms = time.Millisecond

// step is a status expected at a moment after the create.
type step struct {
	at     time.Duration
	status string
}

// ringing is the timeline of a call that rings from 200 ms until its Timeout of 10 s, then ends as end.
func ringing(end string) []step {
	return []step{{0, "QUEUED"}, {199 * ms, "QUEUED"}, {200 * ms, "RINGING"}, {9900 * ms, "RINGING"},
		{9999 * ms, "RINGING"}, {10 * time.Second, end}, {time.Minute, end}}
}

// outcomeCase is one last digit's timeline and final record.
type outcomeCase struct {
	to     string
	steps  []step
	fields map[string]any
}

// checkOutcomes runs every case on a fresh simulator made with tweak.
func checkOutcomes(t *testing.T, cases []outcomeCase, tweak ...func(*sim.Options)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.to, func(t *testing.T) {
			rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response><Say>hi</Say></Response>"))
			h := newHarness(t, tweak...)
			sid := h.createSID(tc.to, url.Values{"Url": {rcml.URL}})
			for _, s := range tc.steps {
				h.wantStatus(sid, s.at, s.status)
			}
			m := h.call(sid)
			wantFields(t, tc.to, m, tc.fields)
			if _, ok := m["answered_by"]; ok {
				t.Errorf("answered_by %v on an unanswered call", m["answered_by"])
			}
			none(t, fetches, "RCML fetch for an unanswered call")
			if log := h.srv.CallLog(); len(log) != 1 || log[0].Status != m["status"] {
				t.Errorf("call log %+v", log)
			}
			if n := h.clk.Pending(); n != 0 {
				t.Errorf("%d timers pending after the last step", n)
			}
		})
	}
}

func TestOutcomeByLastDigit(t *testing.T) {
	// A rung-out call ends canceled: a duration of the ring time, an end_time, no ring_duration.
	rungOut := map[string]any{"duration": 10, "ring_duration": nil, "end_time": "2017-06-30T09:39:26.000Z"}
	// A failure has neither duration nor end_time nor ring_duration.
	failed := map[string]any{"duration": nil, "ring_duration": nil, "end_time": nil}
	neverRings := []step{{0, "QUEUED"}, {999 * ms, "QUEUED"}, {time.Second, "FAILED"}, {time.Minute, "FAILED"}}
	checkOutcomes(t, []outcomeCase{
		{"+12025550120", ringing("canceled"), rungOut},
		{"+12025550121", ringing("canceled"), rungOut},
		{"+12025550122", ringing("canceled"), rungOut},
		{"+12025550123", ringing("canceled"), rungOut},
		{"client:alice", ringing("canceled"), rungOut},
		{"+12025550124", []step{{0, "QUEUED"}, {10 * time.Second, "QUEUED"}, {24 * time.Hour, "QUEUED"}},
			map[string]any{"duration": nil, "ring_duration": nil, "end_time": nil}},
		// Declined while ringing (SIP 603): BUSY, like a busy line, after the callee looked at the phone.
		{"+12025550125", []step{{200 * ms, "RINGING"}, {3199 * ms, "RINGING"}, {3200 * ms, "BUSY"},
			{time.Minute, "BUSY"}}, map[string]any{"duration": 0, "ring_duration": 3, "end_time": nil}},
		{"+12025550127", []step{{199 * ms, "QUEUED"}, {200 * ms, "RINGING"}, {1199 * ms, "RINGING"},
			{1200 * ms, "BUSY"}, {time.Minute, "BUSY"}}, map[string]any{"duration": 0, "ring_duration": 1, "end_time": nil}},
		{"+12025550128", []step{{199 * ms, "QUEUED"}, {200 * ms, "FAILED"}, {time.Minute, "FAILED"}}, failed},
		// A carrier 404 is FAILED, never RINGING and never NOT_FOUND.
		{"+12025550129", neverRings, failed},
		{"+12025550129?X-Header=3", neverRings, failed},
	})
}

func TestOutcomeByLastDigitOnVersion82(t *testing.T) {
	legacy := func(o *sim.Options) { o.Version = "8.2" }
	checkOutcomes(t, []outcomeCase{
		{"+12025550120", ringing("NO_ANSWER"),
			map[string]any{"duration": 0, "ring_duration": 10, "end_time": "2017-06-30T09:39:26.000Z"}},
		{"client:alice", ringing("NO_ANSWER"), map[string]any{"duration": 0, "ring_duration": 10}},
		{"+12025550129", []step{{999 * ms, "QUEUED"}, {time.Second, "NOT_FOUND"}, {time.Minute, "NOT_FOUND"}},
			map[string]any{"end_time": "2017-06-30T09:39:17.000Z"}},
		// The rest ends as on current servers.
		{"+12025550124", []step{{time.Hour, "QUEUED"}}, map[string]any{"end_time": nil}},
		{"+12025550125", []step{{3200 * ms, "BUSY"}}, map[string]any{"duration": 0, "ring_duration": 3, "end_time": nil}},
		{"+12025550127", []step{{1200 * ms, "BUSY"}}, map[string]any{"duration": 0, "ring_duration": 1, "end_time": nil}},
		{"+12025550128", []step{{200 * ms, "FAILED"}}, map[string]any{"duration": nil, "end_time": nil}},
	}, legacy)
}

func TestQueuedForever(t *testing.T) {
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	sid := h.createSID("+12025550124", url.Values{"StatusCallback": {cb.URL}})
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending for a call that never leaves the queue", n)
	}
	h.wantStatus(sid, 24*time.Hour, "QUEUED")
	if ev := next(t, got); ev.PostForm.Get("CallStatus") != "initiated" {
		t.Fatalf("first callback %v", ev.PostForm)
	}
	none(t, got, "callback beyond initiated for a call that never left the queue")

	// Hanging it up through the API cancels it like any call that was not answered.
	if code, _, before := h.modify(sid, "canceled"); code != http.StatusOK || before["status"] != "QUEUED" {
		t.Fatalf("cancel: HTTP %d %v", code, before)
	}
	m := h.call(sid)
	wantFields(t, "canceled in the queue", m, map[string]any{"status": "canceled", "duration": 86400,
		"ring_duration": nil, "end_time": "2017-07-01T09:39:16.000Z"})
	ev := next(t, got)
	if ev.PostForm.Get("CallStatus") != "completed" || ev.PostForm.Get("CallDuration") != "86400" {
		t.Fatalf("callback after the cancel %v", ev.PostForm)
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
		t.Errorf("start_time %v: an unanswered call keeps its creation time", m["start_time"])
	}
}

func TestTimeoutDefaultsTo60(t *testing.T) {
	h := newHarness(t)
	rec := h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}, "To": {"+12025550120"}, "Url": {"http://x"}})
	sid := decodeObject(t, rec.Body.Bytes())["sid"].(string)
	h.wantStatus(sid, 59900*ms, "RINGING")
	h.wantStatus(sid, 60*time.Second, "canceled")
	if d := intField(t, h.call(sid), "duration"); d != 60 {
		t.Fatalf("duration %d, want 60", d)
	}
}

func TestTimeoutShorterThanAnswer(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response/>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "Timeout": {"2"}})
	h.wantStatus(sid, 1999*ms, "RINGING")
	h.wantStatus(sid, 2*time.Second, "canceled")
	none(t, fetches, "RCML fetch")
}

func TestSpeedDividesDelays(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Speed = 10 })
	sid := h.createSID("+12025550120", nil)
	h.wantStatus(sid, 19*ms, "QUEUED")
	h.wantStatus(sid, 20*ms, "RINGING")
	h.wantStatus(sid, 999*ms, "RINGING")
	h.wantStatus(sid, time.Second, "canceled")

	busy := h.createSID("+12025550127", nil) // created at 1 s: rings at 1.02, busy at 1.12
	h.wantStatus(busy, 1119*ms, "RINGING")
	h.wantStatus(busy, 1120*ms, "BUSY")

	gone := h.createSID("+12025550129", nil) // created at 1.12 s: fails at 1.22
	h.wantStatus(gone, 1219*ms, "QUEUED")
	h.wantStatus(gone, 1220*ms, "FAILED")
}

func TestSpeedZeroOrNegativeMeansOne(t *testing.T) {
	for _, speed := range []float64{0, -3} {
		h := newHarness(t, func(o *sim.Options) { o.Speed = speed })
		sid := h.createSID("+12025550120", nil)
		h.wantStatus(sid, 9999*ms, "RINGING")
		h.wantStatus(sid, 10*time.Second, "canceled")
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
