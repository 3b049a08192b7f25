package restcomm

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// apiVersion is the only Restcomm API version the client speaks.
const apiVersion = "2012-04-24"

// DefaultUserAgent is the User-Agent sent when WithUserAgent is not used.
const DefaultUserAgent = "flashcall/dev"

// maxIdlePerHost is how many idle connections to Restcomm the client keeps: enough for the poller's
// concurrent GETs of many live calls, where the standard library's 2 would make each pass reconnect.
const maxIdlePerHost = 64

// newTransport is the standard library's default transport with room for maxIdlePerHost idle connections.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdlePerHost * 2
	t.MaxIdleConnsPerHost = maxIdlePerHost
	return t
}

// defaultTimeout bounds one HTTP exchange when the caller supplies no
// *http.Client of its own.
const defaultTimeout = 30 * time.Second

// maxBodyBytes caps how much of a reply the client reads.
const maxBodyBytes = 8 << 20

// Client talks to one Restcomm account. It is safe for concurrent use.
type Client struct {
	baseURL    string // no trailing slash, e.g. http://127.0.0.1:8080/restcomm
	accountSID string
	authToken  string
	red        *redactor // removes authToken, however encoded, from everything a server sends back
	hc         *http.Client
	userAgent  string
	logger     *slog.Logger
	retry      RetryPolicy
	jitter     func(n int64) int64 // returns a value in [0, n); n > 0
	limit      *rate.Limiter       // nil: no cap on the request rate (WithRateLimit)
	idleConns  int                 // idle connections per host asked for with WithIdleConns
	// ownTransport is true while hc is the client this package made (not one given with WithHTTPClient).
	ownTransport bool
	wrap         func(http.RoundTripper) http.RoundTripper
}

// Option configures a Client in New.
type Option func(*Client)

// RetryPolicy bounds the retries of GET requests (POSTs that may have reached
// the server are never retried). Attempts is the total number of tries; a
// value below 2 disables retrying. The delay before retry n (1-based) is
// BaseDelay*2^(n-1), capped at MaxDelay when MaxDelay > 0, then jittered to a
// random value between half of it and all of it. A zero BaseDelay retries at
// once.
type RetryPolicy struct {
	Attempts  int
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultRetryPolicy is the policy a Client uses unless WithRetry says
// otherwise: three tries, 250ms then 500ms (jittered), never more than 2s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Attempts: 3, BaseDelay: 250 * time.Millisecond, MaxDelay: 2 * time.Second}
}

// WithHTTPClient makes the Client send its requests through hc (its Timeout,
// Transport and Jar are used). Redirects are never followed, whatever
// hc.CheckRedirect says: a redirect would resend the credentials elsewhere
// and turn a POST into a GET, so it is reported as an *APIError instead.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
			c.ownTransport = false
		}
	}
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua = strings.TrimSpace(ua); ua != "" {
			c.userAgent = ua
		}
	}
}

// WithLogger makes the Client log each exchange (debug) and each retry
// (warn) to l. Nothing secret is logged. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithRetry replaces DefaultRetryPolicy for GET requests.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) { c.retry = p }
}

// New returns a Client for the Restcomm server at baseURL (the root that ends
// in /restcomm, e.g. https://cloud.restcomm.com/restcomm) and the account
// accountSID, authenticating with authToken. baseURL must be an absolute
// http or https URL without credentials, query or fragment.
func New(baseURL, accountSID, authToken string, opts ...Option) (*Client, error) {
	base, err := checkBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	accountSID = strings.TrimSpace(accountSID)
	if accountSID == "" {
		return nil, errors.New("restcomm: account SID is empty: set restcomm.account_sid")
	}
	if strings.ContainsAny(accountSID, "/?#") {
		return nil, fmt.Errorf("restcomm: account SID %q contains '/', '?' or '#': set restcomm.account_sid to the AC... value shown in the Restcomm console", accountSID)
	}
	if authToken == "" {
		return nil, errors.New("restcomm: auth token is empty: set restcomm.auth_token or FLASHCALL_AUTH_TOKEN")
	}
	c := &Client{
		baseURL:    base,
		accountSID: accountSID,
		authToken:  authToken,
		red:        newRedactor(accountSID, authToken),
		hc:         &http.Client{Timeout: defaultTimeout, Transport: newTransport()},
		userAgent:  DefaultUserAgent,
		logger:     slog.New(slog.DiscardHandler),
		retry:      DefaultRetryPolicy(),
		jitter:     randInt64N,
	}
	c.ownTransport = true
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	c.applyIdleConns()
	// A shallow copy so that refusing redirects does not change the caller's
	// *http.Client.
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.wrap != nil {
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Transport = c.wrap(next)
	}
	c.hc = &hc
	return c, nil
}

// checkBaseURL validates baseURL and returns it without a trailing slash.
// Its errors never echo a password that was put in the URL.
func checkBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("restcomm: base URL is empty: set restcomm.base_url, e.g. https://cloud.restcomm.com/restcomm")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("restcomm: base URL is not a valid URL: set restcomm.base_url, e.g. https://cloud.restcomm.com/restcomm")
	}
	if u.User != nil {
		return "", errors.New("restcomm: base URL must not contain credentials: put the account SID in restcomm.account_sid and the token in restcomm.auth_token")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("restcomm: base URL %q must start with http:// or https://", shortURL(u))
	}
	if u.Host == "" {
		return "", fmt.Errorf("restcomm: base URL %q has no host", shortURL(u))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("restcomm: base URL %q must not have a query or fragment", shortURL(u))
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// shortURL shows u without userinfo, query or fragment, where a secret
// might have been put by mistake.
func shortURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath, Opaque: u.Opaque}
	return v.String()
}

// BaseURL returns the server root the Client was made with, without a
// trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// AccountSID returns the account the Client acts for.
func (c *Client) AccountSID() string { return c.accountSID }

// String describes the Client without its auth token.
func (c Client) String() string {
	return fmt.Sprintf("restcomm.Client{BaseURL: %q, AccountSID: %q}", c.baseURL, c.accountSID)
}

// GoString is like String, so that %#v does not print the auth token.
func (c Client) GoString() string { return c.String() }

// accountPath is the path, relative to the base URL, of the account's
// resources.
func (c *Client) accountPath() string {
	return "/" + apiVersion + "/Accounts/" + url.PathEscape(c.accountSID)
}

// callsPath is the path of the Calls list resource.
func (c *Client) callsPath() string { return c.accountPath() + "/Calls.json" }

// callPath is the path of one call.
func (c *Client) callPath(sid string) string {
	return c.accountPath() + "/Calls/" + url.PathEscape(sid) + ".json"
}
