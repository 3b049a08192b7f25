package metrics

import (
	"net/http"
	"strings"
	"time"
)

// Transport wraps next (http.DefaultTransport when nil) so that every request to Restcomm's Calls API is
// timed and its failures counted by operation.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper{m: m, next: next}
}

type roundTripper struct {
	m    *Metrics
	next http.RoundTripper
}

// RoundTrip times one request and classifies its result.
func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	kind := ""
	switch {
	case err != nil:
		kind = "network"
	case resp.StatusCode >= 500:
		kind = "5xx"
	case resp.StatusCode >= 400:
		kind = "4xx"
	}
	t.m.Request(operation(r.Method, r.URL.Path), time.Since(start), kind)
	return resp, err
}

// operation names a Calls API request: POST …/Calls.json creates, GET …/Calls.json lists, GET …/Calls/SID.json
// gets one call and POST …/Calls/SID.json modifies it.
func operation(method, path string) string {
	list := strings.HasSuffix(path, "/Calls.json") || strings.HasSuffix(path, "/Calls")
	one := strings.Contains(path, "/Calls/")
	switch {
	case list && method == http.MethodPost:
		return "create"
	case list && method == http.MethodGet:
		return "list"
	case one && method == http.MethodGet:
		return "get"
	case one && method == http.MethodPost:
		return "modify"
	}
	return "other"
}
