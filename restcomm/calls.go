package restcomm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CallParams are the parameters of a new call. From, To and URL are
// required; empty optional fields are not sent, so Restcomm's defaults apply.
type CallParams struct {
	From                 string // caller ID the callee sees
	To                   string // PSTN number, client:name or sip:user@host
	URL                  string // RCML document, fetched only if the callee answers
	Method               string // GET or POST (Restcomm's default: POST)
	FallbackURL          string // fetched when URL fails
	FallbackMethod       string // GET or POST
	StatusCallback       string // where Restcomm posts the progress events
	StatusCallbackMethod string // GET or POST
	Timeout              int    // seconds to ring; 0 = omit (Restcomm: 60)
}

// form checks p and encodes it with Restcomm's case-sensitive names.
func (p CallParams) form() (url.Values, error) {
	var problems []string
	required := func(name, v string) {
		if strings.TrimSpace(v) == "" {
			problems = append(problems, name+" is required")
		}
	}
	required("From", p.From)
	required("To", p.To)
	required("URL", p.URL)
	methods := [...]struct{ name, v string }{
		{"Method", p.Method}, {"FallbackMethod", p.FallbackMethod}, {"StatusCallbackMethod", p.StatusCallbackMethod},
	}
	for _, m := range methods {
		if m.v != "" && !strings.EqualFold(m.v, http.MethodGet) && !strings.EqualFold(m.v, http.MethodPost) {
			problems = append(problems, fmt.Sprintf("%s must be GET or POST, not %q", m.name, m.v))
		}
	}
	urls := [...]struct{ name, v string }{
		{"URL", p.URL}, {"FallbackURL", p.FallbackURL}, {"StatusCallback", p.StatusCallback},
	}
	for _, u := range urls {
		if strings.TrimSpace(u.v) == "" {
			continue
		}
		if parsed, err := url.Parse(u.v); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			problems = append(problems, fmt.Sprintf("%s must be an absolute http or https URL Restcomm can reach, not %q", u.name, u.v))
		}
	}
	if p.Timeout < 0 {
		problems = append(problems, fmt.Sprintf("Timeout must not be negative, not %d", p.Timeout))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("restcomm: create call: %s", strings.Join(problems, "; "))
	}
	f := url.Values{}
	f.Set("From", p.From)
	f.Set("To", p.To)
	f.Set("Url", p.URL)
	set := func(name, v string) {
		if v != "" {
			f.Set(name, v)
		}
	}
	set("Method", strings.ToUpper(p.Method))
	set("FallbackUrl", p.FallbackURL)
	set("FallbackMethod", strings.ToUpper(p.FallbackMethod))
	set("StatusCallback", p.StatusCallback)
	set("StatusCallbackMethod", strings.ToUpper(p.StatusCallbackMethod))
	if p.Timeout > 0 {
		f.Set("Timeout", strconv.Itoa(p.Timeout))
	}
	return f, nil
}

// CreateCall places a call. On success the slice holds at least one call
// (several when To forks to several registrations).
//
// The request is never retried. When it may have reached Restcomm without a
// usable reply — the connection dropped after it was written, ctx ended while
// waiting, a gateway answered 502 or 504, or a 2xx reply could not be read —
// the error is an *OutcomeUnknownError (errors.Is(err, ErrOutcomeUnknown)):
// the phone may be ringing, so look the call up before dialling again. An
// error matching ErrNotSent means nothing reached the server. Any other
// error is an *APIError (Restcomm refused) or invalid parameters.
func (c *Client) CreateCall(ctx context.Context, p CallParams) ([]Call, error) {
	form, err := p.form()
	if err != nil {
		return nil, err
	}
	req := request{op: "create call", method: http.MethodPost, path: c.callsPath(), form: form, retry: retryNever}
	sentAt := time.Now()
	unknown := func(err error) error {
		return &OutcomeUnknownError{To: p.To, From: p.From, SentAt: sentAt, Err: err}
	}
	rep, err := c.do(ctx, req)
	if err != nil {
		if errors.Is(err, ErrNotSent) {
			return nil, err
		}
		return nil, unknown(err)
	}
	if !rep.ok() {
		apiErr := c.newAPIError(req, rep)
		if rep.status == http.StatusBadGateway || rep.status == http.StatusGatewayTimeout {
			// A gateway between us and Restcomm gave up: Restcomm may
			// have got the request.
			return nil, unknown(apiErr)
		}
		return nil, apiErr
	}
	calls, err := decodeCalls(rep.body)
	if err != nil {
		return nil, unknown(fmt.Errorf("HTTP %d reply could not be read: %w", rep.status, err))
	}
	return calls, nil
}

// decodeCalls reads a create reply: one call object or an array of them,
// each with a SID.
func decodeCalls(body []byte) ([]Call, error) {
	body = bytes.TrimSpace(body)
	var calls []Call
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &calls); err != nil {
			return nil, err
		}
	} else {
		var one Call
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, err
		}
		calls = []Call{one}
	}
	if len(calls) == 0 {
		return nil, errors.New("the reply holds no call")
	}
	for i, call := range calls {
		if call.SID == "" {
			return nil, fmt.Errorf("call %d in the reply has no sid", i)
		}
	}
	return calls, nil
}

// GetCall fetches one call by SID. An unknown SID is an *APIError matching
// ErrNotFound. Transport errors, 429 and 5xx replies are retried per the
// RetryPolicy.
func (c *Client) GetCall(ctx context.Context, sid string) (*Call, error) {
	const op = "get call"
	if err := checkSID(op, sid); err != nil {
		return nil, err
	}
	req := request{op: op, method: http.MethodGet, path: c.callPath(sid), retry: retryIdempotent}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if !rep.ok() {
		return nil, c.newAPIError(req, rep)
	}
	var call Call
	if err := json.Unmarshal(bytes.TrimSpace(rep.body), &call); err != nil {
		return nil, fmt.Errorf("restcomm: %s %s: %w", op, sid, err)
	}
	return &call, nil
}

// CancelCall asks Restcomm to cancel a call (Status=canceled). It only works
// while the call is queued or ringing, and silently does nothing after.
// The returned call shows the status from BEFORE the change: keep polling.
// An unknown SID matches ErrNotModifiable, a finished call ErrCallGone. The
// request is retried only when it provably never left.
func (c *Client) CancelCall(ctx context.Context, sid string) (*Call, error) {
	return c.modifyStatus(ctx, "cancel call", sid, StatusCanceled)
}

// HangUpCall ends a call in any state (Status=completed). As with
// CancelCall the reply shows the status from before the change.
func (c *Client) HangUpCall(ctx context.Context, sid string) (*Call, error) {
	return c.modifyStatus(ctx, "hang up call", sid, StatusCompleted)
}

// modifyStatus POSTs Status=to to a call. A 2xx reply without a body yields
// a Call holding only the SID.
func (c *Client) modifyStatus(ctx context.Context, op, sid string, to Status) (*Call, error) {
	if err := checkSID(op, sid); err != nil {
		return nil, err
	}
	req := request{
		op: op, method: http.MethodPost, path: c.callPath(sid),
		form: url.Values{"Status": {string(to)}}, retry: retryIfNotSent,
	}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if !rep.ok() {
		return nil, c.newAPIError(req, rep)
	}
	body := bytes.TrimSpace(rep.body)
	if len(body) == 0 {
		return &Call{SID: sid}, nil
	}
	var call Call
	if err := json.Unmarshal(body, &call); err != nil {
		return nil, fmt.Errorf("restcomm: %s %s: the request was accepted but its reply could not be read: %w", op, sid, err)
	}
	return &call, nil
}

// checkSID refuses a SID that could not name a call resource.
func checkSID(op, sid string) error {
	if strings.TrimSpace(sid) == "" {
		return fmt.Errorf("restcomm: %s: call SID is empty", op)
	}
	if strings.ContainsAny(sid, "/?#") {
		return fmt.Errorf("restcomm: %s: %q is not a call SID", op, sid)
	}
	return nil
}
