package restcomm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	// Body is the trimmed reply body (bounded), for logs and debugging.
	Body string
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

// hint is the actionable advice for well-known statuses.
func (e *APIError) hint() string {
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized:
		return "the credentials were refused: check restcomm.account_sid and restcomm.auth_token"
	case code == http.StatusForbidden:
		if strings.Contains(strings.ToLower(e.Message), "not active") {
			return "the account is not active: a fresh install's administrator must change its password first"
		}
		return "the account has no permission for this or is not active"
	case code == http.StatusNotFound:
		if strings.Contains(e.Path, "/Calls/") {
			return "no such call, or the account SID in the URL is unknown or restcomm.base_url is wrong"
		}
		return "the account SID in the URL is unknown or restcomm.base_url is wrong (it should end in /restcomm)"
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
	}
	return false
}

// newAPIError builds the error for a non-2xx reply, scrubbing the auth token
// from anything the server echoed.
func (c *Client) newAPIError(req request, rep *reply) *APIError {
	body := strings.TrimSpace(c.redact(string(rep.body)))
	msg := errorMessage([]byte(body))
	if rep.status >= 300 && rep.status <= 399 {
		if loc := rep.header.Get("Location"); loc != "" {
			msg = cleanText("redirected to " + c.redact(loc))
		}
	}
	if len(body) > maxErrorBody {
		body = strings.ToValidUTF8(body[:maxErrorBody], "") + "..."
	}
	return &APIError{Op: req.op, Method: req.method, Path: req.path, StatusCode: rep.status, Message: msg, Body: body}
}

// redact replaces the auth token wherever it appears in s.
func (c *Client) redact(s string) string {
	if c.authToken == "" {
		return s
	}
	return strings.ReplaceAll(s, c.authToken, "********")
}

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
	return fmt.Sprintf("restcomm: create call to %s from %s: outcome unknown: the request sent at %s may have placed the call; look it up before dialling again: %v",
		e.To, e.From, e.SentAt.UTC().Format(time.RFC3339), e.Err)
}

// Unwrap returns the underlying transport or API error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }
