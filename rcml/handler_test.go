package rcml

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flashcall/flashcall/internal/syncbuf"
)

const testSID = "CA0123456789abcdef0123456789abcdef"

// restcommParams are the parameters Restcomm sends with an RCML fetch.
func restcommParams(sid string) url.Values {
	return url.Values{
		"CallSid": {sid}, "AccountSid": {"ACae6e420f425248d6a26948c17a9e2acf"}, "From": {"447418340465"},
		"To": {"+447400123456"}, "CallStatus": {"in-progress"}, "ApiVersion": {"2012-04-24"},
		"Direction": {"outbound-api"}, "CallerName": {"447418340465"}, "ForwardedFrom": {"null"},
		"CallTimestamp": {"Fri, 30 Jun 2017 09:39:16 +0000"}, "InstanceId": {"ID0123456789abcdef0123456789abcdef"},
	}
}

func newTestHandler(t *testing.T, o FlashOptions, lookup CodeLookup) (http.Handler, *syncbuf.Buffer) {
	t.Helper()
	logs := &syncbuf.Buffer{}
	h, err := NewHandler(o, lookup, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	return mount(h), logs
}

// mount serves h the way flashcall does: the shared address, the per-call addresses and the rest of their
// subtree, and (for the tests of the shared document) any other path.
func mount(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(StaticPath, h)
	mux.Handle(TokenPath, h)
	mux.Handle(TokenPattern, h)
	mux.Handle("/", h)
	return mux
}

func serve(h http.Handler, method, target string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func checkXMLReply(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %q", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
		t.Errorf("Content-Length %q, body is %d bytes", cl, w.Body.Len())
	}
	doc, err := Parse(w.Body.Bytes())
	if err != nil {
		t.Fatalf("served document does not parse: %v", err)
	}
	if err := Validate(doc); err != nil {
		t.Fatalf("served document is invalid: %v", err)
	}
	return w.Body.String()
}

func TestHandlerServesSeedToGetAndPost(t *testing.T) {
	h, logs := newTestHandler(t, FlashOptions{}, nil)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var w *httptest.ResponseRecorder
		if method == http.MethodGet {
			w = serve(h, method, "/rcml/flash.xml?"+restcommParams(testSID).Encode(), nil)
		} else {
			w = serve(h, method, "/rcml/flash.xml", restcommParams(testSID))
		}
		if body := checkXMLReply(t, w); body != seedXML {
			t.Errorf("%s body =\n%q\nwant\n%q", method, body, seedXML)
		}
	}
	out := logs.String()
	if strings.Count(out, "call_sid="+testSID) != 2 || !strings.Contains(out, "method=POST") || !strings.Contains(out, "call_status=in-progress") {
		t.Errorf("logs do not record both fetches with CallSid and status:\n%s", out)
	}
	for _, private := range []string{"7400123456", "7418340465"} {
		if strings.Contains(out, private) {
			t.Errorf("logs contain a phone number (%s):\n%s", private, out)
		}
	}
}

func TestHandlerRefusesOtherMethods(t *testing.T) {
	h, _ := newTestHandler(t, FlashOptions{}, nil)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions} {
		w := serve(h, m, "/x", nil)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, POST" {
			t.Errorf("%s: status %d, Allow %q; want 405 with Allow: GET, POST", m, w.Code, w.Header().Get("Allow"))
		}
	}
}

func TestHandlerBadPostBodyStillServes(t *testing.T) {
	h, logs := newTestHandler(t, FlashOptions{}, nil)
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader("CallSid=%zz"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if body := checkXMLReply(t, w); body != seedXML {
		t.Errorf("body %q", body)
	}
	if !strings.Contains(logs.String(), "unreadable parameters") {
		t.Errorf("bad body not logged:\n%s", logs)
	}
}

func TestNewHandlerValidates(t *testing.T) {
	cases := []struct {
		o      FlashOptions
		lookup CodeLookup
		want   string
	}{
		{FlashOptions{Language: "en-GB"}, nil, `language "en-GB" must be lower case: use "en-gb" (Restcomm silently falls back to "en")`},
		{FlashOptions{Voice: "robot"}, nil, `voice "robot" is not supported`},
		{FlashOptions{Loop: -2}, nil, "loop -2 must be 1 or more"},
		{FlashOptions{Text: "Code {code}"}, nil, "text contains {code} but there is no code lookup"},
	}
	for _, c := range cases {
		h, err := NewHandler(c.o, c.lookup, nil)
		if err == nil || h != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewHandler(%+v) = %v, %v; want an error containing %q", c.o, h, err, c.want)
		}
	}
	if _, err := NewHandler(FlashOptions{}, nil, nil); err != nil {
		t.Errorf("NewHandler with a nil logger and no placeholder: %v", err)
	}
}

func TestParseFetchParams(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/x?"+restcommParams(testSID).Encode(), nil)
	p, err := ParseFetchParams(r)
	if err != nil {
		t.Fatal(err)
	}
	want := FetchParams{CallSID: testSID, AccountSID: "ACae6e420f425248d6a26948c17a9e2acf", From: "447418340465",
		To: "+447400123456", CallStatus: "in-progress", APIVersion: "2012-04-24", Direction: "outbound-api",
		CallerName: "447418340465", ForwardedFrom: "", CallTimestamp: "Fri, 30 Jun 2017 09:39:16 +0000",
		InstanceID: "ID0123456789abcdef0123456789abcdef"}
	if p != want {
		t.Fatalf("ParseFetchParams =\n%+v\nwant\n%+v", p, want)
	}
	form := restcommParams(testSID)
	form.Set("ForwardedFrom", "+15550001111")
	r = httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p, err = ParseFetchParams(r); err != nil || p.ForwardedFrom != "+15550001111" || p.CallSID != testSID {
		t.Fatalf("POST ParseFetchParams = %+v, %v", p, err)
	}
}

// liveCalls is a CodeLookup over tokens of calls that are up; end spends a call's token.
type liveCalls struct {
	mu    sync.Mutex
	codes map[string]string // token -> code, while the call is up
	asked []string          // every token looked up, in order
}

func (l *liveCalls) lookup(ctx context.Context, token string) (string, bool) {
	if ctx == nil {
		panic("lookup without the request's context")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, token)
	switch token {
	case panicToken:
		panic("database is gone")
	case blankToken:
		return "  ", true
	}
	c, ok := l.codes[token]
	return c, ok
}

func (l *liveCalls) end(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.codes, token)
}

func (l *liveCalls) lookups() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.asked...)
}

var (
	panicToken = strings.Repeat("ab", TokenBytes)
	blankToken = strings.Repeat("cd", TokenBytes)
)

const spokenCodeText = "Your code is {code}."

func spoken(code string) string {
	return `<Say voice="woman" language="en-gb">Your code is ` + code + `.</Say>`
}

// neutralSay is what a fetch that carries no live call's token hears.
var neutralSay = spoken(NoCodePhrase)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 64 || !WellFormedToken(tok) {
			t.Fatalf("NewToken() = %q: want 64 lower-case hex digits (256 bits)", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken repeated %q", tok)
		}
		seen[tok] = true
	}
	for _, bad := range []string{"", "abc", strings.Repeat("A", 64), strings.Repeat("0", 63), strings.Repeat("0", 65),
		strings.Repeat("g", 64), testSID, strings.Repeat("0", 62) + "/x"} {
		if WellFormedToken(bad) {
			t.Errorf("WellFormedToken(%q) = true", bad)
		}
	}
}

func TestHandlerSpeaksTheCodeOnlyAtTheCallsOwnAddress(t *testing.T) {
	tok, other := NewToken(), NewToken()
	calls := &liveCalls{codes: map[string]string{tok: "4821", other: "7777"}}
	h, logs := newTestHandler(t, FlashOptions{Text: spokenCodeText}, calls.lookup)

	// Restcomm's GET replaces whatever query the Url had with its own parameters: the token is in the path.
	get := checkXMLReply(t, serve(h, http.MethodGet, TokenPath+tok+"?"+restcommParams(testSID).Encode(), nil))
	post := checkXMLReply(t, serve(h, http.MethodPost, TokenPath+tok, restcommParams(testSID)))
	for _, body := range []string{get, post} {
		if !strings.Contains(body, spoken("4, 8, 2, 1")) {
			t.Errorf("body %q does not speak the call's code", body)
		}
	}
	if got := calls.lookups(); len(got) != 2 || got[0] != tok || got[1] != tok {
		t.Errorf("looked up %d tokens, want the path's token twice", len(got))
	}

	// Once the call has ended its token gives nothing, whoever asks.
	calls.end(tok)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		w := serve(h, method, TokenPath+tok, restcommParams(testSID))
		if body := checkXMLReply(t, w); !strings.Contains(body, neutralSay) {
			t.Errorf("%s after the call ended: %q, want the neutral phrase", method, body)
		}
	}
	out := logs.String()
	for _, secret := range []string{tok, other, "4821", "4, 8, 2, 1"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds a token or the code (%s):\n%s", secret, out)
		}
	}
	for _, want := range []string{"code_found=true", "code_found=false", "level=WARN", "its call has ended"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

func TestHandlerGivesTheNeutralPhraseToAnyOtherAddress(t *testing.T) {
	live := NewToken()
	forged := live[:63] + "0" // one hex digit off the live token
	if live[63] == '0' {
		forged = live[:63] + "1"
	}
	calls := &liveCalls{codes: map[string]string{live: "4821"}}
	h, logs := newTestHandler(t, FlashOptions{Text: spokenCodeText}, calls.lookup)
	cases := []struct {
		name, path string
		lookedUp   string // the token the look-up must be asked for, "" when it must not run
	}{
		{"unknown token", TokenPath + NewToken(), "unknown"},
		{"forged from the live token", TokenPath + forged, "forged"},
		{"panicking look-up", TokenPath + panicToken, panicToken},
		{"blank code", TokenPath + blankToken, blankToken},
		{"empty token", TokenPath, ""},
		{"upper-case token", TokenPath + strings.ToUpper(live), ""},
		{"short token", TokenPath + live[:32], ""},
		{"call SID as token", TokenPath + testSID, ""},
		{"below a token", TokenPath + live + "/more", ""},
		{"static address", StaticPath, ""},
		{"elsewhere", "/x", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(calls.lookups())
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var w *httptest.ResponseRecorder
				if method == http.MethodGet {
					w = serve(h, method, c.path+"?"+restcommParams(testSID).Encode(), nil)
				} else {
					w = serve(h, method, c.path, restcommParams(testSID))
				}
				if body := checkXMLReply(t, w); !strings.Contains(body, neutralSay) {
					t.Errorf("%s %s: %q, want the neutral phrase", method, c.path, body)
				}
			}
			asked := calls.lookups()[before:]
			if c.lookedUp == "" && len(asked) != 0 {
				t.Errorf("looked up %d tokens for an address that carries none", len(asked))
			}
			if c.lookedUp != "" && len(asked) != 2 {
				t.Errorf("looked up %d tokens, want 2", len(asked))
			}
		})
	}
	out := logs.String()
	for _, want := range []string{"no token in the address", "malformed token", "panicked", "code_found=false"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "code_found=true") || strings.Contains(out, live) || strings.Contains(out, "4821") {
		t.Errorf("a code was found, or the log holds the token or the code:\n%s", out)
	}
}

// TestHandlerCallSIDSelectsNoCode: knowing a live call's SID (every operator sees it) is worth nothing.
func TestHandlerCallSIDSelectsNoCode(t *testing.T) {
	tok := NewToken()
	calls := &liveCalls{codes: map[string]string{tok: "4821"}}
	h, _ := newTestHandler(t, FlashOptions{Text: spokenCodeText}, calls.lookup)
	for _, target := range []string{StaticPath, TokenPath, TokenPath + testSID, "/"} {
		get := checkXMLReply(t, serve(h, http.MethodGet, target+"?"+restcommParams(testSID).Encode(), nil))
		post := checkXMLReply(t, serve(h, http.MethodPost, target, restcommParams(testSID)))
		for _, body := range []string{get, post} {
			if !strings.Contains(body, neutralSay) || strings.Contains(body, "4, 8, 2, 1") {
				t.Errorf("%s with the live call's CallSid: %q, want the neutral phrase", target, body)
			}
		}
	}
	if n := len(calls.lookups()); n != 0 {
		t.Errorf("%d look-ups: the CallSid must never be looked up", n)
	}
}

// TestHandlerOverHTTP fetches the document the way Restcomm does, over a real loopback connection: a GET
// whose query string Restcomm replaced with its own parameters, and a POST.
func TestHandlerOverHTTP(t *testing.T) {
	tok := NewToken()
	calls := &liveCalls{codes: map[string]string{tok: "907"}}
	h, _ := newTestHandler(t, FlashOptions{Text: "Code {code}.", Voice: "man", Language: "en-au"}, calls.lookup)
	srv := httptest.NewServer(h)
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on loopback: %s", srv.URL)
	}
	want := Declaration + "\n" + `<Response><Say voice="man" language="en-au">Code 9, 0, 7.</Say></Response>` + "\n"
	u, err := url.Parse(srv.URL + TokenPath + tok + "?token=lost-on-GET")
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = restcommParams(testSID).Encode() // what Restcomm does to the Url of a GET fetch
	get, err := srv.Client().Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	post, err := srv.Client().PostForm(srv.URL+TokenPath+tok, restcommParams(testSID))
	if err != nil {
		t.Fatal(err)
	}
	for _, resp := range []*http.Response{get, post} {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentType || string(body) != want {
			t.Errorf("%s: %d %q\n%q\nwant\n%q", resp.Request.Method, resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q: a document with a code must never be cached", resp.Request.Method, cc)
		}
	}
}
