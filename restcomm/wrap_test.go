package restcomm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// countingTransport counts the requests it passes on.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

// TestTransportWrapperSeesEveryRequest: the wrapper is given the client's own transport and every request
// goes through it, whatever WithHTTPClient set.
func TestTransportWrapperSeesEveryRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sid":"CA0123456789abcdef0123456789abcdef","status":"ringing"}`))
	}))
	defer srv.Close()
	var n atomic.Int64
	c, err := New(srv.URL+"/restcomm", "AC0123456789abcdef0123456789abcdef", "tok",
		WithTransportWrapper(func(next http.RoundTripper) http.RoundTripper { return countingTransport{next: next, n: &n} }),
		WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetCall(context.Background(), "CA0123456789abcdef0123456789abcdef"); err != nil {
			t.Fatal(err)
		}
	}
	if got := n.Load(); got != 3 {
		t.Fatalf("%d requests seen by the wrapper, want 3", got)
	}
}
