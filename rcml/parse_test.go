package rcml

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func allVerbs() *Response {
	return &Response{Verbs: []Verb{
		Say{Voice: "woman", Language: "en-gb", Loop: Int(2), Text: "Your code is 1, 2, 3, 4 & <that's> \"it\"."},
		Say{Text: "  spaces kept  \n"},
		Play{Loop: Int(0), URL: "https://example.com/a.wav?x=1&y=2"},
		Pause{Length: Int(2)},
		Pause{},
		Hangup{},
		Reject{Reason: "busy"},
		Redirect{Method: "GET", URL: "https://example.com/next.xml"},
		Gather{Action: "https://example.com/g", Method: "POST", Timeout: Int(5), FinishOnKey: "*", NumDigits: Int(4),
			Input: "dtmf", Verbs: []Verb{Say{Text: "Press"}, Play{URL: "b.wav"}, Pause{Length: Int(1)}}},
		Gather{},
		Sms{To: "+447400123456", From: "100", Action: "https://example.com/s", Method: "GET", Text: "Code: 1234"},
	}}
}

func TestParseEncodeRoundTripEveryVerb(t *testing.T) {
	want := allVerbs()
	b := mustEncode(t, want)
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Encode(doc)): %v\n%s", err, b)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the document:\ngot  %#v\nwant %#v", got, want)
	}
	for i := range want.Verbs {
		one := &Response{Verbs: want.Verbs[i : i+1]}
		got, err := Parse(mustEncode(t, one))
		if err != nil || !reflect.DeepEqual(got, one) {
			t.Errorf("verb %T: round trip = %#v, %v; want %#v", one.Verbs[0], got, err, one)
		}
	}
}

func TestParseSeedDocument(t *testing.T) {
	for _, in := range []string{seedXML, strings.TrimPrefix(seedXML, Declaration+"\n")} {
		got, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		want := &Response{Verbs: []Verb{Say{Voice: "woman", Language: "en-gb", Text: "Your phone number has been confirmed."}}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, want %#v", in, got, want)
		}
	}
}

func TestParseSkipsUnknownAndKeepsOrder(t *testing.T) {
	in := `<?xml version="1.0"?>
<!-- a comment after the declaration is fine -->
<Response xmlns:x="urn:x">
  <Dial timeout="10"><Number>+15551234567</Number><Say>not a verb here</Say></Dial>
  <Say voice="man" colour="blue" x:voice="woman">Hello <b>ignored</b>world<![CDATA[ & more]]></Say>
  <Play>
     http://example.com/a.wav
  </Play>
  <Gather numDigits=" 4 " timeout="+3"><Record/><Say>in gather</Say><Hangup/></Gather>
  <say>lower-case names are not verbs</say>
  <Pause length="1"/>
  <?pi ignored?>
  <Hangup/>
</Response>
<!-- trailing comment -->
`
	got, err := Parse([]byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Response{Verbs: []Verb{
		Say{Voice: "man", Text: "Hello world & more"},
		Play{URL: "http://example.com/a.wav"},
		Gather{NumDigits: Int(4), Timeout: Int(3), Verbs: []Verb{Say{Text: "in gather"}, Hangup{}}},
		Pause{Length: Int(1)},
		Hangup{},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse =\n%#v\nwant\n%#v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in string
		is       error  // nil: only the message is checked
		contains string // part of the message
	}{
		{"comment before declaration", "<!-- generated -->\n" + seedXML, ErrDeclarationNotFirst,
			"line 2: the XML declaration is not the first thing in the document: a comment comes before <?xml"},
		{"blank line before declaration", "\n" + seedXML, ErrDeclarationNotFirst, "white space comes before <?xml"},
		{"space before declaration", "  " + seedXML, ErrDeclarationNotFirst, "white space comes before <?xml"},
		{"byte-order mark", "\uFEFF" + seedXML, ErrDeclarationNotFirst, "a byte-order mark comes before <?xml"},
		{"byte-order mark without declaration", "\uFEFF<Response/>", ErrNotWellFormed, "byte-order mark before the root element"},
		{"second declaration", seedXML + Declaration, ErrDeclarationNotFirst, ""},
		{"declaration inside", "<Response><?xml version=\"1.0\"?></Response>", ErrNotWellFormed, "declaration inside"},
		{"empty", "", ErrNotWellFormed, "no root element"},
		{"declaration only", Declaration, ErrNotWellFormed, "no root element"},
		{"unclosed", "<Response><Say>hi</Say>", ErrNotWellFormed, "unexpected"},
		{"mismatched", "<Response><Say>hi</Play></Response>", ErrNotWellFormed, "line 1"},
		{"bare ampersand", "<Response><Say>Tom & Jerry</Say></Response>", ErrNotWellFormed, ""},
		{"bare less-than", "<Response><Say>1 < 2</Say></Response>", ErrNotWellFormed, ""},
		{"undefined entity", "<Response><Say>&nbsp;</Say></Response>", ErrNotWellFormed, ""},
		{"unquoted attribute", "<Response><Say voice=man>x</Say></Response>", ErrNotWellFormed, ""},
		{"duplicate attribute", `<Response><Say voice="man" voice="woman">x</Say></Response>`, ErrNotWellFormed,
			`attribute "voice" repeated in <Say>`},
		{"duplicate attribute in skipped element", `<Response><Dial a="1" a="2"/></Response>`, ErrNotWellFormed, "repeated"},
		{"two roots", "<Response></Response><Response></Response>", ErrNotWellFormed, "second root element"},
		{"text after root", "<Response></Response>oops", ErrNotWellFormed, "text after the root element"},
		{"text before root", "oops<Response></Response>", ErrNotWellFormed, "text before the root element"},
		{"control character", "<Response><Say>a\x01b</Say></Response>", ErrNotWellFormed, ""},
		{"invalid UTF-8", "<Response><Say>a\xffb</Say></Response>", ErrNotWellFormed, ""},
		{"wrong root", "<Document><Say>x</Say></Document>", ErrNoResponse, "found <Document>, want <Response>"},
		{"loop not a number", "<Response>\n<Say loop=\"twice\">x</Say></Response>", nil,
			`line 2: /Response/Say[1]: loop="twice" is not a whole number`},
		{"empty length", `<Response><Pause length=""/></Response>`, nil, `/Response/Pause[1]: length="" is not a whole number`},
		{"nested numDigits", `<Response><Gather><Say>a</Say></Gather><Gather numDigits="4x"/></Response>`, nil,
			`/Response/Gather[2]: numDigits="4x" is not a whole number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want an error", c.in, got)
			}
			if got != nil {
				t.Errorf("Parse returned a document with its error: %#v", got)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.contains) || !strings.HasPrefix(err.Error(), "rcml: ") {
				t.Errorf("error %q does not contain %q (or lacks the rcml: prefix)", err, c.contains)
			}
		})
	}
}
