package restcomm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Sentinel errors matched with errors.Is against an *APIError of the same
// HTTP status.
var (
	// ErrUnauthorized: 401, the account SID or auth token was refused.
	ErrUnauthorized = errors.New("restcomm: unauthorized")
	// ErrForbidden: 403, the account is not active or lacks permission.
	ErrForbidden = errors.New("restcomm: forbidden")
	// ErrNotFound: 404, an unknown call SID, an unknown account SID in the
	// URL, or a wrong base URL.
	ErrNotFound = errors.New("restcomm: not found")
	// ErrNotModifiable: 406, Restcomm could not modify the call (unknown SID).
	ErrNotModifiable = errors.New("restcomm: call not modifiable")
	// ErrCallGone: 410, the call has already completed.
	ErrCallGone = errors.New("restcomm: call already completed")
	// ErrAccountInactive: 403 "Provided Account is not active": the account
	// is suspended, closed or inactive, for every request (polling too).
	ErrAccountInactive = errors.New("restcomm: account not active")
	// ErrUnknownAccount: 500 with a container's HTML error page, which is
	// what Restcomm answers for an account SID it does not know.
	ErrUnknownAccount = errors.New("restcomm: account SID not known to the server")
	// ErrRefusedByRestcomm: 500 "Not Allowed to make this outbound call": a
	// refusal by the server's own policy (an account or destination limit),
	// not a fault. Nothing was dialled.
	ErrRefusedByRestcomm = errors.New("restcomm: refused by Restcomm's policy")
	// ErrCreateTimedOut: 500 "Futures timed out after [10 seconds]": the
	// server gave up creating the call; nothing was dialled.
	ErrCreateTimedOut = errors.New("restcomm: the server timed out creating the call")
	// ErrNoOutboundRoute: 500 "The Active Outbound Proxy is null": the
	// server has no route to the telephone network.
	ErrNoOutboundRoute = errors.New("restcomm: no outbound route")
)

// ErrOutcomeUnknown matches (errors.Is) an *OutcomeUnknownError: a create
// request may have reached Restcomm, so a call may have been placed.
var ErrOutcomeUnknown = errors.New("restcomm: outcome unknown")

// ErrNotSent matches (errors.Is) a *TransportError for a request that never
// reached the server (connection refused, DNS failure, context done before
// sending). Trying it again cannot place a second call.
var ErrNotSent = errors.New("restcomm: request not sent")

// maxMessageRunes bounds APIError.Message; maxErrorBody bounds APIError.Body.
const (
	maxMessageRunes = 300
	maxErrorBody    = 4096
)

// APIError is a reply with a status code outside 2xx.
type APIError struct {
	Op         string // what the client was doing, e.g. "create call"
	Method     string // HTTP method
	Path       string // request path relative to the base URL, without query
	StatusCode int
	// Message is the server's explanation, taken from an empty, plain-text or
	// {"message": "..."} body whatever the Content-Type said; control
	// characters removed, whitespace collapsed, length bounded.
	Message string
	// Body is the trimmed reply body (bounded), for logs and debugging. An
	// HTML page is never kept: Body then only says that one was sent.
	Body string
	// Kind says what a reply that Restcomm is known to send means, beyond
	// its status code; KindOther for anything else.
	Kind ErrorKind
}

// ErrorKind classifies the error replies restcomm.md lists whose status code
// alone does not say what happened (Restcomm answers 500 for most of them).
type ErrorKind int

// The error kinds. Each but KindOther matches one sentinel error.
const (
	KindOther           ErrorKind = iota
	KindAccountInactive           // 403 "Provided Account is not active"
	KindUnknownAccount            // 500 with an HTML page
	KindInvalidSID                // 500 "... is an INVALID_SID sid value."
	KindRestcommPolicy            // 500 "Not Allowed to make this outbound call"
	KindCreateTimedOut            // 500 "Futures timed out after [10 seconds]"
	KindNoOutboundRoute           // 500 "... The Active Outbound Proxy is null ..."
)

// Permanent reports whether sending the same request again can only get the
// same answer, so a GET must not be retried on it.
func (k ErrorKind) Permanent() bool {
	switch k {
	case KindUnknownAccount, KindInvalidSID, KindRestcommPolicy, KindNoOutboundRoute, KindAccountInactive:
		return true
	}
	return false
}

// classify reads what an error reply means from its status, its content type
// and its (token-free, trimmed) body.
func classify(status int, contentType, body, msg string) ErrorKind {
	lower := strings.ToLower(msg)
	switch {
	case status == http.StatusForbidden && strings.Contains(lower, "not active"):
		return KindAccountInactive
	case status < 500:
		return KindOther
	case strings.Contains(lower, "not allowed to make this outbound call"):
		return KindRestcommPolicy
	case strings.Contains(lower, "futures timed out"):
		return KindCreateTimedOut
	case strings.Contains(lower, "outbound proxy is null"):
		return KindNoOutboundRoute
	case strings.Contains(lower, "invalid_sid"):
		return KindInvalidSID
	case status == http.StatusInternalServerError && isHTML(contentType, body):
		return KindUnknownAccount
	}
	return KindOther
}

// isHTML reports whether a reply body is an HTML page (a servlet container's
// error page rather than anything Restcomm wrote).
func isHTML(contentType, body string) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	head := strings.ToLower(body[:min(len(body), 512)])
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		(strings.HasPrefix(head, "<") && strings.Contains(head, "<html"))
}

// Error names the operation, the status and, where one helps, what to fix.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("restcomm: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Method != "" || e.Path != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if h := e.hint(); h != "" {
		b.WriteString(" (" + h + ")")
	}
	return b.String()
}

// hint is the actionable advice for well-known replies.
func (e *APIError) hint() string {
	switch e.Kind {
	case KindAccountInactive:
		return "the account is suspended, closed or not active: ask the Restcomm administrator to reactivate it (on servers older than 8.4, a fresh install's administrator must first change its password)"
	case KindUnknownAccount:
		return "the account SID is not known to this server: check restcomm.account_sid and restcomm.base_url"
	case KindInvalidSID:
		return "restcomm.account_sid is malformed: copy the AC... value from the Restcomm console"
	case KindRestcommPolicy:
		return "refused by Restcomm's own policy (an account or destination limit set on the server), not a fault: nothing was dialled; ask the Restcomm administrator"
	case KindCreateTimedOut:
		return "Restcomm timed out creating the call: nothing was dialled; try again"
	case KindNoOutboundRoute:
		return "Restcomm has no outbound route to the telephone network: its administrator must configure the outbound proxy"
	}
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized:
		return "the credentials were refused: check restcomm.account_sid and restcomm.auth_token"
	case code == http.StatusForbidden:
		return "the account has no permission for this, or the token belongs to another account"
	case code == http.StatusNotFound:
		if strings.Contains(e.Path, "/Calls/") {
			return "no such call, or restcomm.base_url is wrong"
		}
		return "restcomm.base_url is wrong (it should end in /restcomm)"
	case code == http.StatusNotAcceptable:
		return "Restcomm does not know this call SID"
	case code == http.StatusGone:
		return "the call has already ended"
	case code >= 300 && code <= 399:
		return "restcomm.base_url is redirected: set it to the final URL"
	case code >= 500:
		return "Restcomm server error"
	}
	return ""
}

// Is matches the sentinel error of e's status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrNotModifiable:
		return e.StatusCode == http.StatusNotAcceptable
	case ErrCallGone:
		return e.StatusCode == http.StatusGone
	case ErrAccountInactive:
		return e.Kind == KindAccountInactive
	case ErrUnknownAccount:
		return e.Kind == KindUnknownAccount
	case ErrRefusedByRestcomm:
		return e.Kind == KindRestcommPolicy
	case ErrCreateTimedOut:
		return e.Kind == KindCreateTimedOut
	case ErrNoOutboundRoute:
		return e.Kind == KindNoOutboundRoute
	}
	return false
}

// newAPIError builds the error for a non-2xx reply, scrubbing the auth token
// from anything the server echoed.
func (c *Client) newAPIError(req request, rep *reply) *APIError {
	body := strings.TrimSpace(c.redact(string(rep.body)))
	ct := rep.header.Get("Content-Type")
	if isHTML(ct, body) {
		// A container's error page: its markup says nothing an operator can use, and pasting it into a
		// message would fill the screen with tags.
		kind := classify(rep.status, ct, body, "")
		return &APIError{Op: req.op, Method: req.method, Path: req.path, StatusCode: rep.status, Kind: kind,
			Body: fmt.Sprintf("(an HTML page of %d bytes)", len(body))}
	}
	msg := errorMessage([]byte(body))
	if rep.status >= 300 && rep.status <= 399 {
		if loc := rep.header.Get("Location"); loc != "" {
			msg = cleanText("redirected to " + c.redact(loc))
		}
	}
	if len(body) > maxErrorBody {
		body = strings.ToValidUTF8(body[:maxErrorBody], "") + "..."
	}
	return &APIError{Op: req.op, Method: req.method, Path: req.path, StatusCode: rep.status, Message: msg, Body: body,
		Kind: classify(rep.status, ct, body, msg)}
}

// redact removes the auth token, in any encoding, from s.
func (c *Client) redact(s string) string { return c.red.text(s) }

// errorMessage extracts the explanation from an error body: {"message": ...}
// when the body is such a JSON object, otherwise the body as text.
func errorMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	if body[0] == '{' {
		var obj struct {
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(body, &obj) == nil && len(obj.Message) > 0 {
			var s string
			if json.Unmarshal(obj.Message, &s) == nil {
				return cleanText(s)
			}
			return cleanText(string(obj.Message))
		}
	}
	return cleanText(string(body))
}

// cleanText makes server text safe for one line of a terminal: invalid UTF-8
// and control characters dropped, whitespace runs collapsed to one space,
// length bounded.
func cleanText(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case !unicode.IsPrint(r):
			continue
		}
		if n >= maxMessageRunes {
			b.WriteString("...")
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// TransportError is a failure to get a complete reply: the connection could
// not be made, broke, or the context ended. Sent says whether the request may
// have reached the server; when it is false the error matches ErrNotSent.
type TransportError struct {
	Op     string
	Method string
	Path   string
	Sent   bool
	Err    error
}

// Error names the operation and whether the request left.
func (e *TransportError) Error() string {
	state := "no reply"
	if !e.Sent {
		state = "request not sent"
	}
	return fmt.Sprintf("restcomm: %s: %s %s: %s: %v", e.Op, e.Method, e.Path, state, e.Err)
}

// Unwrap returns the underlying error (a net error, context.Canceled...).
func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrNotSent when the request never reached the server.
func (e *TransportError) Is(target error) bool { return target == ErrNotSent && !e.Sent }

// OutcomeUnknownError is returned by CreateCall when the request may have
// reached Restcomm but no usable reply came back (the connection dropped
// after the request was written, the deadline passed while waiting, a
// gateway timed out, or a 2xx reply could not be read). A call may be
// ringing: look it up with ListCalls (To, From, around SentAt) before
// dialling again. errors.Is(err, ErrOutcomeUnknown) matches it.
type OutcomeUnknownError struct {
	To     string
	From   string
	SentAt time.Time
	Err    error
}

// Error explains the doubt and what to do about it.
func (e *OutcomeUnknownError) Error() string {
	// Neither number is in the text: To is a customer's personal data and From's last digits are a
	// verification code, and this text reaches screens and logs. The fields keep them for the look-up.
	return fmt.Sprintf("restcomm: create call: outcome unknown: the request sent at %s may have placed the call; look it up before dialling again: %v",
		e.SentAt.UTC().Format(time.RFC3339), e.Err)
}

// Unwrap returns the underlying transport or API error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }
