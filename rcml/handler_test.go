package rcml

import (
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
	return h, logs
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

func TestHandlerSpeaksCode(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	lookup := func(sid string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, sid)
		if sid == testSID {
			return "4821", true
		}
		return "", false
	}
	h, logs := newTestHandler(t, FlashOptions{Text: "Your code is {code}."}, lookup)

	want := `<Say voice="woman" language="en-gb">Your code is 4, 8, 2, 1.</Say>`
	get := checkXMLReply(t, serve(h, http.MethodGet, "/x?"+restcommParams(testSID).Encode(), nil))
	post := checkXMLReply(t, serve(h, http.MethodPost, "/x", restcommParams(testSID)))
	for _, body := range []string{get, post} {
		if !strings.Contains(body, want) {
			t.Errorf("body %q does not contain %q", body, want)
		}
	}
	if strings.Join(asked, ",") != testSID+","+testSID {
		t.Errorf("lookup asked for %q, want the CallSid twice", asked)
	}
	if out := logs.String(); strings.Contains(out, "4821") || !strings.Contains(out, "code_found=true") {
		t.Errorf("logs must say a code was found but never show it:\n%s", out)
	}
}

func TestHandlerNeverFailsTheCallWithoutCode(t *testing.T) {
	other := "CAffffffffffffffffffffffffffffffff"
	lookup := func(sid string) (string, bool) {
		switch sid {
		case "CApanic":
			panic("database is gone")
		case "CAempty":
			return "  ", true
		}
		return "", false
	}
	h, logs := newTestHandler(t, FlashOptions{Text: "Your code is {code}."}, lookup)
	want := "Your code is " + NoCodePhrase + "."
	for _, sid := range []string{other, "CApanic", "CAempty", ""} {
		body := checkXMLReply(t, serve(h, http.MethodPost, "/x", restcommParams(sid)))
		if !strings.Contains(body, want) {
			t.Errorf("CallSid %q: body %q does not contain %q", sid, body, want)
		}
	}
	out := logs.String()
	for _, s := range []string{"level=WARN", "call_sid=" + other, "no CallSid", "panicked", "code_found=false"} {
		if !strings.Contains(out, s) {
			t.Errorf("logs lack %q:\n%s", s, out)
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

// TestHandlerOverHTTP fetches the document the way Restcomm does, over a real loopback connection.
func TestHandlerOverHTTP(t *testing.T) {
	h, _ := newTestHandler(t, FlashOptions{Text: "Code {code}.", Voice: "man", Language: "en-au"},
		func(string) (string, bool) { return "907", true })
	srv := httptest.NewServer(h)
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on loopback: %s", srv.URL)
	}
	want := Declaration + "\n" + `<Response><Say voice="man" language="en-au">Code 9, 0, 7.</Say></Response>` + "\n"
	get, err := srv.Client().Get(srv.URL + "/rcml?" + restcommParams(testSID).Encode())
	if err != nil {
		t.Fatal(err)
	}
	post, err := srv.Client().PostForm(srv.URL+"/rcml", restcommParams(testSID))
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
	}
}
