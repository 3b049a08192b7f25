package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo database

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// epoch is the fake clock's start: the moment of the create reply captured in restcomm.md.
func epoch() time.Time { return time.Date(2017, 6, 30, 9, 39, 16, 0, time.UTC) }

// harness drives one simulator on a fake clock through its http.Handler.
type harness struct {
	t   *testing.T
	clk *clock.Fake
	srv *sim.Server
	log *syncbuf.Buffer
}

// newHarness starts a simulator on a fake clock; tweak adjusts the options first.
func newHarness(t *testing.T, tweak ...func(*sim.Options)) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewFake(epoch()), log: &syncbuf.Buffer{}}
	o := sim.Options{Clock: h.clk, Logger: newLogger(h.log)}
	for _, f := range tweak {
		f(&o)
	}
	h.srv = sim.New(o)
	t.Cleanup(h.srv.Close)
	return h
}

// callsURL is the path of the Calls collection for the server's account.
func (h *harness) callsURL() string {
	return "/restcomm/2012-04-24/Accounts/" + h.srv.AccountSID() + "/Calls.json"
}

// callURL is the path of one call.
func (h *harness) callURL(sid string) string {
	return "/restcomm/2012-04-24/Accounts/" + h.srv.AccountSID() + "/Calls/" + sid + ".json"
}

// do serves one authenticated request in process. A non-nil form is sent as a form body.
func (h *harness) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	h.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.SetBasicAuth(h.srv.AccountSID(), h.srv.AuthToken())
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	return rec
}

// create places a call to `to` with Timeout 10 and the given extra parameters; it returns the reply's fields.
func (h *harness) create(to string, extra url.Values) map[string]any {
	h.t.Helper()
	form := url.Values{"From": {"447418340465"}, "To": {to}, "Url": {"http://127.0.0.1:1/never.xml"},
		"Timeout": {"10"}}
	for k, v := range extra {
		form[k] = v
	}
	rec := h.do(http.MethodPost, h.callsURL(), form)
	if rec.Code != http.StatusOK {
		h.t.Fatalf("create %s: HTTP %d %q", to, rec.Code, rec.Body.String())
	}
	return decodeObject(h.t, rec.Body.Bytes())
}

// createSID is create returning only the SID.
func (h *harness) createSID(to string, extra url.Values) string {
	h.t.Helper()
	return h.create(to, extra)["sid"].(string)
}

// call fetches a call's fields with GET.
func (h *harness) call(sid string) map[string]any {
	h.t.Helper()
	rec := h.do(http.MethodGet, h.callURL(sid), nil)
	if rec.Code != http.StatusOK {
		h.t.Fatalf("get %s: HTTP %d %q", sid, rec.Code, rec.Body.String())
	}
	return decodeObject(h.t, rec.Body.Bytes())
}

// status is the call's wire status.
func (h *harness) status(sid string) string {
	h.t.Helper()
	return h.call(sid)["status"].(string)
}

// at advances the fake clock to epoch + d.
func (h *harness) at(d time.Duration) {
	h.t.Helper()
	step := epoch().Add(d).Sub(h.clk.Now())
	if step < 0 {
		h.t.Fatalf("clock already past %v", d)
	}
	h.clk.Advance(step)
}

// wantStatus asserts the call's status after advancing to epoch + d.
func (h *harness) wantStatus(sid string, d time.Duration, want string) {
	h.t.Helper()
	h.at(d)
	if got := h.status(sid); got != want {
		h.t.Fatalf("at %v: status %q, want %q", d, got, want)
	}
}

func decodeObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("reply is not a JSON object: %v: %q", err, b)
	}
	return m
}

// intField reads a JSON number field, failing when it is absent.
func intField(t *testing.T, m map[string]any, key string) int {
	t.Helper()
	v, ok := m[key]
	if !ok {
		t.Fatalf("field %q absent in %v", key, m)
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("field %q is %T, want a number", key, v)
	}
	return int(f)
}

// captured is one request a test server received.
type captured struct {
	Method      string
	ContentType string
	Query       url.Values
	PostForm    url.Values
	Form        url.Values
	RawQuery    string // the query string as sent
	RawBody     string // the body as sent
	HasAuth     bool   // the request carried an Authorization header
}

// recorder is an httptest server on 127.0.0.1 that records every request and answers with reply.
func recorder(t *testing.T, reply http.HandlerFunc) (*httptest.Server, chan captured) {
	t.Helper()
	ch := make(chan captured, 1024)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("test server: %v", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		if err := r.ParseForm(); err != nil {
			t.Errorf("test server: %v", err)
		}
		select {
		case ch <- captured{Method: r.Method, ContentType: r.Header.Get("Content-Type"), Query: r.URL.Query(),
			PostForm: r.PostForm, Form: r.Form, RawQuery: r.URL.RawQuery, RawBody: string(raw),
			HasAuth: r.Header.Get("Authorization") != ""}:
		default:
			t.Errorf("test server: more requests than the test can hold")
		}
		reply(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, ch
}

// serveDoc replies with a fixed status, content type and body.
func serveDoc(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType == "" {
			w.Header()["Content-Type"] = nil // no header at all, and no sniffing
		} else {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

// serveChunked is serveDoc with the body sent chunked, without a Content-Length.
func serveChunked(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		w.(http.Flusher).Flush() // headers out before the body: the length is unknown, so it goes chunked
		_, _ = w.Write([]byte(body))
	}
}

// present stands for "any value" in wantFields.
const present = "<present>"

// wantFields checks a call record's fields: a nil value means the key must be absent, present that it must be
// there, an int a JSON number, a string that exact string.
func wantFields(t *testing.T, what string, m map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := m[k]
		switch w := w.(type) {
		case nil:
			if ok {
				t.Errorf("%s: %s = %v, want it absent", what, k, got)
			}
		case int:
			if f, isNum := got.(float64); !ok || !isNum || int(f) != w {
				t.Errorf("%s: %s = %v, want %d", what, k, got, w)
			}
		case string:
			if !ok || (w != present && got != w) {
				t.Errorf("%s: %s = %v (present %v), want %q", what, k, got, ok, w)
			}
		default:
			t.Fatalf("wantFields: unsupported %T", w)
		}
	}
}

// next receives one value or fails after a generous bound (a guard against hangs, not a synchronisation delay).
func next[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a request")
		panic("unreachable")
	}
}

// none asserts nothing has arrived on ch.
func none[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %+v", what, v)
	default:
	}
}

// newLogger logs everything, debug included, so the token-leak test sees every line the simulator can write.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
