package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// The seed document of restcomm.md.
const seedDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Say voice="woman" language="en-gb">Your phone number has been confirmed.</Say></Response>`

func TestAnsweredCallFetchesRCMLWithPOST(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml; charset=utf-8", "<Response><Say>Hello</Say></Response>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL + "/flash.xml"}})
	h.wantStatus(sid, 2199*ms, "RINGING")
	none(t, fetches, "RCML fetch before the answer")
	h.wantStatus(sid, 2200*ms, "in-progress")

	// The fetch ran inside Advance, so it has already happened.
	got := next(t, fetches)
	if got.Method != http.MethodPost || got.ContentType != "application/x-www-form-urlencoded" {
		t.Fatalf("fetch %s %q, want a POST form", got.Method, got.ContentType)
	}
	if len(got.Query) != 0 {
		t.Fatalf("POST fetch carried a query: %v", got.Query)
	}
	wantParams(t, got.PostForm, h, sid, "Fri, 30 Jun 2017 09:39:18 +0000")

	m := h.call(sid)
	if m["answered_by"] == nil || m["answered_by"] == "" {
		t.Fatalf("answered_by not set on an answered call: %v", m)
	}
	// 1 s + 60 ms x 5 characters = 1.3 s of speech after the answer at 2.2 s.
	h.wantStatus(sid, 3499*ms, "in-progress")
	h.wantStatus(sid, 3500*ms, "completed")
	m = h.call(sid)
	if d := intField(t, m, "duration"); d != 1 {
		t.Errorf("duration %d, want 1", d)
	}
	if d := intField(t, m, "ring_duration"); d != 2 {
		t.Errorf("ring_duration %d, want 2", d)
	}
	if m["end_time"] != "2017-06-30T09:39:19.500Z" {
		t.Errorf("end_time %v", m["end_time"])
	}
	if m["answered_by"] == nil {
		t.Errorf("answered_by gone after completion")
	}
	none(t, fetches, "second RCML fetch")
}

// wantParams checks the parameters Restcomm sends with an RCML fetch.
func wantParams(t *testing.T, got url.Values, h *harness, sid, stamp string) {
	t.Helper()
	want := map[string]string{
		"CallSid":       sid,
		"AccountSid":    h.srv.AccountSID(),
		"From":          "447418340465",
		"To":            "+12025550126",
		"CallStatus":    "in-progress",
		"ApiVersion":    "2012-04-24",
		"Direction":     "outbound-api",
		"CallerName":    "447418340465",
		"ForwardedFrom": "null",
		"CallTimestamp": stamp,
		"InstanceId":    h.srv.InstanceID(),
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("parameter %s = %q, want %q", k, got.Get(k), v)
		}
	}
}

func TestAnsweredCallFetchesRCMLWithGET(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "application/xml", seedDoc))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL + "/flash.xml?lang=en-gb"}, "Method": {"get"}})
	h.wantStatus(sid, 2200*ms, "in-progress")
	got := next(t, fetches)
	if got.Method != http.MethodGet {
		t.Fatalf("fetch method %s, want GET", got.Method)
	}
	if len(got.PostForm) != 0 {
		t.Fatalf("GET fetch carried a body: %v", got.PostForm)
	}
	if got.Query.Get("lang") != "en-gb" {
		t.Errorf("the Url's own query was lost: %v", got.Query)
	}
	wantParams(t, got.Query, h, sid, "Fri, 30 Jun 2017 09:39:18 +0000")
	// 1 s + 60 ms x 37 characters = 3.22 s.
	h.wantStatus(sid, 5419*ms, "in-progress")
	h.wantStatus(sid, 5420*ms, "completed")
	if d := intField(t, h.call(sid), "duration"); d != 3 {
		t.Errorf("duration %d, want 3", d)
	}
}

func TestSpeechTimeGrowsWithTheDocument(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		talk time.Duration
	}{
		{"empty response", `<Response/>`, time.Second},
		{"loop", `<Response><Say loop="3">abcd</Say></Response>`, 1720 * ms},
		{"pause and hangup stop the rest", `<Response><Say>ab</Say><Pause length="2"/><Hangup/>` +
			`<Say>this is never spoken</Say><Pause length="50"/></Response>`, 3120 * ms},
		{"gather nests say", `<Response><Gather numDigits="1"><Say>abcde</Say><Pause/></Gather></Response>`,
			2300 * ms},
		{"play", `<Response><Play loop="2">http://127.0.0.1:1/a.wav</Play></Response>`, 7 * time.Second},
		{"whitespace collapses", "<Response><Say>\n   a     b   \n</Say></Response>", 1180 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rcml, _ := recorder(t, serveDoc(200, "text/xml", tc.doc))
			h := newHarness(t)
			sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}})
			end := 2200*ms + tc.talk
			h.wantStatus(sid, end-ms, "in-progress")
			h.wantStatus(sid, end, "completed")
		})
	}
}

func TestRCMLRejectedCallFails(t *testing.T) {
	good := "<Response><Say>hi</Say></Response>"
	cases := []struct {
		name              string
		code              int
		contentType, body string
		override          string // a Url that reaches no test server
	}{
		{name: "HTTP 404", code: 404, contentType: "text/xml", body: good},
		{name: "HTTP 500", code: 500, contentType: "text/xml", body: good},
		{name: "HTTP 204", code: 204, contentType: "text/xml"},
		{name: "text/html", code: 200, contentType: "text/html", body: good},
		{name: "application/json", code: 200, contentType: "application/json", body: good},
		{name: "no content type", code: 200, contentType: "", body: good},
		{name: "unclosed element", code: 200, contentType: "text/xml", body: "<Response><Say>hi</Response>"},
		{name: "truncated", code: 200, contentType: "text/xml", body: "<Response><Say>hi</Say>"},
		{name: "bare ampersand", code: 200, contentType: "text/xml", body: "<Response><Say>a & b</Say></Response>"},
		{name: "empty body", code: 200, contentType: "text/xml", body: ""},
		{name: "two roots", code: 200, contentType: "text/xml", body: good + good},
		{name: "not Response", code: 200, contentType: "text/xml", body: "<Document><Say>hi</Say></Document>"},
		{name: "comment before declaration", code: 200, contentType: "text/xml",
			body: "<!-- flash call -->\n<?xml version=\"1.0\"?>" + good},
		{name: "blank line before declaration", code: 200, contentType: "text/xml",
			body: "\n<?xml version=\"1.0\"?>" + good},
		{name: "unreachable", override: "http://127.0.0.1:1/x.xml"},
		{name: "not a URL", override: "http://127.0.0.1:%zz/x.xml"},
		{name: "relative Url", override: "/flash.xml"},
		{name: "not http", override: "ftp://127.0.0.1/flash.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rcml, fetches := recorder(t, serveDoc(tc.code, tc.contentType, tc.body))
			u := rcml.URL
			if tc.override != "" {
				u = tc.override
			}
			h := newHarness(t)
			sid := h.createSID("+12025550126", url.Values{"Url": {u}})
			h.wantStatus(sid, 2200*ms, "FAILED")
			if tc.override == "" {
				next(t, fetches)
			} else {
				none(t, fetches, "fetch")
			}
			m := h.call(sid)
			if d := intField(t, m, "duration"); d != 0 {
				t.Errorf("duration %d, want 0", d)
			}
			if d := intField(t, m, "ring_duration"); d != 2 {
				t.Errorf("ring_duration %d, want 2", d)
			}
			if h.clk.Pending() != 0 {
				t.Errorf("%d timers pending after the call failed", h.clk.Pending())
			}
		})
	}
}

func TestRCMLAcceptedVariants(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		talk                    time.Duration
	}{
		{"text/plain is spoken", "text/plain; charset=utf-8", "Hello", 1300 * ms},
		{"application/xml", "application/xml", "<Response><Say>Hello</Say></Response>", 1300 * ms},
		{"declaration first", "text/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` +
			"\n<Response><Say>Hello</Say></Response>", 1300 * ms},
		{"byte order mark then declaration", "text/xml", "\xef\xbb\xbf<?xml version=\"1.0\"?><Response/>", time.Second},
		{"latin-1 declaration", "text/xml", `<?xml version="1.0" encoding="ISO-8859-1"?><Response/>`, time.Second},
		{"stylesheet instruction after content", "text/xml",
			`<?xml version="1.0"?><!-- c --><?xml-stylesheet href="a.xsl"?><Response/>`, time.Second},
		{"comment after declaration", "text/xml", "<?xml version=\"1.0\"?>\n<!-- flash -->\n<Response/>", time.Second},
		{"unknown verbs skipped", "text/xml", "<Response><Dial>1</Dial><Say>Hello</Say></Response>", 1300 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rcml, _ := recorder(t, serveDoc(200, tc.contentType, tc.body))
			h := newHarness(t)
			sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}})
			h.wantStatus(sid, 2200*ms, "in-progress")
			h.wantStatus(sid, 2200*ms+tc.talk-ms, "in-progress")
			h.wantStatus(sid, 2200*ms+tc.talk, "completed")
		})
	}
}

func TestRCMLFallbackURL(t *testing.T) {
	bad, badFetches := recorder(t, serveDoc(500, "text/plain", "boom"))
	good, goodFetches := recorder(t, serveDoc(200, "text/xml", "<Response><Say>Hello</Say></Response>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {bad.URL}, "FallbackUrl": {good.URL},
		"FallbackMethod": {"GET"}})
	h.wantStatus(sid, 2200*ms, "in-progress")
	if got := next(t, badFetches); got.Method != http.MethodPost {
		t.Errorf("primary fetched with %s", got.Method)
	}
	got := next(t, goodFetches)
	if got.Method != http.MethodGet || got.Query.Get("CallSid") != sid {
		t.Errorf("fallback fetch %s %v", got.Method, got.Query)
	}
	h.wantStatus(sid, 3500*ms, "completed")
}

func TestHangUpWhileFetching(t *testing.T) {
	// The RCML server hangs the call up through the simulator while the simulator waits for the document: the
	// fetch must not hold the server's lock, and the late document must not revive the call.
	h := newHarness(t)
	rcml, fetches := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		sid := r.PostForm.Get("CallSid")
		rec := h.do(http.MethodPost, h.callURL(sid), url.Values{"Status": {"completed"}})
		if rec.Code != http.StatusOK {
			t.Errorf("hang-up during fetch: HTTP %d", rec.Code)
		}
		serveDoc(200, "text/xml", "<Response><Say>a long text that would take a while</Say></Response>")(w, r)
	})
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}})
	h.wantStatus(sid, 2200*ms, "completed")
	next(t, fetches)
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending: the late document revived the call", n)
	}
	h.wantStatus(sid, 10*time.Second, "completed")
}

func TestCustomHTTPClientIsUsed(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response/>"))
	used := make(chan string, 4)
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used <- r.URL.Path
		return http.DefaultTransport.RoundTrip(r)
	})}
	h := newHarness(t, func(o *sim.Options) { o.HTTPClient = client })
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL + "/doc.xml"}})
	h.wantStatus(sid, 2200*ms, "in-progress")
	next(t, fetches)
	if p := next(t, used); p != "/doc.xml" {
		t.Fatalf("custom client saw %q", p)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
