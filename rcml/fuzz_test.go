package rcml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzParseEncodeRoundTrip checks that whatever Parse accepts, Encode writes as a document that Parse and an
// independent XML parser both read, that reads back identically, and that re-encodes to the same bytes.
// Seeds live in testdata/fuzz/FuzzParseEncodeRoundTrip.
func FuzzParseEncodeRoundTrip(f *testing.F) {
	f.Add([]byte(seedXML))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			if doc != nil {
				t.Fatalf("Parse returned a document with error %v", err)
			}
			return
		}
		_ = Validate(doc) // must not panic
		b, err := Encode(doc)
		if err != nil {
			t.Fatalf("Encode(Parse(%q)): %v", data, err)
		}
		if !bytes.HasPrefix(b, []byte(Declaration)) {
			t.Fatalf("encoded document does not start with the declaration: %q", b)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := d.Token()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("encoding/xml rejects the encoded document %q: %v", b, err)
				}
				break
			}
		}
		again, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(Encode(doc)) of %q: %v", b, err)
		}
		if !reflect.DeepEqual(doc, again) {
			t.Fatalf("round trip changed the document:\n%#v\n%#v", doc, again)
		}
		b2, err := Encode(again)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding differs:\n%q\n%q (%v)", b, b2, err)
		}
	})
}
