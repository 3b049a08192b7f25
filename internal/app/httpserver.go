package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// The bounds of the RCML and status-callback server. Restcomm's requests are small and answered at once;
// anything slower or bigger is someone else.
const (
	// httpReadHeaderTimeout cuts a client that has not sent its headers.
	httpReadHeaderTimeout = 5 * time.Second
	// httpReadTimeout cuts a request whose body stalls: the whole request must arrive within it.
	httpReadTimeout = 10 * time.Second
	// httpWriteTimeout bounds writing a reply.
	httpWriteTimeout = 10 * time.Second
	// httpIdleTimeout closes a kept-alive connection with no request (Restcomm's client reconnects).
	httpIdleTimeout = 30 * time.Second
	// httpMaxHeaderBytes bounds the request line and headers.
	httpMaxHeaderBytes = 16 << 10
	// httpMaxBodyBytes bounds a request body; Restcomm's forms take well under 2 KiB.
	httpMaxBodyBytes = 64 << 10
	// httpMaxConns bounds the open connections. At the bound, the connection that has been idle longest (a
	// kept-alive one, or one that has sent nothing yet) is closed to make room, so idle floods cannot lock
	// Restcomm out; connections busy with a request are never closed for it.
	httpMaxConns = 256
)

// newHTTPServer returns the server for h with every bound set, and a listener wrapper that enforces
// httpMaxConns.
func newHTTPServer(h http.Handler) (*http.Server, *connLimiter) {
	lim := &connLimiter{max: httpMaxConns, conns: map[net.Conn]*connInfo{}}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, httpMaxBodyBytes)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ConnState:         lim.track,
	}
	return srv, lim
}

// connInfo is what the limiter knows of one connection.
type connInfo struct {
	busy  bool      // serving a request
	since time.Time // when it last became idle (or was accepted)
}

// connLimiter tracks the server's connections through ConnState and, when a new one would pass max, closes
// the one idle longest.
type connLimiter struct {
	max   int
	mu    sync.Mutex
	conns map[net.Conn]*connInfo
}

// track is the server's ConnState hook.
func (l *connLimiter) track(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	var evict net.Conn
	switch st {
	case http.StateNew:
		if len(l.conns) >= l.max {
			evict = l.oldestIdle()
			if evict != nil {
				delete(l.conns, evict)
			}
		}
		l.conns[c] = &connInfo{since: time.Now()}
	case http.StateActive:
		if ci := l.conns[c]; ci != nil {
			ci.busy = true
		}
	case http.StateIdle:
		if ci := l.conns[c]; ci != nil {
			ci.busy, ci.since = false, time.Now()
		}
	case http.StateHijacked, http.StateClosed:
		delete(l.conns, c)
	}
	l.mu.Unlock()
	if evict != nil {
		_ = evict.Close()
	}
}

// oldestIdle returns the connection idle longest, or nil when every one is busy. l.mu must be held.
func (l *connLimiter) oldestIdle() net.Conn {
	var (
		oldest net.Conn
		at     time.Time
	)
	for c, ci := range l.conns {
		if !ci.busy && (oldest == nil || ci.since.Before(at)) {
			oldest, at = c, ci.since
		}
	}
	return oldest
}

// open returns how many connections are open.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// serveOn serves h on ln, within the bounds above, until the returned function is called.
func serveOn(ln net.Listener, h http.Handler) func() {
	srv, _ := newHTTPServer(h)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener closed under us: nothing left to serve
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}
}
