package sim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// How long the simulated callee listens to a document.
const (
	// speechBase is the fixed part of every answered call: pick-up to hang-up around the verbs.
	speechBase = time.Second
	// speechPerChar is the time one character of Say text takes to speak.
	speechPerChar = 60 * time.Millisecond
	// playTime is the length assumed for one Play of an audio file (the simulator does not download it).
	playTime = 3 * time.Second
	// foreverLoops stands in for loop="0" (repeat forever): long enough to notice, short enough to end.
	foreverLoops = 100
	// maxDocument is the largest RCML document accepted.
	maxDocument = 1 << 20
)

// rcmlParams are the parameters Restcomm sends with an RCML fetch. The caller holds s.mu.
func (s *Server) rcmlParams(c *call, now time.Time) url.Values {
	return url.Values{
		"CallSid":       {c.sid},
		"AccountSid":    {s.accountSID},
		"From":          {c.from},
		"To":            {c.to},
		"CallStatus":    {wireInProgress},
		"ApiVersion":    {apiVersion},
		"Direction":     {"outbound-api"},
		"CallerName":    {c.from},
		"ForwardedFrom": {"null"},
		"CallTimestamp": {fmtDate(now)},
		"InstanceId":    {s.instanceID},
	}
}

// fetchRCML fetches the document at t and returns how long speaking it takes (simulated time), or why a real
// Restcomm server would fail the call instead. It does HTTP: the caller holds no lock.
func (s *Server) fetchRCML(t fetchTarget, params url.Values) (time.Duration, error) {
	req, err := t.request(s, params)
	if err != nil {
		return 0, fmt.Errorf("bad Url: %w", err) // names no part of the URL
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetch failed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return 0, fmt.Errorf("reading the document: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("document served with HTTP %d, not 200", resp.StatusCode)
	}
	if len(body) > maxDocument {
		return 0, fmt.Errorf("document larger than %d bytes", maxDocument)
	}
	media, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return 0, fmt.Errorf("document has no usable Content-Type (%q)", resp.Header.Get("Content-Type"))
	}
	switch media {
	case "text/xml", "application/xml":
		return speakXML(body)
	case "text/plain":
		// Restcomm speaks a plain-text reply as if it were one Say.
		return speechBase + sayTime(string(body), 1), nil
	default:
		return 0, fmt.Errorf("document served as %s, not text/xml or application/xml", media)
	}
}

// speakXML checks that body is a well-formed RCML document and returns how long playing it takes.
func speakXML(body []byte) (time.Duration, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark is allowed
	if err := declarationFirst(body); err != nil {
		return 0, err
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }

	total := speechBase
	var (
		depth, roots int
		stopped      bool // after Hangup or Redirect nothing more is played
		inSay        bool
		sayLoop      int
		sayText      strings.Builder
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("document is not well-formed XML: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return 0, errors.New("document has more than one root element")
				}
				if tok.Name.Local != "Response" {
					return 0, fmt.Errorf("document root is <%s>, not <Response>", tok.Name.Local)
				}
			}
			depth++
			if stopped {
				continue
			}
			switch tok.Name.Local {
			case "Say":
				inSay, sayLoop = true, loopAttr(tok)
				sayText.Reset()
			case "Play":
				total += time.Duration(loopAttr(tok)) * playTime
			case "Pause":
				total += pauseAttr(tok)
			case "Hangup", "Reject", "Redirect":
				stopped = true
			}
		case xml.EndElement:
			depth--
			if tok.Name.Local == "Say" && inSay {
				total += sayTime(sayText.String(), sayLoop)
				inSay = false
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return 0, errors.New("document has text outside its root element")
			}
			if inSay {
				sayText.Write(tok)
			}
		}
	}
	if roots == 0 {
		return 0, errors.New("document has no root element")
	}
	return total, nil
}

// declarationFirst rejects a document whose XML declaration is not its first byte: the
// mistake that broke the reference blog's own repository was a comment before <?xml ... ?>, and Restcomm's
// XML parser refuses anything there, even a blank line.
func declarationFirst(body []byte) error {
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte("<?xml"))
		if i < 0 {
			return nil
		}
		at := off + i
		// "<?xml-stylesheet" and friends are ordinary processing instructions, allowed anywhere.
		if next := at + len("<?xml"); next < len(body) && !isXMLSpace(body[next]) && body[next] != '?' {
			off = next
			continue
		}
		if at > 0 {
			return errors.New("document has content before its XML declaration")
		}
		return nil
	}
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// sayTime is how long text takes to speak loop times.
func sayTime(text string, loop int) time.Duration {
	text = strings.Join(strings.Fields(text), " ")
	return time.Duration(loop) * time.Duration(utf8.RuneCountInString(text)) * speechPerChar
}

// loopAttr reads a verb's loop attribute: 1 by default, 0 meaning forever.
func loopAttr(el xml.StartElement) int {
	v, ok := attr(el, "loop")
	if !ok {
		return 1
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil || n < 0:
		return 1
	case n == 0:
		return foreverLoops
	default:
		return min(n, foreverLoops)
	}
}

// pauseAttr reads Pause's length in seconds (1 by default).
func pauseAttr(el xml.StartElement) time.Duration {
	v, ok := attr(el, "length")
	if !ok {
		return time.Second
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return time.Second
	}
	return time.Duration(min(n, 3600)) * time.Second
}

func attr(el xml.StartElement, name string) (string, bool) {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}
