package sim_test

import (
	"net/http"
	"net/url"
	"strings"
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
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL + "/flash.xml?token=abc"}})
	h.wantStatus(sid, 2199*ms, "RINGING")
	none(t, fetches, "RCML fetch before the answer")
	h.wantStatus(sid, 2200*ms, "in-progress")

	// The fetch ran inside Advance, so it has already happened.
	got := next(t, fetches)
	if got.Method != http.MethodPost || got.ContentType != "application/x-www-form-urlencoded" {
		t.Fatalf("fetch %s %q, want a POST form", got.Method, got.ContentType)
	}
	if got.Query.Get("token") != "abc" || len(got.Query) != 1 {
		t.Fatalf("POST fetch query %v, want the Url's own query only", got.Query)
	}
	wantParams(t, got.PostForm, h, sid)

	// Answered: answered_by is the callee's number, start_time is reset to the answer, ring_duration is set.
	wantFields(t, "answered", h.call(sid), map[string]any{"answered_by": "+12025550126",
		"start_time": "2017-06-30T09:39:18.200Z", "ring_duration": 2, "duration": nil, "end_time": nil})

	// 1 s + 60 ms x 5 characters = 1.3 s of speech after the answer at 2.2 s.
	h.wantStatus(sid, 3499*ms, "in-progress")
	h.wantStatus(sid, 3500*ms, "completed")
	wantFields(t, "completed", h.call(sid), map[string]any{"answered_by": "+12025550126",
		"start_time": "2017-06-30T09:39:18.200Z", "ring_duration": 2, "duration": 1,
		"end_time": "2017-06-30T09:39:19.500Z"})
	none(t, fetches, "second RCML fetch")
}

// wantParams checks the parameters Restcomm sends with an RCML fetch.
func wantParams(t *testing.T, got url.Values, h *harness, sid string) {
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
		"CallTimestamp": "2017-06-30T09:39:16.000Z", // the creation, in ISO 8601
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
	u, _ := url.Parse(rcml.URL + "/flash.xml?lang=en-gb")
	u.User = url.UserPassword("user", "secret")
	sid := h.createSID("+12025550126", url.Values{"Url": {u.String()}, "Method": {"get"}})
	h.wantStatus(sid, 2200*ms, "in-progress")
	got := next(t, fetches)
	if got.Method != http.MethodGet {
		t.Fatalf("fetch method %s, want GET", got.Method)
	}
	if len(got.PostForm) != 0 {
		t.Fatalf("GET fetch carried a body: %v", got.PostForm)
	}
	// GET REPLACES the Url's own query string, and its user:password.
	if _, ok := got.Query["lang"]; ok {
		t.Errorf("the Url's own query survived a GET: %v", got.Query)
	}
	if got.HasAuth {
		t.Errorf("the Url's user:password survived a GET")
	}
	wantParams(t, got.Query, h, sid)
	// 1 s + 60 ms x 37 characters = 3.22 s.
	h.wantStatus(sid, 5419*ms, "in-progress")
	h.wantStatus(sid, 5420*ms, "completed")
	if d := intField(t, h.call(sid), "duration"); d != 3 {
		t.Errorf("duration %d, want 3", d)
	}
}

func TestRCMLParamsCallerNameNull(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response/>"))
	h := newHarness(t)
	// From "client:" leaves an empty user part: Restcomm sends the literal "null".
	h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "From": {"client:"}})
	h.at(2200 * ms)
	if got := next(t, fetches).PostForm; got.Get("CallerName") != "null" || got.Get("From") != "" {
		t.Fatalf("CallerName %q From %q, want null and empty", got.Get("CallerName"), got.Get("From"))
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

func TestLongMessageIsCutOffByTimeout(t *testing.T) {
	long := "<Say>" + strings.Repeat("a", 500) + "</Say>" // 31 s of speech
	cases := []struct {
		name    string
		doc     string
		timeout string
		end     time.Duration
	}{
		// The idle timer restarts at the answer (2.2 s) and fires Timeout later, mid-message.
		{"cut at answer + Timeout", "<Response>" + long + "</Response>", "10", 12200 * ms},
		// A leading Pause resets it: the message is cut Timeout after the pause ends.
		{"leading pause resets the timer", `<Response><Pause length="3"/>` + long + "</Response>", "10", 15200 * ms},
		{"two leading pauses", `<Response><Pause/><Pause length="2"/>` + long + "</Response>", "10", 15200 * ms},
		// A pause after the first verb resets nothing.
		{"later pause", "<Response><Say>a</Say><Pause length=\"3\"/>" + long + "</Response>", "10", 12200 * ms},
		// A message shorter than the Timeout plays to its end.
		{"short message", "<Response><Say>Hello</Say></Response>", "10", 3500 * ms},
		{"long Timeout", "<Response>" + long + "</Response>", "60", 2200*ms + 31*time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rcml, _ := recorder(t, serveDoc(200, "text/xml", tc.doc))
			h := newHarness(t)
			sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "Timeout": {tc.timeout}})
			h.wantStatus(sid, tc.end-ms, "in-progress")
			h.wantStatus(sid, tc.end, "completed")
			if d := intField(t, h.call(sid), "duration"); d != int((tc.end-2200*ms).Round(time.Second)/time.Second) {
				t.Errorf("duration %d", d)
			}
		})
	}
}

func TestRCMLNotFoundLeavesASilentCall(t *testing.T) {
	for _, tc := range []struct {
		timeout string
		end     time.Duration
	}{{"10", 7200 * ms}, {"3", 5200 * ms}} {
		t.Run("Timeout "+tc.timeout, func(t *testing.T) {
			rcml, fetches := recorder(t, serveDoc(404, "text/html", "<html>Not Found</html>"))
			fallback, fallbackFetches := recorder(t, serveDoc(200, "text/xml", "<Response/>"))
			h := newHarness(t)
			sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}, "FallbackUrl": {fallback.URL},
				"Timeout": {tc.timeout}})
			h.wantStatus(sid, 2200*ms, "in-progress")
			next(t, fetches)
			none(t, fallbackFetches, "fallback fetch after a 404")
			// The callee hears nothing and hangs up after 5 s, unless the idle Timeout fires first.
			h.wantStatus(sid, tc.end-ms, "in-progress")
			h.wantStatus(sid, tc.end, "completed")
			wantFields(t, "silent call", h.call(sid), map[string]any{"answered_by": "+12025550126",
				"duration": int((tc.end - 2200*ms) / time.Second), "end_time": present})
		})
	}
}

func TestRCMLWithoutContentTypeHangsUp(t *testing.T) {
	rcml, _ := recorder(t, serveDoc(200, "", "<Response><Say>hi</Say></Response>"))
	h := newHarness(t)
	sid := h.createSID("+12025550126", url.Values{"Url": {rcml.URL}})
	h.wantStatus(sid, 2200*ms, "completed")
	wantFields(t, "hung up", h.call(sid), map[string]any{"answered_by": "+12025550126", "duration": 0,
		"end_time": "2017-06-30T09:39:18.200Z"})
	if n := h.clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending", n)
	}
}

func TestRCMLRejectedCallFails(t *testing.T) {
	good := "<Response><Say>hi</Say></Response>"
	cases := []struct {
		name              string
		code              int
		contentType, body string
		chunked           bool
		override          string // a Url that reaches no test server
	}{
		{name: "HTTP 500", code: 500, contentType: "text/xml", body: good},
		{name: "HTTP 201", code: 201, contentType: "text/xml", body: good},
		{name: "HTTP 204", code: 204, contentType: "text/xml"},
		{name: "HTTP 302 without Location", code: 302, contentType: "text/xml", body: good},
		{name: "application/json", code: 200, contentType: "application/json", body: good},
		{name: "text/plain with a length", code: 200, contentType: "text/plain", body: "Hello"},
		{name: "text/plain XML with a length", code: 200, contentType: "text/plain", body: good},
		{name: "no content type, not XML", code: 200, contentType: "", body: "Hello"},
		{name: "unclosed element", code: 200, contentType: "text/xml", body: "<Response><Say>hi</Response>"},
		{name: "truncated", code: 200, contentType: "text/xml", body: "<Response><Say>hi</Say>"},
		{name: "empty body", code: 200, contentType: "text/xml", body: ""},
		{name: "blank body", code: 200, contentType: "text/xml", body: " \n "},
		{name: "two roots", code: 200, contentType: "text/xml", body: good + good},
		{name: "text after the root", code: 200, contentType: "text/xml", body: good + "x"},
		{name: "comment before declaration", code: 200, contentType: "text/xml",
			body: "<!-- flash call -->\n<?xml version=\"1.0\"?>" + good},
		// Without a Content-Length nothing is trimmed or repaired.
		{name: "chunked bare ampersand", code: 200, contentType: "text/xml", chunked: true,
			body: "<Response><Say>a & b</Say></Response>"},
		{name: "chunked blank line before declaration", code: 200, contentType: "text/xml", chunked: true,
			body: "\n<?xml version=\"1.0\"?>" + good},
		{name: "unreachable", override: "http://127.0.0.1:1/x.xml"},
		{name: "not a URL", override: "http://127.0.0.1:%zz/x.xml"},
		{name: "relative Url", override: "/flash.xml"},
		{name: "not http", override: "ftp://127.0.0.1/flash.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serve := serveDoc(tc.code, tc.contentType, tc.body)
			if tc.chunked {
				serve = serveChunked(tc.code, tc.contentType, tc.body)
			}
			rcml, fetches := recorder(t, serve)
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
			// FAILED has neither duration nor end_time; what the answer set stays.
			wantFields(t, "failed", h.call(sid), map[string]any{"duration": nil, "end_time": nil,
				"ring_duration": 2, "answered_by": "+12025550126"})
			if h.clk.Pending() != 0 {
				t.Errorf("%d timers pending after the call failed", h.clk.Pending())
			}
		})
	}
}

func TestRCMLAcceptedVariants(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		chunked                 bool
		talk                    time.Duration
	}{
		{"chunked text/plain is spoken", "text/plain; charset=utf-8", "Hello", true, 1300 * ms},
		{"application/xml", "application/xml", "<Response><Say>Hello</Say></Response>", false, 1300 * ms},
		{"text/html", "text/html; charset=utf-8", "<Response><Say>Hello</Say></Response>", false, 1300 * ms},
		{"chunked text/xml", "text/xml", "<Response><Say>Hello</Say></Response>", true, 1300 * ms},
		{"any root element", "text/xml", "<Document><Say>Hello</Say></Document>", false, 1300 * ms},
		{"bare ampersand repaired", "text/xml", "<Response><Say>a & b</Say></Response>", false, 1300 * ms},
		{"references kept", "text/xml", "<Response><Say>a&amp;b&#38;c&#x26;d&lt;</Say></Response>", false, 1480 * ms},
		{"white space trimmed", "text/xml", "\n  <?xml version=\"1.0\"?><Response><Say>Hello</Say></Response>\n\n",
			false, 1300 * ms},
		{"declaration first", "text/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` +
			"\n<Response><Say>Hello</Say></Response>", false, 1300 * ms},
		{"byte order mark then declaration", "text/xml", "\xef\xbb\xbf<?xml version=\"1.0\"?><Response/>", false, time.Second},
		{"latin-1 declaration", "text/xml", `<?xml version="1.0" encoding="ISO-8859-1"?><Response/>`, false, time.Second},
		{"stylesheet instruction after content", "text/xml",
			`<?xml version="1.0"?><!-- c --><?xml-stylesheet href="a.xsl"?><Response/>`, false, time.Second},
		{"comment after declaration", "text/xml", "<?xml version=\"1.0\"?>\n<!-- flash -->\n<Response/>", false, time.Second},
		{"unknown verbs skipped", "text/xml", "<Response><Dial>1</Dial><Say>Hello</Say></Response>", false, 1300 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serve := serveDoc(200, tc.contentType, tc.body)
			if tc.chunked {
				serve = serveChunked(200, tc.contentType, tc.body)
			}
			rcml, _ := recorder(t, serve)
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
