package restcomm

import "net/http"

// WithTransportWrapper wraps the Client's transport, whichever it ends up with after every other option,
// in wrap: for observing the requests (their latency and failures) without changing how they are sent.
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *Client) { c.wrap = wrap }
}
