package restcomm

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// flashParams are the parameters of a typical flash call.
func flashParams() CallParams {
	return CallParams{From: "+15551230000", To: "+447700900123", URL: "http://127.0.0.1:9/rcml", Timeout: 10}
}

func TestGetRetriesServerErrorsBounded(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusServiceUnavailable, "text/html", "<html>busy</html>")
	})
	c := newClient(t, srv.base())
	_, err := c.GetCall(context.Background(), sidCA)
	var apiErr *APIError
	if !errors.As(checkErr(t, err), &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("want the last 503, got %v", err)
	}
	if n := srv.count.Load(); n != 3 {
		t.Errorf("%d requests, want 3 (RetryPolicy.Attempts)", n)
	}
}

func TestGetRetriesThenSucceeds(t *testing.T) {
	var n atomic.Int64
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			send(w, http.StatusInternalServerError, "", "")
		case 2:
			send(w, http.StatusTooManyRequests, "", "")
		default:
			send(w, http.StatusOK, "application/json", callJSON(sidCA, "in-progress"))
		}
	})
	c := newClient(t, srv.base())
	call, err := c.GetCall(context.Background(), sidCA)
	if err != nil || call.Status != StatusInProgress {
		t.Fatalf("GetCall = %+v, %v", call, err)
	}
	if got := srv.count.Load(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestGetRetriesDroppedConnections(t *testing.T) {
	var n atomic.Int64
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			hijackClose(t, w)
			return
		}
		send(w, http.StatusOK, "application/json", callJSON(sidCA, "RINGING"))
	})
	c := newClient(t, srv.base())
	call, err := c.GetCall(context.Background(), sidCA)
	if err != nil || call.Status != StatusRinging {
		t.Fatalf("GetCall = %+v, %v", call, err)
	}
	if got := srv.count.Load(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestGetRetriesDialFailuresBounded(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", callJSON(sidCA, "QUEUED"))
	})
	d := &countingDialer{failures: 2, err: refused(srv.Listener.Addr().String())}
	c := newClient(t, srv.base(), WithHTTPClient(httpClientWith(t, d)))
	if _, err := c.GetCall(context.Background(), sidCA); err != nil {
		t.Fatal(err)
	}
	if d.dials.Load() != 3 || srv.count.Load() != 1 {
		t.Errorf("dials %d, requests %d; want 3, 1", d.dials.Load(), srv.count.Load())
	}

	d = &countingDialer{failures: 100, err: refused(srv.Listener.Addr().String())}
	c = newClient(t, srv.base(), WithHTTPClient(httpClientWith(t, d)), WithRetry(RetryPolicy{Attempts: 4, BaseDelay: time.Microsecond}))
	_, err := c.GetCall(context.Background(), sidCA)
	if !errors.Is(checkErr(t, err), ErrNotSent) {
		t.Errorf("want ErrNotSent, got %v", err)
	}
	if d.dials.Load() != 4 {
		t.Errorf("%d dials, want 4", d.dials.Load())
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusServiceUnavailable, "", "")
		cancel()
	})
	// An hour between tries: the test only ends because ctx does.
	c := newClient(t, srv.base(), WithRetry(RetryPolicy{Attempts: 5, BaseDelay: time.Hour}))
	_, err := c.GetCall(ctx, sidCA)
	checkErr(t, err)
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestCreateIsNeverRetried(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { send(w, status, "text/plain", "try later") })
		c := newClient(t, srv.base(), WithRetry(RetryPolicy{Attempts: 10}))
		_, err := c.CreateCall(context.Background(), flashParams())
		var apiErr *APIError
		if !errors.As(checkErr(t, err), &apiErr) || apiErr.StatusCode != status {
			t.Errorf("%d: want an APIError, got %v", status, err)
		}
		if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrNotSent) {
			t.Errorf("%d: a Restcomm reply is definite: %v", status, err)
		}
		if n := srv.count.Load(); n != 1 {
			t.Errorf("%d: %d POSTs, want 1", status, n)
		}
	}
}

// assertUnknown checks that err is an OutcomeUnknownError for flashParams
// sent between before and now.
func assertUnknown(t *testing.T, err error, before time.Time) *OutcomeUnknownError {
	t.Helper()
	var unknown *OutcomeUnknownError
	if !errors.As(checkErr(t, err), &unknown) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("want an OutcomeUnknownError, got %T: %v", err, err)
	}
	p := flashParams()
	if unknown.To != p.To || unknown.From != p.From {
		t.Errorf("To %q From %q", unknown.To, unknown.From)
	}
	if unknown.SentAt.Before(before) || unknown.SentAt.After(time.Now()) {
		t.Errorf("SentAt %v not within the call", unknown.SentAt)
	}
	if errors.Is(err, ErrNotSent) {
		t.Error("an ambiguous create must not match ErrNotSent")
	}
	return unknown
}

func TestCreateConnectionDroppedAfterWriteIsAmbiguous(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if len(r.PostForm["To"]) != 1 {
			t.Error("the server should have read the whole form")
		}
		hijackClose(t, w)
	})
	c := newClient(t, srv.base(), WithRetry(RetryPolicy{Attempts: 10}))
	before := time.Now()
	_, err := c.CreateCall(context.Background(), flashParams())
	unknown := assertUnknown(t, err, before)
	var te *TransportError
	if !errors.As(unknown, &te) || !te.Sent {
		t.Errorf("want a sent TransportError inside, got %v", unknown.Err)
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d POSTs after an ambiguous create, want exactly 1", n)
	}
}

// blockingFake is a server whose handler reports each request on entered
// and then blocks until the client goes away or the test ends.
func blockingFake(t *testing.T) (*fake, <-chan struct{}) {
	entered := make(chan struct{}, 10)
	release := make(chan struct{})
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	return srv, entered
}

func TestCreateCanceledWhileWaitingIsAmbiguous(t *testing.T) {
	srv, entered := blockingFake(t)
	c := newClient(t, srv.base(), WithRetry(RetryPolicy{Attempts: 10}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-entered
		cancel()
	}()
	before := time.Now()
	_, err := c.CreateCall(ctx, flashParams())
	assertUnknown(t, err, before)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled inside, got %v", err)
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

func TestCreateDeadlineWhileWaitingIsAmbiguous(t *testing.T) {
	srv, _ := blockingFake(t)
	c := newClient(t, srv.base(), WithRetry(RetryPolicy{Attempts: 10}))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	before := time.Now()
	_, err := c.CreateCall(ctx, flashParams())
	assertUnknown(t, err, before)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want context.DeadlineExceeded inside, got %v", err)
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

func TestCreateHTTPClientTimeoutIsAmbiguous(t *testing.T) {
	srv, _ := blockingFake(t)
	c := newClient(t, srv.base(), WithHTTPClient(&http.Client{Timeout: 500 * time.Millisecond}))
	before := time.Now()
	_, err := c.CreateCall(context.Background(), flashParams())
	assertUnknown(t, err, before)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("want a timeout inside, got %v", err)
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

func TestCreateGatewayErrorsAreAmbiguous(t *testing.T) {
	for _, status := range []int{http.StatusBadGateway, http.StatusGatewayTimeout} {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { send(w, status, "text/html", "<h1>upstream</h1>") })
		c := newClient(t, srv.base())
		before := time.Now()
		_, err := c.CreateCall(context.Background(), flashParams())
		assertUnknown(t, err, before)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Errorf("want the gateway's APIError inside, got %v", err)
		}
		if n := srv.count.Load(); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	}
}

func TestCreateUnreadableSuccessIsAmbiguous(t *testing.T) {
	for _, body := range []string{"<html>ok</html>", "[]", "{}", `[{"sid":"` + sidCA + `"},{"status":"QUEUED"}]`, `{"sid":`} {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { send(w, http.StatusOK, "application/json", body) })
		c := newClient(t, srv.base())
		before := time.Now()
		_, err := c.CreateCall(context.Background(), flashParams())
		assertUnknown(t, err, before)
		if n := srv.count.Load(); n != 1 {
			t.Errorf("%q: %d POSTs, want 1", body, n)
		}
	}
}

func TestCreateConnectionRefusedIsNotSent(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
	base := srv.base()
	srv.Close() // nothing listens on the port any more
	c := newClient(t, base)
	_, err := c.CreateCall(context.Background(), flashParams())
	assertNotSent(t, err)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("want ECONNREFUSED inside, got %v", err)
	}
}

func TestCreateDNSFailureIsNotSent(t *testing.T) {
	d := &countingDialer{failures: 100, err: &net.DNSError{Err: "no such host", Name: "restcomm.invalid", IsNotFound: true}}
	c := newClient(t, "http://restcomm.invalid/restcomm", WithHTTPClient(httpClientWith(t, d)))
	_, err := c.CreateCall(context.Background(), flashParams())
	assertNotSent(t, err)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("want the DNS error inside, got %v", err)
	}
	if d.dials.Load() != 1 {
		t.Errorf("%d dials, want 1: a create is never retried", d.dials.Load())
	}
}

func TestCreateWithContextAlreadyDoneIsNotSent(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newClient(t, srv.base())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CreateCall(ctx, flashParams())
	assertNotSent(t, err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled inside, got %v", err)
	}
	if n := srv.count.Load(); n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}

// assertNotSent checks that err says the request never left.
func assertNotSent(t *testing.T, err error) {
	t.Helper()
	var te *TransportError
	if !errors.Is(checkErr(t, err), ErrNotSent) || !errors.As(err, &te) || te.Sent {
		t.Fatalf("want a not-sent TransportError, got %T: %v", err, err)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("a request that never left is not ambiguous: %v", err)
	}
}

func TestModifyRetriedOnlyWhenNotSent(t *testing.T) {
	var drop atomic.Bool
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if drop.Load() {
			hijackClose(t, w)
			return
		}
		send(w, http.StatusOK, "application/json", callJSON(sidCA, "RINGING"))
	})
	d := &countingDialer{failures: 1, err: refused(srv.Listener.Addr().String())}
	c := newClient(t, srv.base(), WithHTTPClient(httpClientWith(t, d)))
	if _, err := c.CancelCall(context.Background(), sidCA); err != nil {
		t.Fatalf("a refused connection should be tried again: %v", err)
	}
	if d.dials.Load() != 2 || srv.count.Load() != 1 {
		t.Errorf("dials %d, requests %d; want 2, 1", d.dials.Load(), srv.count.Load())
	}

	drop.Store(true)
	_, err := c.HangUpCall(context.Background(), sidCA)
	var te *TransportError
	if !errors.As(checkErr(t, err), &te) || !te.Sent || errors.Is(err, ErrNotSent) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("want a sent TransportError, got %T: %v", err, err)
	}
	if n := srv.count.Load(); n != 2 {
		t.Errorf("%d requests, want 2: a modify that may have arrived is not resent", n)
	}
}
