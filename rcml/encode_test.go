package rcml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

const seedXML = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<Response><Say voice="woman" language="en-gb">Your phone number has been confirmed.</Say></Response>` + "\n"

func mustEncode(t *testing.T, r *Response) []byte {
	t.Helper()
	b, err := Encode(r)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b
}

func TestEncodeSeedDocumentExactBytes(t *testing.T) {
	r := &Response{Verbs: []Verb{Say{Voice: "woman", Language: "en-gb", Text: "Your phone number has been confirmed."}}}
	if got := string(mustEncode(t, r)); got != seedXML {
		t.Fatalf("Encode =\n%q\nwant\n%q", got, seedXML)
	}
}

func TestEncodeDeclarationFirst(t *testing.T) {
	for _, r := range []*Response{{}, {Verbs: []Verb{Hangup{}}}} {
		b := mustEncode(t, r)
		if !bytes.HasPrefix(b, []byte(Declaration)) {
			t.Errorf("Encode(%+v) does not start with the declaration: %q", r, b)
		}
	}
	if got, want := string(mustEncode(t, &Response{})), Declaration+"\n<Response></Response>\n"; got != want {
		t.Errorf("empty Response = %q, want %q", got, want)
	}
}

func TestEncodeAttributeOrderAndOmission(t *testing.T) {
	r := &Response{Verbs: []Verb{
		Say{Loop: Int(0), Language: "fr", Voice: "man", Text: "x"},
		Say{Text: "y"},
		Play{Loop: Int(2), URL: "http://h/a.wav"},
		Pause{Length: Int(3)},
		Pause{},
		Hangup{},
		Reject{Reason: "busy"},
		Redirect{Method: "GET", URL: "http://h/next.xml"},
		Gather{Input: "dtmf", NumDigits: Int(4), FinishOnKey: "#", Timeout: Int(7), Method: "POST", Action: "http://h/g",
			Verbs: []Verb{Pause{Length: Int(1)}}},
		Sms{Method: "GET", Action: "http://h/s", From: "100", To: "200", Text: "hi"},
	}}
	want := Declaration + "\n<Response>" +
		`<Say voice="man" language="fr" loop="0">x</Say>` +
		`<Say>y</Say>` +
		`<Play loop="2">http://h/a.wav</Play>` +
		`<Pause length="3"></Pause>` +
		`<Pause></Pause>` +
		`<Hangup></Hangup>` +
		`<Reject reason="busy"></Reject>` +
		`<Redirect method="GET">http://h/next.xml</Redirect>` +
		`<Gather action="http://h/g" method="POST" timeout="7" finishOnKey="#" numDigits="4" input="dtmf"><Pause length="1"></Pause></Gather>` +
		`<Sms to="200" from="100" action="http://h/s" method="GET">hi</Sms>` +
		"</Response>\n"
	if got := string(mustEncode(t, r)); got != want {
		t.Fatalf("Encode =\n%s\nwant\n%s", got, want)
	}
}

func TestEncodePointerVerbsLikeValues(t *testing.T) {
	byValue := mustEncode(t, &Response{Verbs: []Verb{Say{Text: "a"}, Gather{Verbs: []Verb{Play{URL: "u"}}}}})
	byPointer := mustEncode(t, &Response{Verbs: []Verb{&Say{Text: "a"}, &Gather{Verbs: []Verb{&Play{URL: "u"}}}}})
	if !bytes.Equal(byValue, byPointer) {
		t.Fatalf("pointer verbs encode as %q, values as %q", byPointer, byValue)
	}
}

func TestEncodeRefusesNil(t *testing.T) {
	if _, err := Encode(nil); err == nil {
		t.Error("Encode(nil) succeeded")
	}
	var nilSay *Say
	for _, r := range []*Response{
		{Verbs: []Verb{nil}},
		{Verbs: []Verb{Hangup{}, nilSay}},
		{Verbs: []Verb{Gather{Verbs: []Verb{nil}}}},
	} {
		if _, err := Encode(r); err == nil || !strings.Contains(err.Error(), "nil verb") {
			t.Errorf("Encode(%#v) error = %v, want a nil verb error", r, err)
		}
	}
}

func TestEncodeEscaping(t *testing.T) {
	cases := []struct {
		name, in, wantText, wantAttr string
	}{
		{"markup", `Tom & "Jerry" <3 'x' >`, `Tom &amp; &quot;Jerry&quot; &lt;3 &apos;x&apos; &gt;`,
			`Tom &amp; &quot;Jerry&quot; &lt;3 &apos;x&apos; &gt;`},
		{"entity-looking", "&amp;", "&amp;amp;", "&amp;amp;"},
		{"white space", "a\tb\nc\rd", "a\tb\nc&#xD;d", "a&#x9;b&#xA;c&#xD;d"},
		{"not XML chars", "a\x00b\x1bc\ufffe", "a\ufffdb\ufffdc\ufffd", "a\ufffdb\ufffdc\ufffd"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb", "a\ufffdb"},
		{"unicode kept", "Grüße ☎ 𝄞", "Grüße ☎ 𝄞", "Grüße ☎ 𝄞"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := mustEncode(t, &Response{Verbs: []Verb{Sms{To: c.in, Text: c.in}}})
			want := Declaration + "\n<Response><Sms to=\"" + c.wantAttr + "\">" + c.wantText + "</Sms></Response>\n"
			if string(b) != want {
				t.Fatalf("Encode =\n%q\nwant\n%q", b, want)
			}
			// An independent parser must read back what was meant (bar the replaced characters).
			var doc struct {
				Sms struct {
					To   string `xml:"to,attr"`
					Text string `xml:",chardata"`
				}
			}
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("encoding/xml cannot read the output: %v", err)
			}
			wantBack := strings.ToValidUTF8(c.in, "\ufffd")
			wantBack = strings.Map(func(r rune) rune {
				if !xmlChar(r) {
					return '\ufffd'
				}
				return r
			}, wantBack)
			if doc.Sms.Text != wantBack || doc.Sms.To != wantBack {
				t.Fatalf("read back text %q, attr %q; want %q", doc.Sms.Text, doc.Sms.To, wantBack)
			}
		})
	}
}
