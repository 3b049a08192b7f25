package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/rcml"
)

const goodDoc = rcml.Declaration + "\n" +
	`<Response><Say voice="woman" language="en-gb">Your phone number has been confirmed.</Say></Response>` + "\n"

// sayDoc is a document with one Say of the given language and text.
func sayDoc(lang, text string) string {
	return rcml.Declaration + `<Response><Say voice="woman" language="` + lang + `">` + text + `</Say></Response>`
}

// serveXML answers with body as text/xml.
func serveXML(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", rcml.ContentType)
		_, _ = w.Write([]byte(body))
	}
}

// seen is what the test server received.
type seen struct {
	mu       sync.Mutex
	method   string
	rawQuery string
	ctype    string
	form     url.Values
	hits     int
}

func TestDoctorRCMLCheck(t *testing.T) {
	long := strings.Repeat("Your code is one two three four. ", 6) // 197 characters: about 13 s
	cases := []struct {
		name    string
		serve   http.HandlerFunc
		method  string // empty: Restcomm's default, POST
		path    string // appended to the server's URL; default /rcml.xml
		timeout int    // ring timeout; default 10
		client  *http.Client
		fails   []string // substrings, one per expected FAIL finding (none: the document must pass)
		warns   []string // substrings, one per expected warning
		infos   []string // substrings expected among the ok findings
		check   func(t *testing.T, s *seen)
	}{
		{name: "200 good document by POST", serve: serveXML(goodDoc), method: "POST",
			infos: []string{"POST, HTTP 200 text/xml", "about 2.5 s of speech"},
			check: func(t *testing.T, s *seen) {
				if s.method != "POST" || s.ctype != "application/x-www-form-urlencoded" {
					t.Errorf("request %s with Content-Type %q, want a POSTed form", s.method, s.ctype)
				}
				want := map[string]string{"CallSid": fakeCallSID, "AccountSid": fakeAccountSID, "From": fakeFrom,
					"To": fakeTo, "CallStatus": "in-progress", "ApiVersion": "2012-04-24", "Direction": "outbound-api",
					"CallerName": fakeCallerName, "ForwardedFrom": "null", "InstanceId": fakeInstanceID}
				for k, v := range want {
					if got := s.form.Get(k); got != v {
						t.Errorf("form %s = %q, want %q", k, got, v)
					}
				}
				if _, err := time.Parse(time.RFC3339, s.form.Get("CallTimestamp")); err != nil {
					t.Errorf("CallTimestamp %q is not ISO 8601: %v", s.form.Get("CallTimestamp"), err)
				}
			}},
		{name: "empty method means POST", serve: serveXML(goodDoc), method: "",
			check: func(t *testing.T, s *seen) {
				if s.method != "POST" {
					t.Errorf("method %s, want Restcomm's default POST", s.method)
				}
			}},
		{name: "200 good document by GET carries the parameters in the query", serve: serveXML(goodDoc), method: "GET",
			infos: []string{"GET, HTTP 200 text/xml"},
			check: func(t *testing.T, s *seen) {
				q, _ := url.ParseQuery(s.rawQuery)
				if s.method != "GET" || q.Get("CallStatus") != "in-progress" || q.Get("CallSid") != fakeCallSID {
					t.Errorf("GET %q, want Restcomm's parameters in the query", s.rawQuery)
				}
			}},
		{name: "201 fails", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(goodDoc))
		}, fails: []string{"HTTP 201: Restcomm needs exactly 200 and fails the call on 201"}},
		{name: "204 fails", serve: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) },
			fails: []string{"HTTP 204: Restcomm needs exactly 200 and fails the call on 204"}},
		{name: "404 leaves a silent call", serve: http.NotFound,
			fails: []string{`HTTP 404: "404 page not found": after answer Restcomm leaves the customer on a silent call`}},
		{name: "500 with an HTML page shows no markup", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><body><h1>Internal error</h1><script>x()</script></body></html>"))
		}, fails: []string{"HTTP 500: Restcomm needs exactly 200 and fails the call"}},
		{name: "redirects are followed", path: "/old", serve: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/rcml.xml", http.StatusFound)
				return
			}
			serveXML(goodDoc)(w, r)
		}, method: "GET"},
		{name: "text/plain with a length fails", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(goodDoc))
		}, fails: []string{"Content-Type text/plain with a Content-Length: Restcomm fails the call"}},
		{name: "chunked text/plain is spoken as text", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(goodDoc))
		}, fails: []string{"text/plain sent chunked"}},
		{name: "no Content-Type hangs up", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // no sniffing either
			_, _ = w.Write([]byte(goodDoc))
		}, fails: []string{"no Content-Type: Restcomm hangs up"}},
		{name: "text/html is read as RCML", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(goodDoc))
		}, infos: []string{"HTTP 200 text/html"}},
		{name: "application/xml is read as RCML", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write([]byte(goodDoc))
		}},
		{name: "JSON is not RCML", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(goodDoc))
		}, fails: []string{"Content-Type application/json is not read as RCML"}},
		{name: "comment before <?xml fails", serve: serveXML("<!-- flash call -->\n" + goodDoc),
			fails: []string{"a comment comes before <?xml"}},
		{name: "white space before <?xml is trimmed", serve: serveXML("\n\n   \t" + goodDoc + "\n\n")},
		{name: "empty 200 fails", serve: serveXML(" \n"), fails: []string{"the reply is empty"}},
		{name: "not XML fails", serve: serveXML(`<Response><Say>unclosed</Response>`),
			fails: []string{"not well-formed XML"}},
		{name: "bare & is repaired", serve: serveXML(sayDoc("en-gb", "Tom & Jerry &amp; friends &#38; co")),
			warns: []string{"1 bare & in the document: Restcomm repairs them"}},
		{name: "GET with a query string is refused", path: "/rcml.xml?token=s3cretvalue&id=7", method: "GET",
			serve: serveXML(goodDoc),
			fails: []string{"query string (?id, token) and Restcomm drops it when it fetches with GET: put it in the path"},
			check: func(t *testing.T, s *seen) {
				q, _ := url.ParseQuery(s.rawQuery)
				if q.Has("token") || q.Has("id") || q.Get("CallSid") != fakeCallSID {
					t.Errorf("GET query %q: Restcomm replaces the URL's query with its parameters", s.rawQuery)
				}
			}},
		{name: "POST keeps a query string", path: "/rcml.xml?token=abc", method: "POST", serve: serveXML(goodDoc),
			check: func(t *testing.T, s *seen) {
				if s.rawQuery != "token=abc" {
					t.Errorf("POST query %q, want the URL's own", s.rawQuery)
				}
			}},
		{name: "long Say against the ring Timeout fails", serve: serveXML(sayDoc("en-gb", long)),
			fails: []string{"about 13.1 s of speech (197 characters at 15 a second) is not shorter than the ring Timeout of 10 s"}},
		{name: "long Say with a longer Timeout passes", serve: serveXML(sayDoc("en-gb", long)), timeout: 30,
			infos: []string{"about 13.1 s of speech, under the ring Timeout of 30 s"}},
		{name: "Say close to the Timeout warns", serve: serveXML(sayDoc("en-gb", strings.Repeat("x", 135))),
			warns: []string{"about 9.0 s of speech is close to the ring Timeout of 10 s"}},
		{name: "leading Pause lets a long Say through",
			serve: serveXML(rcml.Declaration + `<Response><Pause length="1"/><Say language="en-gb">` + long + `</Say></Response>`),
			infos: []string{"starts with <Pause>"}},
		{name: "loop 0 never ends", serve: serveXML(rcml.Declaration + `<Response><Say loop="0">Hi</Say></Response>`),
			fails: []string{`loop="0" repeats for ever`}},
		{name: "Play cannot be timed", serve: serveXML(rcml.Declaration + `<Response><Play>http://x/a.wav</Play></Response>`),
			warns: []string{"1 <Play> whose length cannot be checked"}},
		{name: "language it warns", serve: serveXML(sayDoc("it", "Il suo numero è confermato.")),
			warns: []string{`language "it" is broken on Restcomm's default VoiceRSS engine`}},
		{name: "language en-GB warns", serve: serveXML(sayDoc("en-GB", "Confirmed.")),
			warns: []string{`language "en-GB" must be lower case: use "en-gb"`}},
		{name: "language IT warns twice", serve: serveXML(sayDoc("IT", "Confermato.")),
			warns: []string{`language "IT" must be lower case: use "it"`, `language "it" is broken`}},
		{name: "invalid verbs fail", serve: serveXML(rcml.Declaration + `<Response><Say voice="robot">Hi</Say><Pause length="0"/></Response>`),
			fails: []string{`/Response/Say[1]: voice "robot" is not supported`, `/Response/Pause[1]: length 0 must be at least 1 second`}},
		{name: "slow server times out", serve: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			client: &http.Client{Timeout: 100 * time.Millisecond},
			fails:  []string{"no reply within 6s: Restcomm gives up after about 6s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &seen{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.mu.Lock()
				s.hits++
				if r.URL.Path == "/rcml.xml" {
					s.method, s.rawQuery, s.ctype = r.Method, r.URL.RawQuery, r.Header.Get("Content-Type")
					_ = r.ParseForm()
					s.form = r.PostForm
				}
				s.mu.Unlock()
				c.serve(w, r)
			}))
			defer srv.Close()
			path, timeout := c.path, c.timeout
			if path == "" {
				path = "/rcml.xml"
			}
			if timeout == 0 {
				timeout = 10
			}
			p := rcmlProbe{url: srv.URL + path, method: c.method, ringTimeout: timeout, client: c.client}
			got := p.check(context.Background())
			assertFindings(t, got, sevFail, c.fails)
			assertFindings(t, got, sevWarn, c.warns)
			for _, want := range c.infos {
				if !hasFinding(got, sevOK, want) {
					t.Errorf("no ok finding with %q in %v", want, got)
				}
			}
			for _, f := range got {
				if strings.ContainsAny(f.msg, "\n\r") || strings.Contains(f.msg, "<html") ||
					strings.Contains(f.msg, "<script") || strings.Contains(f.msg, "s3cretvalue") {
					t.Errorf("finding leaks markup, a secret or a line break: %q", f.msg)
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.hits == 0 {
				t.Fatal("the document was never fetched")
			}
			if c.check != nil {
				c.check(t, s)
			}
		})
	}
}

// assertFindings checks that the findings of severity sev are exactly one per wanted substring, in order.
func assertFindings(t *testing.T, got []finding, sev severity, want []string) {
	t.Helper()
	var msgs []string
	for _, f := range got {
		if f.sev == sev {
			msgs = append(msgs, f.msg)
		}
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d findings of severity %d, want %d (%q):\n%s", len(msgs), sev, len(want), want, strings.Join(msgs, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(msgs[i], w) {
			t.Errorf("finding %d = %q, want it to contain %q", i, msgs[i], w)
		}
	}
}

func hasFinding(got []finding, sev severity, want string) bool {
	for _, f := range got {
		if f.sev == sev && strings.Contains(f.msg, want) {
			return true
		}
	}
	return false
}

func TestDoctorRCMLCheckWithoutAServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	gone := srv.URL + "/rcml.xml"
	srv.Close()
	cases := []struct {
		name, url, method, want string
	}{
		{"no URL", "", "GET", "no RCML URL: set call.rcml_url, or server.public_url"},
		{"relative URL", "/rcml.xml", "GET", "not an absolute http(s) URL"},
		{"bad method", "http://127.0.0.1:1/x", "PUT", `call.rcml_method "PUT"`},
		{"unreachable", gone, "POST", "Restcomm must be able to reach this URL"},
		{"user:password on GET", "http://user:pw@127.0.0.1:1/rcml.xml", "GET", "user:password and Restcomm drops it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rcmlProbe{url: c.url, method: c.method, ringTimeout: 10}.check(context.Background())
			if !hasFinding(got, sevFail, c.want) {
				t.Fatalf("findings %v, want a failure with %q", got, c.want)
			}
			for _, f := range got {
				if strings.Contains(f.msg, "pw@") {
					t.Errorf("the URL's password is in %q", f.msg)
				}
			}
		})
	}
}

func TestDoctorRepairAmpersands(t *testing.T) {
	cases := []struct {
		in, out string
		n       int
	}{
		{"no ampersand", "no ampersand", 0},
		{"a & b", "a &amp; b", 1},
		{"&amp;&lt;&gt;&quot;&apos;", "&amp;&lt;&gt;&quot;&apos;", 0},
		{"&#38;&#x26;&#X26;", "&#38;&#x26;&amp;#X26;", 1},
		{"&nbsp; &#; &#xZZ; &", "&amp;nbsp; &amp;#; &amp;#xZZ; &amp;", 4},
		{"AT&T;", "AT&amp;T;", 1},
	}
	for _, c := range cases {
		got, n := repairAmpersands([]byte(c.in))
		if string(got) != c.out || n != c.n {
			t.Errorf("repairAmpersands(%q) = %q, %d; want %q, %d", c.in, got, n, c.out, c.n)
		}
	}
}

func TestDoctorDisplayURLHidesSecrets(t *testing.T) {
	cases := map[string]string{
		"http://h/rcml.xml":                                                     "http://h/rcml.xml",
		"https://u:secret@h/rcml.xml?token=t0":                                  "https://h/rcml.xml?…",
		"https://h/base/rcml/" + strings.Repeat("0a", rcml.TokenBytes):          "https://h/base/rcml/{token}",
		"https://h/rcml/" + strings.Repeat("0a", rcml.TokenBytes) + "?x=1#frag": "https://h/rcml/{token}?…",
		"https://h/rcml/not-a-token":                                            "https://h/rcml/not-a-token",
	}
	for in, want := range cases {
		if got := displayURL(in); got != want {
			t.Errorf("displayURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDoctorRCMLCheckOfAPerCallAddress probes the per-call address form with a token no call holds, as the
// doctor does when the document speaks the code: the real handler answers it with the neutral phrase.
func TestDoctorRCMLCheckOfAPerCallAddress(t *testing.T) {
	h, err := rcml.NewHandler(rcml.FlashOptions{Text: "Your code is {code}."},
		func(context.Context, string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(rcml.TokenPattern, h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	probe := srv.URL + rcml.TokenPath + strings.Repeat("0", 2*rcml.TokenBytes)
	got := rcmlProbe{url: probe, method: "GET", ringTimeout: 10}.check(context.Background())
	for _, f := range got {
		if f.sev != sevOK {
			t.Errorf("finding %v, want none but ok ones", f)
		}
	}
	if !hasFinding(got, sevOK, "every call gets its own address") || !hasFinding(got, sevOK, "GET, HTTP 200 text/xml") {
		t.Errorf("findings %v, want the per-call note and the fetch", got)
	}
	if d := displayURL(probe); d != srv.URL+rcml.TokenPath+"{token}" {
		t.Errorf("displayURL(the probe) = %q", d)
	}
}
