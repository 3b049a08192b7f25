package sim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
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
	// silentHold is how long the callee of a silent call (the document was a 404) listens before hanging up.
	silentHold = 5 * time.Second
)

// playKind is what an answered call does once its document has been fetched.
type playKind int

const (
	playSpeak  playKind = iota // the document plays, then the callee hangs up
	playSilent                 // nothing plays (the document was a 404); the callee hangs up after a while
	playHangUp                 // Restcomm hangs up at once (the document had no Content-Type)
)

// playback is how an answered call goes on after the RCML fetch. Times are simulated (before the speed factor).
type playback struct {
	kind playKind
	// talk is how long the document takes to play (playSpeak).
	talk time.Duration
	// lead is the length of the document's leading <Pause>s: each resets Restcomm's idle timer, so the
	// Timeout only counts from the end of the last of them.
	lead time.Duration
}

// hold is how long the call stays up after the answer, given the call's Timeout, and whether the Timeout cut
// the message off. Restcomm's Timeout is an idle timer that the answer restarts and that a leading <Pause>
// resets; nothing else restarts it while a document plays, so a message longer than that is hung up when the
// timer fires.
func (p playback) hold(timeout time.Duration) (time.Duration, bool) {
	switch p.kind {
	case playHangUp:
		return 0, false
	case playSilent:
		return min(silentHold, timeout), false
	}
	if limit := p.lead + timeout; p.talk > limit {
		return limit, true
	}
	return p.talk, false
}

// parseRCML checks that body is a well-formed XML document and returns how playing it goes. The root element
// is not checked (Restcomm walks the verbs it knows and skips the rest).
func parseRCML(body []byte) (playback, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark is allowed
	if err := declarationFirst(body); err != nil {
		return playback{}, err
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }

	p := playback{kind: playSpeak, talk: speechBase}
	var (
		depth, roots int
		leading      = true // no verb but Pause has started yet
		stopped      bool   // after Hangup or Redirect nothing more is played
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
			return playback{}, fmt.Errorf("document is not well-formed XML: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if roots++; roots > 1 {
					return playback{}, errors.New("document has more than one root element")
				}
			}
			if depth == 1 && tok.Name.Local != "Pause" {
				leading = false
			}
			depth++
			if stopped || depth == 1 {
				continue
			}
			switch tok.Name.Local {
			case "Say":
				inSay, sayLoop = true, loopAttr(tok)
				sayText.Reset()
			case "Play":
				p.talk += time.Duration(loopAttr(tok)) * playTime
			case "Pause":
				n := pauseAttr(tok)
				p.talk += n
				if leading {
					p.lead += n
				}
			case "Hangup", "Reject", "Redirect":
				stopped = true
			}
		case xml.EndElement:
			depth--
			if tok.Name.Local == "Say" && inSay {
				p.talk += sayTime(sayText.String(), sayLoop)
				inSay = false
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return playback{}, errors.New("document has text outside its root element")
			}
			if inSay {
				sayText.Write(tok)
			}
		}
	}
	if roots == 0 {
		return playback{}, errors.New("document has no root element")
	}
	return p, nil
}

// declarationFirst rejects a document whose XML declaration is not its first byte: the mistake that broke
// the reference blog's own repository was a comment before <?xml ... ?>, and Restcomm's XML parser refuses
// anything there. (White space before it is trimmed away first when the body has a Content-Length.)
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
