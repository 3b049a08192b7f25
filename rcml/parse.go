package rcml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Errors Parse wraps, for errors.Is.
var (
	// ErrNotWellFormed means the input is not well-formed XML; Restcomm fails the call on such a document.
	ErrNotWellFormed = errors.New("not well-formed XML")
	// ErrDeclarationNotFirst means something (a comment, blank line, byte-order mark...) comes before the
	// XML declaration; Restcomm's parser refuses such a document.
	ErrDeclarationNotFirst = errors.New("the XML declaration is not the first thing in the document")
	// ErrNoResponse means the root element is not <Response>.
	ErrNoResponse = errors.New("the root element is not <Response>")
)

// Parse reads an RCML document the way Restcomm does: the known verbs under <Response> in order (also inside
// <Gather>), with unknown elements, unknown attributes, comments and stray text skipped. Say and Sms text is
// kept exactly; Play and Redirect URLs are trimmed of surrounding white space.
//
// It refuses, with an error naming the line: anything before the XML declaration, a byte-order mark
// included (ErrDeclarationNotFirst); input that is not well-formed XML, including duplicate attributes, a
// second root element or text after the root (ErrNotWellFormed); a root other than <Response>
// (ErrNoResponse); and an integer attribute (loop, length, timeout, numDigits) that is not a whole number.
// Parse does not check values: use Validate.
func Parse(data []byte) (*Response, error) {
	p := &parser{d: xml.NewDecoder(bytes.NewReader(data))}
	if bom := []byte("\uFEFF"); bytes.HasPrefix(data, bom) {
		// Inferred: Restcomm parses the body as a string, where a byte-order mark is content before the prolog.
		if bytes.HasPrefix(data[len(bom):], []byte("<?xml")) {
			return nil, p.declarationError(bom)
		}
		return nil, p.malformed("byte-order mark before the root element: save the document as UTF-8 without BOM")
	}
	var resp *Response
	for first := true; ; first = false {
		offset := p.d.InputOffset()
		tok, err := p.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "xml" && !first {
				return nil, p.declarationError(data[:offset])
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				where := "before"
				if resp != nil {
					where = "after"
				}
				return nil, p.malformed(fmt.Sprintf("text %s the root element", where))
			}
		case xml.Directive:
			if resp != nil {
				return nil, p.malformed("markup declaration after the root element")
			}
		case xml.StartElement:
			if resp != nil {
				return nil, p.malformed(fmt.Sprintf("second root element <%s>", t.Name.Local))
			}
			if t.Name.Local != "Response" {
				return nil, fmt.Errorf("rcml: line %d: %w: found <%s>, want <Response>", p.line(), ErrNoResponse, t.Name.Local)
			}
			verbs, err := p.verbs("/Response")
			if err != nil {
				return nil, err
			}
			resp = &Response{Verbs: verbs}
		}
	}
	if resp == nil {
		return nil, fmt.Errorf("rcml: %w: no root element (want <Response>)", ErrNotWellFormed)
	}
	return resp, nil
}

type parser struct {
	d *xml.Decoder
}

func (p *parser) line() int {
	line, _ := p.d.InputPos()
	return line
}

func (p *parser) malformed(msg string) error {
	return fmt.Errorf("rcml: line %d: %w: %s", p.line(), ErrNotWellFormed, msg)
}

func (p *parser) declarationError(before []byte) error {
	what := fmt.Sprintf("%d bytes", len(before))
	switch {
	case bytes.HasPrefix(before, []byte("\uFEFF")):
		what = "a byte-order mark"
	case len(bytes.TrimSpace(before)) == 0:
		what = "white space"
	case bytes.Contains(before, []byte("<!--")):
		what = "a comment"
	}
	return fmt.Errorf("rcml: line %d: %w: %s comes before <?xml: remove it so the document starts with <?xml",
		p.line(), ErrDeclarationNotFirst, what)
}

// token returns the next token, turning decoder errors into ErrNotWellFormed and refusing duplicate
// attributes, which encoding/xml lets through.
func (p *parser) token() (xml.Token, error) {
	tok, err := p.d.Token()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("rcml: line %d: %w: %s", se.Line, ErrNotWellFormed, se.Msg)
		}
		return nil, fmt.Errorf("rcml: line %d: %w: %v", p.line(), ErrNotWellFormed, err)
	}
	if start, ok := tok.(xml.StartElement); ok {
		for i, a := range start.Attr {
			for _, b := range start.Attr[:i] {
				if a.Name == b.Name {
					return nil, p.malformed(fmt.Sprintf("attribute %q repeated in <%s>", a.Name.Local, start.Name.Local))
				}
			}
		}
	}
	return tok, nil
}

// verbs reads the known verbs up to the end of the current element.
func (p *parser) verbs(path string) ([]Verb, error) {
	var out []Verb
	count := map[string]int{}
	for {
		tok, err := p.token()
		if err == io.EOF {
			return nil, p.malformed("unexpected end of document")
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.ProcInst:
			if t.Target == "xml" {
				return nil, p.malformed("XML declaration inside the document")
			}
		case xml.StartElement:
			name := t.Name.Local
			count[name]++
			v, err := p.verb(t, fmt.Sprintf("%s/%s[%d]", path, name, count[name]))
			if err != nil {
				return nil, err
			}
			if v != nil {
				out = append(out, v)
			}
		}
	}
}

// verb reads one element; it returns nil for an element that is not a verb (skipped).
func (p *parser) verb(start xml.StartElement, path string) (Verb, error) {
	attrs := map[string]string{}
	for _, a := range start.Attr {
		if a.Name.Space == "" {
			attrs[a.Name.Local] = a.Value
		}
	}
	ints := func(names ...string) ([]*int, error) {
		out := make([]*int, len(names))
		for i, n := range names {
			s, ok := attrs[n]
			if !ok {
				continue
			}
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("rcml: line %d: %s: %s=%q is not a whole number", p.line(), path, n, s)
			}
			out[i] = &v
		}
		return out, nil
	}
	switch start.Name.Local {
	case "Say":
		n, err := ints("loop")
		if err != nil {
			return nil, err
		}
		t, err := p.text()
		return Say{Voice: attrs["voice"], Language: attrs["language"], Loop: n[0], Text: t}, err
	case "Play":
		n, err := ints("loop")
		if err != nil {
			return nil, err
		}
		t, err := p.text()
		return Play{Loop: n[0], URL: strings.TrimSpace(t)}, err
	case "Pause":
		n, err := ints("length")
		if err != nil {
			return nil, err
		}
		return Pause{Length: n[0]}, p.skip()
	case "Hangup":
		return Hangup{}, p.skip()
	case "Reject":
		return Reject{Reason: attrs["reason"]}, p.skip()
	case "Redirect":
		t, err := p.text()
		return Redirect{Method: attrs["method"], URL: strings.TrimSpace(t)}, err
	case "Gather":
		n, err := ints("timeout", "numDigits")
		if err != nil {
			return nil, err
		}
		nested, err := p.verbs(path)
		return Gather{Action: attrs["action"], Method: attrs["method"], Timeout: n[0],
			FinishOnKey: attrs["finishOnKey"], NumDigits: n[1], Input: attrs["input"], Verbs: nested}, err
	case "Sms":
		t, err := p.text()
		return Sms{To: attrs["to"], From: attrs["from"], Action: attrs["action"], Method: attrs["method"], Text: t}, err
	}
	return nil, p.skip()
}

// text returns the character data directly inside the current element and consumes its end tag; child
// elements are skipped.
func (p *parser) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := p.token()
		if err == io.EOF {
			return "", p.malformed("unexpected end of document")
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := p.skip(); err != nil {
				return "", err
			}
		case xml.ProcInst:
			if t.Target == "xml" {
				return "", p.malformed("XML declaration inside the document")
			}
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// skip consumes tokens up to the end of the current element, still checking well-formedness.
func (p *parser) skip() error {
	for depth := 0; ; {
		tok, err := p.token()
		if err == io.EOF {
			return p.malformed("unexpected end of document")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		case xml.ProcInst:
			if t.Target == "xml" {
				return p.malformed("XML declaration inside the document")
			}
		}
	}
}
