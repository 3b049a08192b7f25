package restcomm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/flashcall/flashcall/internal/syncbuf"
)

// Credentials every test client uses. testToken must never show up in an
// error string or a log line.
const (
	testAccount = "ACae6e420f425248d6a26948c17a9e2acf"
	testToken   = "f00dfacef00dfacef00dfacef00dface"
)

// recorded is what the fake server saw of one request.
type recorded struct {
	Method, Path, RawQuery string
	Query, Form            url.Values
	User, Pass             string
	HasAuth                bool
	UserAgent, Accept      string
	ContentType            string
	RawBody                string
}

// fake is an httptest server that records every request before passing it
// to its handler. The body has been read and parsed (r.Form, r.PostForm)
// by the time the handler runs.
type fake struct {
	*httptest.Server
	count atomic.Int64
	mu    sync.Mutex
	reqs  []recorded
}

// newFake starts a recording server on 127.0.0.1 around h.
func newFake(t testing.TB, h http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.count.Add(1)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		_ = r.ParseForm()
		user, pass, ok := r.BasicAuth()
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Query: r.URL.Query(),
			Form: r.PostForm, User: user, Pass: pass, HasAuth: ok,
			UserAgent: r.UserAgent(), Accept: r.Header.Get("Accept"), ContentType: r.Header.Get("Content-Type"),
			RawBody: string(body),
		})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// requests returns a copy of what the server saw so far.
func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// last returns the latest request, failing the test when there is none.
func (f *fake) last(t testing.TB) recorded {
	t.Helper()
	reqs := f.requests()
	if len(reqs) == 0 {
		t.Fatal("the server saw no request")
	}
	return reqs[len(reqs)-1]
}

// base is the client base URL for the fake, like a real server's /restcomm.
func (f *fake) base() string { return f.URL + "/restcomm" }

// Paths as the server sees them.
const (
	callsPath  = "/restcomm/2012-04-24/Accounts/" + testAccount + "/Calls.json"
	callPrefix = "/restcomm/2012-04-24/Accounts/" + testAccount + "/Calls/"
)

// send writes a reply with the given status, Content-Type (none when empty)
// and body.
func send(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// newClient makes a client for baseURL with the test credentials, no retry
// delays, and a debug logger whose output is checked for the token when the
// test ends.
func newClient(t testing.TB, baseURL string, opts ...Option) *Client {
	t.Helper()
	logs := &syncbuf.Buffer{}
	all := []Option{
		WithRetry(RetryPolicy{Attempts: 3}),
		WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	c, err := New(baseURL, testAccount, testToken, append(all, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("the auth token appears in the log:\n%s", logs.String())
		}
	})
	return c
}

// checkErr fails the test unless err is non-nil and its text, in every
// fmt form, leaves out the auth token. It returns err for further checks.
func checkErr(t testing.TB, err error) error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	for _, form := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := fmt.Sprintf(form, err); strings.Contains(s, testToken) {
			t.Fatalf("the auth token appears in the error (%s): %s", form, s)
		}
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testToken) {
			t.Fatalf("the auth token appears in a wrapped error: %s", e)
		}
	}
	return err
}

// countingDialer fails its first failures dials with err, then dials for
// real. It counts every dial.
type countingDialer struct {
	failures int64
	err      error
	dials    atomic.Int64
}

// dial implements http.Transport.DialContext.
func (d *countingDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.dials.Add(1) <= d.failures {
		return nil, d.err
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// refused is the error a dial to a closed port returns.
func refused(addr string) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: syscall.ECONNREFUSED.Error(), Addr: addr}}
}

// httpClientWith returns an *http.Client dialling through d.
func httpClientWith(t testing.TB, d *countingDialer) *http.Client {
	tr := &http.Transport{DialContext: d.dial}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// hijackClose reads nothing more, takes over the connection and closes it
// without a reply: what a server, proxy or NAT dropping the link looks like
// after the request arrived.
func hijackClose(t testing.TB, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the response writer cannot be hijacked")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}
