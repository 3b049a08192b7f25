package restcomm

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestRateLimitHoldsRequestsBack: over the cap a request waits its turn; one whose context cannot wait that
// long is not sent at all, and says so.
func TestRateLimitHoldsRequestsBack(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", `{"sid":"CA1","status":"ringing"}`)
	})
	c := newClient(t, f.base(), WithRateLimit(0.001, 1), WithRetry(RetryPolicy{Attempts: 1})) // one now, the next in 1000 s
	if _, err := c.GetCall(context.Background(), "CA1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.GetCall(ctx, "CA1")
	if !errors.Is(err, ErrNotSent) {
		t.Fatalf("a request over the cap: %v, want one not sent", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("the server saw %d requests, want 1", n)
	}
	if off := newClient(t, f.base(), WithRateLimit(0, 0)); off.limit != nil {
		t.Fatal("a zero rate set a cap")
	}
}

// TestIdleConnsFollowTheWorkers: the client's own transport keeps at least as many idle connections per host
// as asked; a transport the caller gave is left alone.
func TestIdleConnsFollowTheWorkers(t *testing.T) {
	if got := newClient(t, "http://127.0.0.1:1/restcomm").IdleConnsPerHost(); got != maxIdlePerHost {
		t.Fatalf("default idle connections %d, want %d", got, maxIdlePerHost)
	}
	if got := newClient(t, "http://127.0.0.1:1/restcomm", WithIdleConns(200)).IdleConnsPerHost(); got != 200 {
		t.Fatalf("WithIdleConns(200): %d idle connections per host", got)
	}
	if got := newClient(t, "http://127.0.0.1:1/restcomm", WithIdleConns(8)).IdleConnsPerHost(); got != maxIdlePerHost {
		t.Fatalf("WithIdleConns(8) lowered the idle connections to %d", got)
	}
	own := &http.Transport{MaxIdleConnsPerHost: 3}
	c := newClient(t, "http://127.0.0.1:1/restcomm", WithHTTPClient(&http.Client{Transport: own}), WithIdleConns(200))
	if got := c.IdleConnsPerHost(); got != 3 {
		t.Fatalf("a caller's transport was changed to %d idle connections", got)
	}
}
