package restcomm

import (
	"context"
	"net/http"

	"golang.org/x/time/rate"
)

// WithRateLimit caps the requests the Client sends to perSecond a second, with bursts of up to burst (at least
// 1): a request waits its turn before it is sent (a create included: waiting is not a retry), and one whose
// context ends while it waits fails as not sent. perSecond <= 0 removes the cap. Retries count like first
// tries.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *Client) {
		if perSecond <= 0 {
			c.limit = nil
			return
		}
		c.limit = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	}
}

// WithIdleConns makes the Client keep at least n idle connections to the server (default maxIdlePerHost), so
// that n requests in flight at once reuse their connections instead of reconnecting. It has no effect on a
// client given with WithHTTPClient whose transport is not an *http.Transport of this package's making.
func WithIdleConns(n int) Option {
	return func(c *Client) {
		c.idleConns = max(c.idleConns, n)
	}
}

// applyIdleConns raises the idle connections of the Client's own transport to what WithIdleConns asked.
func (c *Client) applyIdleConns() {
	if c.idleConns <= maxIdlePerHost || !c.ownTransport {
		return
	}
	if t, ok := c.hc.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = c.idleConns
		t.MaxIdleConns = 2 * c.idleConns
	}
}

// IdleConnsPerHost returns how many idle connections per host the Client's transport keeps (0 when it is not
// an *http.Transport).
func (c *Client) IdleConnsPerHost() int {
	if t, ok := c.hc.Transport.(*http.Transport); ok {
		return t.MaxIdleConnsPerHost
	}
	return 0
}

// waitTurn blocks until the rate limit lets one more request go (at once when there is none).
func (c *Client) waitTurn(ctx context.Context) error {
	if c.limit == nil {
		return nil
	}
	return c.limit.Wait(ctx)
}
