package rcml

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Declaration is the XML declaration Encode writes as the very first bytes of every document.
const Declaration = `<?xml version="1.0" encoding="UTF-8"?>`

// Encode returns the document as bytes: Declaration, a newline, the whole Response on one line (no
// indentation, so Say text is spoken exactly as given), and a final newline. Attributes appear in the order of
// the verb's struct fields and empty ones are left out. Text and attribute values are escaped (& < > " '),
// tab, newline and carriage return in attributes and carriage return in text are written as character
// references so they survive parsing, and characters XML cannot carry (most control characters, invalid
// UTF-8) become U+FFFD. Encode does not validate; it fails only on a nil Response or a nil or foreign verb.
func Encode(r *Response) ([]byte, error) {
	if r == nil {
		return nil, errors.New("rcml: encode: nil Response")
	}
	var b bytes.Buffer
	b.WriteString(Declaration)
	b.WriteString("\n<Response>")
	if err := encodeVerbs(&b, r.Verbs, "/Response"); err != nil {
		return nil, err
	}
	b.WriteString("</Response>\n")
	return b.Bytes(), nil
}

func encodeVerbs(b *bytes.Buffer, verbs []Verb, path string) error {
	for i, raw := range verbs {
		v, ok := deref(raw)
		if !ok {
			return fmt.Errorf("rcml: encode: %s/*[%d]: nil verb", path, i+1)
		}
		switch v := v.(type) {
		case Say:
			open(b, "Say", "voice", v.Voice, "language", v.Language, "loop", itoa(v.Loop))
			text(b, v.Text)
		case Play:
			open(b, "Play", "loop", itoa(v.Loop))
			text(b, v.URL)
		case Pause:
			open(b, "Pause", "length", itoa(v.Length))
		case Hangup:
			open(b, "Hangup")
		case Reject:
			open(b, "Reject", "reason", v.Reason)
		case Redirect:
			open(b, "Redirect", "method", v.Method)
			text(b, v.URL)
		case Gather:
			open(b, "Gather", "action", v.Action, "method", v.Method, "timeout", itoa(v.Timeout),
				"finishOnKey", v.FinishOnKey, "numDigits", itoa(v.NumDigits), "input", v.Input)
			if err := encodeVerbs(b, v.Verbs, fmt.Sprintf("%s/*[%d]", path, i+1)); err != nil {
				return err
			}
		case Sms:
			open(b, "Sms", "to", v.To, "from", v.From, "action", v.Action, "method", v.Method)
			text(b, v.Text)
		}
		b.WriteString("</")
		b.WriteString(v.Name())
		b.WriteByte('>')
	}
	return nil
}

// open writes a start tag with the non-empty attributes of the name/value pairs, in order.
func open(b *bytes.Buffer, name string, attrs ...string) {
	b.WriteByte('<')
	b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(attrs[i])
		b.WriteString(`="`)
		escape(b, attrs[i+1], true)
		b.WriteByte('"')
	}
	b.WriteByte('>')
}

func text(b *bytes.Buffer, s string) { escape(b, s, false) }

func itoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// escape writes s as XML character data (attr false) or as a double-quoted attribute value (attr true).
func escape(b *bytes.Buffer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = utf8.RuneError // invalid byte: written as U+FFFD below
		}
		i += size
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r == '\r':
			b.WriteString("&#xD;")
		case attr && r == '\n':
			b.WriteString("&#xA;")
		case attr && r == '\t':
			b.WriteString("&#x9;")
		case !xmlChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
}

// xmlChar reports whether r may appear in an XML 1.0 document (the Char production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
