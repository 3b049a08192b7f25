package sim_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
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
		{"initiated", "0", "Fri, 30 Jun 2017 09:39:16 UTC"},
		{"ringing", "1", "Fri, 30 Jun 2017 09:39:16 UTC"},
		{"answered", "2", "Fri, 30 Jun 2017 09:39:18 UTC"},
		{"completed", "3", "Fri, 30 Jun 2017 09:39:19 UTC"},
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
			"InstanceId":     h.srv.InstanceID(),
		}
		for k, v := range checks {
			if f.Get(k) != v {
				t.Errorf("event %d: %s = %q, want %q", i, k, f.Get(k), v)
			}
		}
		// An empty ForwardedFrom is sent as a bare name, without "=".
		if vs, ok := f["ForwardedFrom"]; !ok || len(vs) != 1 || vs[0] != "" {
			t.Errorf("event %d: ForwardedFrom %v (present %v), want an empty value", i, vs, ok)
		}
		if !strings.Contains("&"+ev.RawBody+"&", "&ForwardedFrom&") {
			t.Errorf("event %d: body %q lacks a bare ForwardedFrom", i, ev.RawBody)
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

func TestStatusCallbackTimestampNamesTheZone(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t, func(o *sim.Options) { o.Location = madrid })
	h.createSID("+12025550128", url.Values{"StatusCallback": {cb.URL}})
	h.at(time.Second)
	evs := events(t, got)
	if s := evs[0].PostForm.Get("Timestamp"); s != "Fri, 30 Jun 2017 11:39:16 Europe/Madrid" {
		t.Errorf("initiated Timestamp %q", s)
	}
	if s := evs[1].PostForm.Get("Timestamp"); s != "Fri, 30 Jun 2017 11:39:16 Europe/Madrid" {
		t.Errorf("completed Timestamp %q (the failure at 0.2 s is within the same second)", s)
	}
}

func TestStatusCallbacksReportEventNamesNotOutcomes(t *testing.T) {
	cases := []struct {
		to       string
		version  string
		seqs     []string
		names    []string
		status   string
		duration string
	}{
		{"+12025550120", "", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "canceled", "10"},
		{"+12025550120", "8.2", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "NO_ANSWER", "0"},
		{"+12025550125", "", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "BUSY", "0"},
		{"+12025550127", "", []string{"0", "1", "3"}, []string{"initiated", "ringing", "completed"}, "BUSY", "0"},
		{"+12025550128", "", []string{"0", "3"}, []string{"initiated", "completed"}, "FAILED", "0"},
		{"+12025550129", "", []string{"0", "3"}, []string{"initiated", "completed"}, "FAILED", "0"},
		{"+12025550129", "8.2", []string{"0", "3"}, []string{"initiated", "completed"}, "NOT_FOUND", "0"},
	}
	for _, tc := range cases {
		t.Run(tc.status+"/"+tc.to[len(tc.to)-1:], func(t *testing.T) {
			cb, got := recorder(t, serveDoc(204, "", ""))
			h := newHarness(t, func(o *sim.Options) { o.Version = tc.version })
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
			if d := evs[len(evs)-1].PostForm.Get("CallDuration"); d != tc.duration {
				t.Errorf("CallDuration %q, want %s", d, tc.duration)
			}
		})
	}
}

func TestStatusCallbacksWithGET(t *testing.T) {
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	// GET replaces the URL's own query string and drops its user:password.
	u, _ := url.Parse(cb.URL + "/cb?tag=x")
	u.User = url.UserPassword("user", "secret")
	sid := h.createSID("+12025550127", url.Values{"StatusCallback": {u.String()},
		"StatusCallbackMethod": {"GET"}})
	h.at(time.Minute)
	for _, ev := range events(t, got) {
		if ev.Method != http.MethodGet || len(ev.PostForm) != 0 {
			t.Fatalf("callback %s with body %v, want GET", ev.Method, ev.PostForm)
		}
		if ev.Query.Get("CallSid") != sid || ev.Query.Get("CallStatus") == "" {
			t.Fatalf("callback query %v", ev.Query)
		}
		if _, ok := ev.Query["tag"]; ok {
			t.Fatalf("the StatusCallback's own query survived a GET: %v", ev.Query)
		}
		if ev.HasAuth {
			t.Fatalf("the StatusCallback's user:password survived a GET")
		}
		if !strings.Contains("&"+ev.RawQuery+"&", "&ForwardedFrom&") {
			t.Fatalf("query %q lacks a bare ForwardedFrom", ev.RawQuery)
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
