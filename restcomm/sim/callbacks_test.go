package sim_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// events collects a call's callbacks up to and including "completed"; events of one call arrive in order.
func events(t *testing.T, ch <-chan captured) []captured {
	t.Helper()
	var out []captured
	for {
		ev := next(t, ch)
		out = append(out, ev)
		if ev.Form.Get("CallStatus") == "completed" {
			return out
		}
		if len(out) > 4 {
			t.Fatalf("more than four callbacks: %+v", out)
		}
	}
}

func TestStatusCallbacksForAnsweredCall(t *testing.T) {
	rcml, _ := recorder(t, serveDoc(200, "text/xml", "<Response><Say>Hello</Say></Response>"))
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "StatusCallback": {cb.URL + "/status"}})
	h.at(time.Minute)
	if s := h.status(sid); s != "completed" {
		t.Fatalf("status %s", s)
	}
	evs := events(t, got)
	want := []struct {
		name, seq, stamp string
	}{
		{"initiated", "0", "Fri, 30 Jun 2017 09:39:16 +0000"},
		{"ringing", "1", "Fri, 30 Jun 2017 09:39:16 +0000"},
		{"answered", "2", "Fri, 30 Jun 2017 09:39:18 +0000"},
		{"completed", "3", "Fri, 30 Jun 2017 09:39:19 +0000"},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d callbacks, want 4: %+v", len(evs), evs)
	}
	for i, w := range want {
		ev := evs[i]
		if ev.Method != http.MethodPost || ev.ContentType != "application/x-www-form-urlencoded" {
			t.Errorf("event %d sent as %s %q, want a POST form", i, ev.Method, ev.ContentType)
		}
		f := ev.PostForm
		checks := map[string]string{
			"CallStatus":     w.name,
			"SequenceNumber": w.seq,
			"CallSid":        sid,
			"AccountSid":     h.srv.AccountSID(),
			"From":           "447418340465",
			"To":             "+12025550126",
			"Direction":      "outbound-api",
			"CallerName":     "447418340465",
			"Timestamp":      w.stamp,
			"CallbackSource": "call-progress-events",
		}
		for k, v := range checks {
			if f.Get(k) != v {
				t.Errorf("event %d: %s = %q, want %q", i, k, f.Get(k), v)
			}
		}
		if _, err := time.Parse("Mon, 2 Jan 2006 15:04:05 -0700", f.Get("Timestamp")); err != nil {
			t.Errorf("event %d: Timestamp %q: %v", i, f.Get("Timestamp"), err)
		}
		_, hasDuration := f["CallDuration"]
		if hasDuration != (w.name == "completed") {
			t.Errorf("event %d (%s): CallDuration present = %v", i, w.name, hasDuration)
		}
	}
	if d := evs[3].PostForm.Get("CallDuration"); d != strconv.Itoa(intField(t, h.call(sid), "duration")) || d != "1" {
		t.Errorf("CallDuration %q, want the call's duration 1", d)
	}
	h.srv.Close() // waits for every delivery
	none(t, got, "callback after completed")
}

func TestStatusCallbacksReportEventNamesNotOutcomes(t *testing.T) {
	cases := []struct {
		to     string
		seqs   []string
		names  []string
		status string
	}{
		{"+12025550120", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "NO_ANSWER"},
		{"+12025550125", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "CANCELED"},
		{"+12025550127", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "BUSY"},
		{"+12025550128", []string{"0", "3"}, []string{"initiated", "completed"}, "FAILED"},
		{"+12025550129", []string{"0", "3"}, []string{"initiated", "completed"}, "NOT_FOUND"},
	}
	for _, tc := range cases {
		t.Run(tc.status, func(t *testing.T) {
			cb, got := recorder(t, serveDoc(204, "", ""))
			h := newHarness(t)
			sid := h.createSID(tc.to, url.Values{"StatusCallback": {cb.URL}})
			h.wantStatus(sid, time.Minute, tc.status)
			evs := events(t, got)
			if len(evs) != len(tc.seqs) {
				t.Fatalf("%d callbacks, want %d", len(evs), len(tc.seqs))
			}
			for i, ev := range evs {
				if ev.PostForm.Get("SequenceNumber") != tc.seqs[i] || ev.PostForm.Get("CallStatus") != tc.names[i] {
					t.Errorf("event %d: %s #%s, want %s #%s", i, ev.PostForm.Get("CallStatus"),
						ev.PostForm.Get("SequenceNumber"), tc.names[i], tc.seqs[i])
				}
			}
			if d := evs[len(evs)-1].PostForm.Get("CallDuration"); d != "0" {
				t.Errorf("CallDuration %q, want 0", d)
			}
		})
	}
}

func TestStatusCallbacksWithGET(t *testing.T) {
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	sid := h.createSID("+12025550127", url.Values{"StatusCallback": {cb.URL + "/cb?tag=x"},
		"StatusCallbackMethod": {"GET"}})
	h.at(time.Minute)
	for _, ev := range events(t, got) {
		if ev.Method != http.MethodGet || len(ev.PostForm) != 0 {
			t.Fatalf("callback %s with body %v, want GET", ev.Method, ev.PostForm)
		}
		if ev.Query.Get("CallSid") != sid || ev.Query.Get("tag") != "x" || ev.Query.Get("CallStatus") == "" {
			t.Fatalf("callback query %v", ev.Query)
		}
	}
}

func TestStatusCallbackHandlerCanQueryTheServer(t *testing.T) {
	// A callback receiver that asks the simulator for the call while handling the callback must not deadlock:
	// callbacks are sent without the server's lock held.
	h := newHarness(t)
	seen := make(chan string, 8)
	cb, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		rec := h.do(http.MethodGet, h.callURL(r.PostForm.Get("CallSid")), nil)
		seen <- decodeObject(t, rec.Body.Bytes())["status"].(string)
		w.WriteHeader(http.StatusOK)
	})
	sid := h.createSID("+12025550127", url.Values{"StatusCallback": {cb.URL}})
	h.at(time.Minute)
	evs := events(t, got)
	for range evs {
		next(t, seen)
	}
	if h.status(sid) != "BUSY" {
		t.Fatalf("status %s", h.status(sid))
	}
}
