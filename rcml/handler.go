package rcml

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
)

// ContentType is the Content-Type the handler serves documents with.
const ContentType = "text/xml; charset=utf-8"

// maxFormBytes bounds a POST body; Restcomm's parameters take well under 1 KiB.
const maxFormBytes = 64 << 10

// CodeLookup returns the verification code of the call whose document address carries token (the {token}
// segment of TokenPattern), for as long as that call may still be up; ok is false for a token no call holds,
// or one whose call has ended. It must never log the token. ctx is the fetch's request context.
type CodeLookup func(ctx context.Context, token string) (code string, ok bool)

// FetchParams are the parameters Restcomm sends when it fetches the RCML of an answered call.
type FetchParams struct {
	// CallSID identifies the call (CallSid).
	CallSID string
	// AccountSID is the account the call belongs to (AccountSid).
	AccountSID string
	// From is the caller (From).
	From string
	// To is the callee (To).
	To string
	// CallStatus is the call's status, "in-progress" on an answered call (CallStatus).
	CallStatus string
	// APIVersion is Restcomm's API version, e.g. "2012-04-24" (ApiVersion).
	APIVersion string
	// Direction is "outbound-api" for calls flashcall places (Direction).
	Direction string
	// CallerName is the caller's display name (CallerName).
	CallerName string
	// ForwardedFrom is empty when Restcomm sends its literal "null" (ForwardedFrom).
	ForwardedFrom string
	// CallTimestamp is when the call started, in Restcomm's own format (CallTimestamp).
	CallTimestamp string
	// InstanceID identifies the Restcomm instance (InstanceId).
	InstanceID string
}

// ParseFetchParams reads Restcomm's parameters from the query string (GET) or the form body (POST; a bad body
// is reported in err, and whatever could be read is still returned).
func ParseFetchParams(r *http.Request) (FetchParams, error) {
	var (
		v   url.Values
		err error
	)
	if r.Method == http.MethodPost {
		err = r.ParseForm()
		v = r.Form
	} else {
		v = r.URL.Query()
	}
	p := FetchParams{
		CallSID:       v.Get("CallSid"),
		AccountSID:    v.Get("AccountSid"),
		From:          v.Get("From"),
		To:            v.Get("To"),
		CallStatus:    v.Get("CallStatus"),
		APIVersion:    v.Get("ApiVersion"),
		Direction:     v.Get("Direction"),
		CallerName:    v.Get("CallerName"),
		ForwardedFrom: v.Get("ForwardedFrom"),
		CallTimestamp: v.Get("CallTimestamp"),
		InstanceID:    v.Get("InstanceId"),
	}
	if p.ForwardedFrom == "null" {
		p.ForwardedFrom = ""
	}
	return p, err
}

type handler struct {
	opts    FlashOptions
	lookup  CodeLookup
	log     *slog.Logger
	static  []byte // the encoded document when it does not depend on the call
	neutral []byte // with the code in the text: the document that speaks NoCodePhrase instead
}

// NewHandler returns the http.Handler Restcomm fetches when a flash call is answered. It validates o (see
// FlashOptions.Validate) and refuses a CodePlaceholder without a lookup. It answers GET and POST with 200 and
// ContentType, 405 (Allow: GET, POST) otherwise.
//
// Without CodePlaceholder in the text every address gets the same document. With it, the code is spoken only
// to a fetch of the call's own address: mount the handler on StaticPath, TokenPath and TokenPattern, and give
// each call TokenPath followed by a token of its own (NewToken). The code then comes from lookup(token).
// Anything else (no token, a malformed, unknown or spent token, a lookup that fails or panics) gets the
// neutral document, NoCodePhrase in place of the code, still with 200, and a warning is logged: the call
// never fails for it. The CallSid parameter never selects a code: anyone may know a call's SID.
//
// It logs the CallSid and call status of each fetch and whether a code was found, never the token, the
// numbers or the code. A nil logger discards.
func NewHandler(o FlashOptions, lookup CodeLookup, logger *slog.Logger) (http.Handler, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("rcml: flash document: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{opts: o, lookup: lookup, log: logger}
	if o.HasCode() {
		if lookup == nil {
			return nil, fmt.Errorf("rcml: flash document: text contains %s but there is no code lookup", CodePlaceholder)
		}
		b, err := Encode(FlashDocumentWithCode(o, ""))
		if err != nil {
			return nil, fmt.Errorf("rcml: flash document: %w", err)
		}
		h.neutral = b
		return h, nil
	}
	b, err := Encode(FlashDocument(o))
	if err != nil {
		return nil, fmt.Errorf("rcml: flash document: %w", err)
	}
	h.static = b
	return h, nil
}

// ServeHTTP answers Restcomm's fetch with the document, the code spoken where the text asks for it.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed: Restcomm fetches RCML with GET or POST", http.StatusMethodNotAllowed)
		return
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	p, err := ParseFetchParams(r)
	if err != nil {
		h.log.Warn("rcml fetch: unreadable parameters", "method", r.Method, "err", err)
	}
	body := h.static
	codeFound := false
	if body == nil {
		body = h.neutral
		if code := h.code(r, p.CallSID); code != "" {
			if b, err := Encode(FlashDocumentWithCode(h.opts, code)); err == nil {
				body, codeFound = b, true
			} else { // cannot happen: the document has no nil verbs; the neutral one keeps the call going
				h.log.Error("rcml fetch: encode, speaking the neutral phrase", "call_sid", p.CallSID, "err", err)
			}
		}
	}
	h.log.Info("rcml fetch", "method", r.Method, "call_sid", p.CallSID, "call_status", p.CallStatus,
		"direction", p.Direction, "code_found", codeFound)
	hdr := w.Header()
	hdr.Set("Content-Type", ContentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// code looks up the code of the call whose address carries r's token; it returns "" (and logs why, never
// the token) when there is none.
func (h *handler) code(r *http.Request, callSID string) (code string) {
	token := r.PathValue("token")
	switch {
	case token == "":
		h.log.Warn("rcml fetch: no token in the address, speaking the neutral phrase instead of the code",
			"call_sid", callSID, "path_is_static", r.URL.Path == StaticPath)
		return ""
	case !WellFormedToken(token):
		h.log.Warn("rcml fetch: malformed token in the address, speaking the neutral phrase", "call_sid", callSID)
		return ""
	}
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("rcml fetch: code lookup panicked, speaking the neutral phrase", "call_sid", callSID, "panic", v)
			code = ""
		}
	}()
	c, ok := h.lookup(r.Context(), token)
	if !ok || SpeakDigits(c) == "" {
		h.log.Warn("rcml fetch: the token gives no code (no call holds it, or its call has ended), speaking the neutral phrase",
			"call_sid", callSID)
		return ""
	}
	return c
}
