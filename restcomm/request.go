package restcomm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// retryMode says when a request may be sent again.
type retryMode int

const (
	// retryNever: a create POST. Sending it twice could dial a phone twice.
	retryNever retryMode = iota
	// retryIfNotSent: a modify POST. Only a request that provably never left
	// is tried again.
	retryIfNotSent
	// retryIdempotent: a GET. Transport errors, 429 and 5xx are retried.
	retryIdempotent
)

// request is one API exchange to perform.
type request struct {
	op     string // what the caller was doing, e.g. "get call"
	method string
	path   string     // relative to the base URL, without query
	query  url.Values // may be nil
	form   url.Values // POST body; nil for GET
	retry  retryMode
}

// reply is what the server answered, whatever the status code.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// ok reports whether the reply has a 2xx status.
func (r *reply) ok() bool { return r.status >= 200 && r.status <= 299 }

// do performs req, retrying as req.retry and the Client's RetryPolicy allow.
// It returns a *TransportError when no complete reply was read, otherwise the
// reply whatever its status.
func (c *Client) do(ctx context.Context, req request) (*reply, error) {
	attempts := c.retry.Attempts
	if attempts < 1 || req.retry == retryNever {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		rep, err := c.once(ctx, req, attempt)
		if attempt >= attempts || !c.shouldRetry(ctx, req, rep, err) {
			return rep, err
		}
		d := c.retry.delay(attempt, c.jitter)
		c.logger.LogAttrs(ctx, slog.LevelWarn, "restcomm: retrying",
			slog.String("op", req.op), slog.String("method", req.method), slog.String("path", req.path),
			slog.Int("attempt", attempt), slog.Duration("delay", d), slog.String("reason", retryReason(rep, err)))
		if werr := wait(ctx, d); werr != nil {
			return rep, err
		}
	}
}

// shouldRetry decides whether the outcome of one try deserves another.
func (c *Client) shouldRetry(ctx context.Context, req request, rep *reply, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	switch req.retry {
	case retryIdempotent:
		if err != nil {
			return true
		}
		if rep.status != http.StatusTooManyRequests && rep.status < 500 {
			return false
		}
		// An unknown account, a malformed SID or a refusal by Restcomm's policy is answered 500 every time:
		// asking again only multiplies the load.
		body := strings.TrimSpace(string(rep.body))
		return !classify(rep.status, rep.header.Get("Content-Type"), body, errorMessage([]byte(body))).Permanent()
	case retryIfNotSent:
		return err != nil && errors.Is(err, ErrNotSent)
	default:
		return false
	}
}

// retryReason is a short text for the retry log line.
func retryReason(rep *reply, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d", rep.status)
}

// once performs one HTTP exchange.
func (c *Client) once(ctx context.Context, req request, attempt int) (*reply, error) {
	fail := func(sent bool, err error) (*reply, error) {
		return nil, &TransportError{Op: req.op, Method: req.method, Path: req.path, Sent: sent, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fail(false, err)
	}
	target := c.baseURL + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	}

	// Whether a connection was asked for and whether one was obtained: a
	// request for which the transport asked for a connection and never got
	// one cannot have reached the server.
	var askedConn, gotConn atomic.Bool
	trace := &httptrace.ClientTrace{
		GetConn: func(string) { askedConn.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), req.method, target, body)
	if err != nil {
		return fail(false, err)
	}
	hreq.SetBasicAuth(c.accountSID, c.authToken)
	hreq.Header.Set("User-Agent", c.userAgent)
	hreq.Header.Set("Accept", "application/json")
	if req.form != nil {
		hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	if err := c.waitTurn(ctx); err != nil {
		return fail(false, err)
	}
	start := time.Now()
	resp, err := c.hc.Do(hreq)
	if err != nil {
		err = unwrapURLError(err)
		sent := !(askedConn.Load() && !gotConn.Load()) && !isDialError(err)
		c.logger.LogAttrs(ctx, slog.LevelDebug, "restcomm: request failed",
			slog.String("op", req.op), slog.String("method", req.method), slog.String("path", req.path),
			slog.Int("attempt", attempt), slog.Bool("sent", sent), slog.Duration("elapsed", time.Since(start)),
			slog.String("error", err.Error()))
		return fail(sent, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err == nil && len(data) > maxBodyBytes {
		err = fmt.Errorf("reply body larger than %d bytes", maxBodyBytes)
	}
	if err != nil {
		return fail(true, fmt.Errorf("reading the HTTP %d reply: %w", resp.StatusCode, err))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "restcomm: request",
		slog.String("op", req.op), slog.String("method", req.method), slog.String("path", req.path),
		slog.Int("attempt", attempt), slog.Int("status", resp.StatusCode), slog.Int("bytes", len(data)),
		slog.Duration("elapsed", time.Since(start)))
	// Whatever the server echoed, the token never travels further than this.
	return &reply{status: resp.StatusCode, header: resp.Header, body: c.red.body(data)}, nil
}

// unwrapURLError drops the *url.Error layer, whose text repeats the whole
// URL; TransportError already names the method and path.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// isDialError reports whether err says the connection could not be made
// (DNS failure, connection refused, dial timeout), so nothing was sent.
func isDialError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch e := e.(type) {
		case *net.DNSError:
			return true
		case *net.OpError:
			if e.Op == "dial" {
				return true
			}
		}
	}
	return false
}

// delay is the jittered wait before retry number retry (1-based). jitter(n)
// returns a value in [0, n).
func (p RetryPolicy) delay(retry int, jitter func(int64) int64) time.Duration {
	if p.BaseDelay <= 0 {
		return 0
	}
	d := p.BaseDelay
	for i := 1; i < retry; i++ {
		if (p.MaxDelay > 0 && d >= p.MaxDelay) || d > math.MaxInt64/2 {
			break
		}
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	half := d / 2
	return half + time.Duration(jitter(int64(d-half)+1))
}

// randInt64N is the production jitter source.
func randInt64N(n int64) int64 { return rand.Int64N(n) }

// wait blocks for d or until ctx is done, whichever comes first.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
