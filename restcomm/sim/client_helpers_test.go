package sim_test

// Plumbing for client_test.go: the restcomm client talking HTTP to the simulator on 127.0.0.1, with a tap
// that records every request the simulator serves and the status it answered.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// Credentials of the simulator in the client tests: not the defaults, so nothing can pass by accident.
const (
	simAccount = "AC0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	simToken   = "5ec7e75ec7e75ec7e75ec7e75ec7e7aa"
)

// tapped is what the tap saw of one request, and the status the simulator answered (0: no reply at all).
type tapped struct {
	Method, Path string
	Form         url.Values // the form body, parsed from a copy
	User, Pass   string
	HasAuth      bool
	UserAgent    string
	ContentType  string
	Code         int
}

// tap wraps the simulator's handler, recording each request. before, when set, runs ahead of the simulator
// with the 1-based number of the request.
type tap struct {
	h      http.Handler
	mu     sync.Mutex
	reqs   []tapped
	before func(n int, r *http.Request)
}

// ServeHTTP records r, runs the hook, then lets the simulator answer through a writer that notes the status.
func (tp *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	user, pass, ok := r.BasicAuth()
	tp.mu.Lock()
	tp.reqs = append(tp.reqs, tapped{Method: r.Method, Path: r.URL.Path, Form: form, User: user, Pass: pass,
		HasAuth: ok, UserAgent: r.UserAgent(), ContentType: r.Header.Get("Content-Type")})
	n := len(tp.reqs)
	hook := tp.before
	tp.mu.Unlock()
	if hook != nil {
		hook(n, r)
	}
	sw := &statusWriter{ResponseWriter: w}
	tp.h.ServeHTTP(sw, r)
	tp.mu.Lock()
	tp.reqs[n-1].Code = sw.code
	tp.mu.Unlock()
}

// setBefore installs the hook.
func (tp *tap) setBefore(f func(n int, r *http.Request)) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	tp.before = f
}

// requests returns a copy of what the tap saw.
func (tp *tap) requests() []tapped {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([]tapped(nil), tp.reqs...)
}

// count is how many requests had this method and a path ending in suffix.
func (tp *tap) count(method, suffix string) int {
	n := 0
	for _, r := range tp.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// creates counts create POSTs (POST .../Calls.json).
func (tp *tap) creates() int { return tp.count(http.MethodPost, "/Calls.json") }

// lists counts list GETs (GET .../Calls.json).
func (tp *tap) lists() int { return tp.count(http.MethodGet, "/Calls.json") }

// statusWriter notes the status code the simulator writes. Unwrap lets http.NewResponseController reach the
// connection, so the simulator can still hijack and drop it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

// WriteHeader notes code.
func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write notes the implicit 200.
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap returns the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// simEnv is one simulator on a fake clock, served over HTTP on 127.0.0.1 through a tap.
type simEnv struct {
	t       *testing.T
	clk     *clock.Fake
	srv     *sim.Server
	tap     *tap
	http    *httptest.Server
	simLogs *syncbuf.Buffer
}

// newSimEnv starts the simulator; tweak adjusts its options first.
func newSimEnv(t *testing.T, tweak ...func(*sim.Options)) *simEnv {
	t.Helper()
	e := &simEnv{t: t, clk: clock.NewFake(epoch()), simLogs: &syncbuf.Buffer{}}
	o := sim.Options{AccountSID: simAccount, AuthToken: simToken, Clock: e.clk, Logger: newLogger(e.simLogs)}
	for _, f := range tweak {
		f(&o)
	}
	e.srv = sim.New(o)
	e.tap = &tap{h: e.srv}
	e.http = httptest.NewServer(e.tap)
	t.Cleanup(func() {
		e.srv.Close()
		e.http.Close()
		if strings.Contains(e.simLogs.String(), simToken) {
			t.Errorf("the auth token appears in the simulator's log:\n%s", e.simLogs.String())
		}
	})
	return e
}

// base is the client's base URL for the simulator.
func (e *simEnv) base() string { return e.http.URL + "/restcomm" }

// client returns a client with the simulator's credentials (unless opts say otherwise), three tries without
// delay for GETs, its own transport and a debug log checked for the token when the test ends.
func (e *simEnv) client(opts ...restcomm.Option) *restcomm.Client {
	e.t.Helper()
	return e.clientAs(e.base(), simAccount, simToken, opts...)
}

// clientAs is client with another base URL, account SID or token.
func (e *simEnv) clientAs(base, account, token string, opts ...restcomm.Option) *restcomm.Client {
	e.t.Helper()
	logs := &syncbuf.Buffer{}
	tr := &http.Transport{}
	all := []restcomm.Option{
		restcomm.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 3}),
		restcomm.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	c, err := restcomm.New(base, account, token, append(all, opts...)...)
	if err != nil {
		e.t.Fatalf("restcomm.New: %v", err)
	}
	e.t.Cleanup(func() {
		tr.CloseIdleConnections()
		for _, secret := range []string{simToken, token} {
			if strings.Contains(logs.String(), secret) {
				e.t.Errorf("an auth token appears in the client's log:\n%s", logs.String())
			}
		}
	})
	return c
}

// at advances the fake clock to epoch + d.
func (e *simEnv) at(d time.Duration) {
	e.t.Helper()
	step := epoch().Add(d).Sub(e.clk.Now())
	if step < 0 {
		e.t.Fatalf("clock already past %v", d)
	}
	e.clk.Advance(step)
}

// params is a create request to `to` that rings for 10 s; its Url is never fetched unless the call is answered.
func params(to string) restcomm.CallParams {
	return restcomm.CallParams{From: "447418340465", To: to, URL: "http://127.0.0.1:1/never.xml", Timeout: 10}
}

// create places one call and returns it, failing the test on any error.
func create(t *testing.T, c *restcomm.Client, p restcomm.CallParams) restcomm.Call {
	t.Helper()
	calls, err := c.CreateCall(t.Context(), p)
	if err != nil {
		t.Fatalf("CreateCall(%s): %v", p.To, err)
	}
	if len(calls) != 1 {
		t.Fatalf("CreateCall(%s) returned %d calls, want 1", p.To, len(calls))
	}
	return calls[0]
}

// get fetches a call, failing the test on any error.
func get(t *testing.T, c *restcomm.Client, sid string) *restcomm.Call {
	t.Helper()
	call, err := c.GetCall(t.Context(), sid)
	if err != nil {
		t.Fatalf("GetCall(%s): %v", sid, err)
	}
	return call
}

// wantStatus asserts both the wire spelling and its normalised Status.
func wantStatus(t *testing.T, what string, call *restcomm.Call, raw string, status restcomm.Status) {
	t.Helper()
	if call.RawStatus != raw || call.Status != status {
		t.Fatalf("%s: RawStatus %q Status %q, want %q and %q", what, call.RawStatus, call.Status, raw, status)
	}
}

// checkErr fails unless err is non-nil and leaves out the simulator's token and every extra secret in all of
// its fmt forms and wrapped errors. It returns err.
func checkErr(t *testing.T, err error, secrets ...string) error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	secrets = append(secrets, simToken)
	for _, secret := range secrets {
		for _, form := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if s := fmt.Sprintf(form, err); strings.Contains(s, secret) {
				t.Fatalf("an auth token appears in the error (%s): %s", form, s)
			}
		}
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), secret) {
				t.Fatalf("an auth token appears in a wrapped error: %s", e)
			}
		}
	}
	return err
}

// apiError asserts err is an *APIError with this status code and returns it.
func apiError(t *testing.T, err error, code int) *restcomm.APIError {
	t.Helper()
	var ae *restcomm.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if ae.StatusCode != code {
		t.Fatalf("StatusCode %d, want %d: %v", ae.StatusCode, code, err)
	}
	return ae
}

// rewrite is a RoundTripper that alters a clone of each request before sending it, for the few wire states
// the client never produces on its own.
type rewrite struct {
	base http.RoundTripper
	fn   func(*http.Request)
}

// RoundTrip implements http.RoundTripper.
func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	rw.fn(r)
	return rw.base.RoundTrip(r)
}

// rewritingClient is an *http.Client whose requests pass through fn.
func rewritingClient(t *testing.T, fn func(*http.Request)) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: rewrite{base: tr, fn: fn}, Timeout: 10 * time.Second}
}

// signAsSimulator re-signs a request with the simulator's own credentials: Restcomm accepts another identity
// (the account e-mail, a parent account) than the account named in the path, which the client never does.
func signAsSimulator(r *http.Request) { r.SetBasicAuth(simAccount, simToken) }

// dropFormField removes name from a form body.
func dropFormField(name string) func(*http.Request) {
	return func(r *http.Request) {
		if r.Body == nil {
			return
		}
		body, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		form, _ := url.ParseQuery(string(body))
		form.Del(name)
		enc := form.Encode()
		r.Body = io.NopCloser(strings.NewReader(enc))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
		r.ContentLength = int64(len(enc))
		r.Header.Set("Content-Length", strconv.Itoa(len(enc)))
	}
}

// httptestServer serves h on 127.0.0.1 until the test ends and returns its root URL.
func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
