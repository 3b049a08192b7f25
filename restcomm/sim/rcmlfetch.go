package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// maxDocument is the largest RCML document accepted.
const maxDocument = 1 << 20

// rcmlParams are the parameters Restcomm sends with an RCML fetch, in its order. The caller holds s.mu.
func (s *Server) rcmlParams(c *call) params {
	callerName := c.from
	if callerName == "" {
		callerName = "null" // Java's String.valueOf(null)
	}
	return params{
		{name: "CallSid", value: c.sid},
		{name: "AccountSid", value: s.accountSID},
		{name: "From", value: c.from},
		{name: "To", value: c.to},
		{name: "CallStatus", value: wireInProgress},
		{name: "ApiVersion", value: apiVersion},
		{name: "Direction", value: "outbound-api"},
		{name: "CallerName", value: callerName},
		{name: "ForwardedFrom", value: "null"},
		{name: "CallTimestamp", value: s.fmtISO(c.created)},
		{name: "InstanceId", value: s.instanceID},
	}
}

// fetchRCML fetches the document at t and says how the answered call goes on, or why a real Restcomm server
// would fail the call instead. The rules (restcomm.md, "How Restcomm fetches the RCML"):
//
//   - the status must be exactly 200; a 404 leaves a silent call up (the FallbackUrl is not tried);
//     anything else fails the call (the caller then tries the FallbackUrl, if any);
//   - a body with a Content-Length is XML-parsed first, whatever its type, after trimming white space and
//     repairing bare "&": one that does not parse fails the call;
//   - no Content-Type at all makes Restcomm hang up;
//   - text/xml, application/xml and text/html are RCML, whatever their root element;
//   - text/plain is spoken only when it came chunked (no Content-Length); with a length it fails the call;
//   - any other type fails the call.
//
// It does HTTP: the caller holds no lock.
func (s *Server) fetchRCML(t fetchTarget, ps params) (playback, error) {
	req, err := t.request(s, ps)
	if err != nil {
		return playback{}, fmt.Errorf("bad Url: %w", err) // names no part of the URL
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return playback{}, fmt.Errorf("fetch failed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return playback{}, fmt.Errorf("reading the document: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return playback{kind: playSilent}, nil
	case resp.StatusCode != http.StatusOK:
		return playback{}, fmt.Errorf("document served with HTTP %d, not 200", resp.StatusCode)
	case len(body) > maxDocument:
		return playback{}, fmt.Errorf("document larger than %d bytes", maxDocument)
	}

	sized := resp.ContentLength >= 0
	var parsed playback
	if sized {
		body = repairAmpersands(bytes.TrimSpace(body))
		if parsed, err = parseRCML(body); err != nil {
			return playback{}, err
		}
	}
	contentType := resp.Header.Get("Content-Type")
	if contentType == "" {
		return playback{kind: playHangUp}, nil
	}
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return playback{}, fmt.Errorf("document has an unusable Content-Type (%q)", contentType)
	}
	switch media {
	case "text/xml", "application/xml", "text/html":
		if sized {
			return parsed, nil
		}
		return parseRCML(body)
	case "text/plain":
		if sized {
			return playback{}, errors.New("a text/plain document with a Content-Length is read as XML, not spoken")
		}
		// Restcomm speaks a chunked plain-text reply as if it were one Say.
		return playback{kind: playSpeak, talk: speechBase + sayTime(string(body), 1)}, nil
	default:
		return playback{}, fmt.Errorf("document served as %s, not text/xml, application/xml or text/html", media)
	}
}
