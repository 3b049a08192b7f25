package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flashcall/flashcall/rcml"
)

// rcmlFetchTimeout is how long Restcomm's downloader waits for the RCML document (about 6 s).
const rcmlFetchTimeout = 6 * time.Second

// maxRCMLBytes bounds the document read; a flash-call document is a few hundred bytes.
const maxRCMLBytes = 1 << 20

// Fake values sent as Restcomm's fetch parameters: obviously not a real call, account or number.
const (
	fakeCallSID    = "CA00000000000000000000000000d0c702"
	fakeAccountSID = "AC00000000000000000000000000d0c702"
	fakeInstanceID = "ID00000000000000000000000000d0c702"
	fakeFrom       = "+15555550100"
	fakeTo         = "+15555550199"
	fakeCallerName = "flashcall-doctor"
)

// severity grades a finding of the RCML check.
type severity int

const (
	sevOK   severity = iota // informational: goes into the ok line
	sevWarn                 // works, but not as meant
	sevFail                 // Restcomm fails, cuts or silences the call
)

// finding is one result of the RCML check; msg says what is wrong and how to fix it.
type finding struct {
	sev severity
	msg string
}

// rcmlProbe fetches an RCML document the way Restcomm does when a call is answered, and checks what makes
// Restcomm fail, hang up or cut the call.
type rcmlProbe struct {
	// url is the document's URL (call.rcml_url, or the one flashcall serves).
	url string
	// method is call.rcml_method; empty means Restcomm's default, POST.
	method string
	// ringTimeout is call.timeout in seconds: Restcomm's Timeout, an idle timer still running after answer.
	ringTimeout int
	// client does the fetch; nil means a client like Restcomm's (6 s timeout, no compression, redirects
	// followed, certificates checked).
	client *http.Client
	// now stamps CallTimestamp; nil means time.Now.
	now func() time.Time
}

// check runs the probe and returns its findings in the order found. With no sevFail finding the document
// works; the sevOK findings then describe it (method, status and type, speech against the ring Timeout).
func (p rcmlProbe) check(ctx context.Context) []finding {
	var fs []finding
	fail := func(format string, a ...any) { fs = append(fs, finding{sevFail, fmt.Sprintf(format, a...)}) }
	warn := func(format string, a ...any) { fs = append(fs, finding{sevWarn, fmt.Sprintf(format, a...)}) }
	info := func(format string, a ...any) { fs = append(fs, finding{sevOK, fmt.Sprintf(format, a...)}) }

	if p.url == "" {
		fail("no RCML URL: set call.rcml_url, or server.public_url so flashcall serves it")
		return fs
	}
	u, err := url.Parse(p.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fail("not an absolute http(s) URL: give the full address of the RCML document")
		return fs
	}
	method := p.method
	if method == "" {
		method = http.MethodPost
	}
	if method != http.MethodGet && method != http.MethodPost {
		fail("call.rcml_method %q: Restcomm fetches with GET or POST", method)
		return fs
	}

	params := p.fetchParams()
	req, err := p.request(ctx, u, method, params, fail)
	if err != nil {
		fail("cannot build the request: %v", err)
		return fs
	}
	client := p.client
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableCompression = true // Restcomm's downloader does not ask for gzip
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr, Timeout: rcmlFetchTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		fail("%s", fetchError(err))
		return fs
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRCMLBytes+1))
	if err != nil {
		fail("reading the reply: %s (Restcomm fails the call on a broken reply)", fetchError(err))
		return fs
	}
	if len(body) > maxRCMLBytes {
		fail("the reply is over %d KiB: serve the RCML document itself (a flash-call document is a few hundred bytes)", maxRCMLBytes>>10)
		return fs
	}
	ctype := resp.Header.Get("Content-Type")
	mt, _, mtErr := mime.ParseMediaType(ctype)

	switch code := resp.StatusCode; {
	case code == http.StatusOK:
	case code == http.StatusCreated || code == http.StatusNoContent:
		fail("HTTP %d%s: Restcomm needs exactly 200 and fails the call on %d: answer 200 with the document", code,
			bodyExcerpt(body, mt), code)
		return fs
	case code == http.StatusNotFound:
		fail("HTTP 404%s: after answer Restcomm leaves the customer on a silent call until they hang up: fix the URL "+
			"(or let flashcall serve it: leave call.rcml_url empty and set server.public_url)", bodyExcerpt(body, mt))
		return fs
	default:
		fail("HTTP %d%s: Restcomm needs exactly 200 and fails the call: make the URL answer 200 with the document",
			code, bodyExcerpt(body, mt))
		return fs
	}

	switch {
	case strings.TrimSpace(ctype) == "":
		fail("no Content-Type: Restcomm hangs up the answered call: serve the document as text/xml")
	case mtErr != nil:
		fail("Content-Type %q cannot be read: serve the document as text/xml", clip(ctype, 60))
	case mt == "text/xml" || mt == "application/xml" || mt == "text/html":
		info("%s, HTTP 200 %s", method, mt)
	case mt == "text/plain" && resp.ContentLength >= 0:
		fail("Content-Type text/plain with a Content-Length: Restcomm fails the call: serve the document as text/xml")
	case mt == "text/plain":
		fail("Content-Type text/plain sent chunked: Restcomm speaks the reply as text instead of running it: " +
			"serve the document as text/xml")
	default:
		fail("Content-Type %s is not read as RCML: serve the document as text/xml (application/xml and text/html also work)",
			clip(mt, 60))
	}

	// Restcomm trims white space and repairs bare & before it parses.
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		fail("the reply is empty: serve an RCML document, e.g. the output of `flashcall rcml`")
		return fs
	}
	repaired, n := repairAmpersands(trimmed)
	if n > 0 {
		warn("%d bare & in the document: Restcomm repairs them, other tools may not: write &amp;", n)
	}
	doc, err := rcml.Parse(repaired)
	if err != nil {
		fail("%s", strings.TrimPrefix(err.Error(), "rcml: "))
		return fs
	}

	doc = p.checkLanguages(doc, warn)
	if err := rcml.Validate(doc); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fail("%s", line)
		}
	}

	est := rcml.EstimateSpeech(doc)
	leadingPause := false
	if len(doc.Verbs) > 0 {
		_, leadingPause = doc.Verbs[0].(rcml.Pause)
	}
	limit := time.Duration(p.ringTimeout) * time.Second
	switch {
	case est.Endless:
		fail(`loop="0" repeats for ever: a verification call must end; give loop a count (leave it out to play once)`)
	case leadingPause:
		info("starts with <Pause>, so the ring Timeout does not cut the message")
	case p.ringTimeout > 0 && est.Spoken >= limit:
		fail("about %.1f s of speech (%d characters at %d a second) is not shorter than the ring Timeout of %d s "+
			"(call.timeout): Restcomm keeps that timer running after answer and hangs up mid-message: shorten the "+
			"text, or start the document with <Pause length=\"1\"/>", est.Spoken.Seconds(), est.Chars,
			rcml.SpeechRate, p.ringTimeout)
	case p.ringTimeout > 0 && est.Spoken > limit*3/4:
		warn("about %.1f s of speech is close to the ring Timeout of %d s (call.timeout), and the estimate "+
			"(%d characters a second) is rough: shorten the text, or start the document with <Pause length=\"1\"/>",
			est.Spoken.Seconds(), p.ringTimeout, rcml.SpeechRate)
	default:
		info("about %.1f s of speech, under the ring Timeout of %d s", est.Spoken.Seconds(), p.ringTimeout)
	}
	if est.Plays > 0 && !leadingPause && !est.Endless {
		warn("%d <Play> whose length cannot be checked: keep the audio and speech under the ring Timeout of %d s, "+
			"or start the document with <Pause length=\"1\"/>", est.Plays, p.ringTimeout)
	}
	if _, ok := tokenSegment(u); ok {
		info("every call gets its own address, and only that address hears the code while the call is up: " +
			"this probe's token belongs to no call, so it heard the neutral phrase")
	}
	return fs
}

// tokenSegment returns the last path segment of u when u has the form of the per-call RCML addresses
// flashcall gives when the document speaks the code (.../rcml/<token>).
func tokenSegment(u *url.URL) (string, bool) {
	dir, last := path.Split(u.Path)
	if !strings.HasSuffix(dir, rcml.TokenPath) || !rcml.WellFormedToken(last) {
		return "", false
	}
	return last, true
}

// fetchParams returns Restcomm's RCML fetch parameters with obviously fake values.
func (p rcmlProbe) fetchParams() url.Values {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	return url.Values{
		"CallSid":       {fakeCallSID},
		"AccountSid":    {fakeAccountSID},
		"From":          {fakeFrom},
		"To":            {fakeTo},
		"CallStatus":    {"in-progress"},
		"ApiVersion":    {"2012-04-24"},
		"Direction":     {"outbound-api"},
		"CallerName":    {fakeCallerName},
		"ForwardedFrom": {"null"},
		"CallTimestamp": {now().UTC().Format("2006-01-02T15:04:05.000Z07:00")},
		"InstanceId":    {fakeInstanceID},
	}
}

// request builds the fetch: POST sends params as a form and keeps the URL as it is; GET replaces the URL's
// query string and user:password with params, as Restcomm does, and reports what is lost.
func (p rcmlProbe) request(ctx context.Context, u *url.URL, method string, params url.Values,
	fail func(string, ...any)) (*http.Request, error) {
	if method == http.MethodPost {
		req, err := http.NewRequestWithContext(ctx, method, u.String(), strings.NewReader(params.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	}
	g := *u
	if g.RawQuery != "" || g.ForceQuery {
		fail("the URL has a query string (%s) and Restcomm drops it when it fetches with GET: put it in the path, "+
			"or set call.rcml_method = \"POST\"", queryNames(g.RawQuery))
	}
	if g.User != nil {
		fail("the URL has a user:password and Restcomm drops it when it fetches with GET: put any secret in the path")
	}
	g.User = nil
	g.ForceQuery = false
	g.RawQuery = params.Encode()
	return http.NewRequestWithContext(ctx, method, g.String(), nil)
}

// checkLanguages warns about Say languages that Restcomm does not speak as written, and returns a copy of
// doc with the spellings Restcomm silently changes corrected, so that Validate reports only real failures.
func (p rcmlProbe) checkLanguages(doc *rcml.Response, warn func(string, ...any)) *rcml.Response {
	warned := map[string]bool{}
	var walk func(verbs []rcml.Verb) []rcml.Verb
	walk = func(verbs []rcml.Verb) []rcml.Verb {
		out := make([]rcml.Verb, len(verbs))
		for i, v := range verbs {
			switch t := v.(type) {
			case rcml.Say:
				l := t.Language
				norm := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(l)), "_", "-")
				if l != "" && rcml.ValidLanguage(l) != nil && rcml.ValidLanguage(norm) == nil {
					if !warned[l] {
						warn("%s", rcml.ValidLanguage(l))
					}
					warned[l] = true
					t.Language = norm
				}
				if norm == "it" && !warned["it"] {
					warned["it"] = true
					warn(`language "it" is broken on Restcomm's default VoiceRSS engine (a typo in its configuration key): ` +
						`the message is not spoken unless the server uses another TTS engine`)
				}
				v = t
			case rcml.Gather:
				t.Verbs = walk(t.Verbs)
				v = t
			}
			out[i] = v
		}
		return out
	}
	return &rcml.Response{Verbs: walk(doc.Verbs)}
}

// repairAmpersands escapes every & that does not start a character or predefined entity reference, as
// Restcomm does before parsing, and returns the result and how many it repaired.
func repairAmpersands(b []byte) ([]byte, int) {
	if !bytes.Contains(b, []byte("&")) {
		return b, 0
	}
	var out bytes.Buffer
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '&' && !isReference(b[i+1:]) {
			out.WriteString("&amp;")
			n++
			continue
		}
		out.WriteByte(b[i])
	}
	return out.Bytes(), n
}

// isReference reports whether rest (what follows an &) is a predefined entity (amp, lt, gt, quot, apos) or a
// character reference (#123; or #x1F;).
func isReference(rest []byte) bool {
	end := bytes.IndexByte(rest, ';')
	if end < 0 || end > 10 {
		return false
	}
	name := string(rest[:end])
	switch name {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	digits, hex := strings.CutPrefix(name, "#x")
	if !hex {
		var ok bool
		if digits, ok = strings.CutPrefix(name, "#"); !ok {
			return false
		}
	}
	if digits == "" {
		return false
	}
	for _, r := range digits {
		if !(r >= '0' && r <= '9' || hex && (r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F')) {
			return false
		}
	}
	return true
}

// fetchError explains a failed fetch without the URL (which Go's errors repeat, query and all).
func fetchError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no reply within %s: Restcomm gives up after about %s and fails the call: make the URL "+
			"answer faster", rcmlFetchTimeout, rcmlFetchTimeout)
	case errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci):
		return fmt.Sprintf("%s: Restcomm checks TLS certificates strictly: use a valid certificate for this host "+
			"(e.g. from Let's Encrypt)", clip(err.Error(), 200))
	}
	return fmt.Sprintf("%s: Restcomm must be able to reach this URL", clip(err.Error(), 200))
}

// bodyExcerpt returns `: "first line of the body"` for a short plain-text reply, or "" for an empty or
// HTML/XML one (markup never goes into a message).
func bodyExcerpt(body []byte, mediaType string) string {
	t := strings.TrimSpace(string(body))
	if t == "" || mediaType == "text/html" || strings.HasPrefix(t, "<") || strings.Contains(t, "</") {
		return ""
	}
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	return fmt.Sprintf(": %q", clip(t, 80))
}

// clip returns s made printable (invalid UTF-8 and control characters replaced) and cut to at most n runes,
// with "…" when cut.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// queryNames lists the parameter names of a query string ("?token, id"), never their values.
func queryNames(raw string) string {
	v, err := url.ParseQuery(raw)
	if err != nil || len(v) == 0 {
		return "?…"
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, clip(k, 30))
	}
	sort.Strings(names)
	return "?" + strings.Join(names, ", ")
}

// displayURL returns u for messages: no user:password, no query values, and "{token}" for the token of a
// per-call RCML address.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unreadable URL)"
	}
	u.User = nil
	query := u.RawQuery != ""
	u.RawQuery = ""
	u.ForceQuery = false
	tok, isToken := tokenSegment(u)
	if isToken {
		u.Fragment, u.RawFragment = "", "" // so that the string ends with the token
	}
	s := u.String()
	if isToken {
		s = strings.TrimSuffix(s, tok) + "{token}" // hex needs no escaping
	}
	if query {
		return clip(s, 200) + "?…"
	}
	return clip(s, 200)
}
