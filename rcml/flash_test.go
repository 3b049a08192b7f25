package rcml

import (
	"reflect"
	"strings"
	"testing"
)

func TestFlashDocumentDefaultIsSeed(t *testing.T) {
	if got := string(mustEncode(t, FlashDocument(FlashOptions{}))); got != seedXML {
		t.Fatalf("FlashDocument(zero) =\n%q\nwant\n%q", got, seedXML)
	}
}

func TestFlashDocumentOptions(t *testing.T) {
	cases := []struct {
		name string
		o    FlashOptions
		want Say
	}{
		{"partial defaults", FlashOptions{Voice: "man"},
			Say{Voice: "man", Language: "en-gb", Text: DefaultFlashText}},
		{"loop 0 means once, never forever", FlashOptions{Loop: 0}, Say{Voice: "woman", Language: "en-gb", Text: DefaultFlashText}},
		{"loop 1 is left out", FlashOptions{Loop: 1}, Say{Voice: "woman", Language: "en-gb", Text: DefaultFlashText}},
		{"loop 3", FlashOptions{Text: "Hi", Voice: "man", Language: "fr", Loop: 3},
			Say{Voice: "man", Language: "fr", Loop: Int(3), Text: "Hi"}},
		{"placeholder kept", FlashOptions{Text: "Code {code}."}, Say{Voice: "woman", Language: "en-gb", Text: "Code {code}."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FlashDocument(c.o)
			if want := (&Response{Verbs: []Verb{c.want}}); !reflect.DeepEqual(got, want) {
				t.Fatalf("FlashDocument(%+v) = %#v, want %#v", c.o, got, want)
			}
			if b := mustEncode(t, got); strings.Contains(string(b), `loop="0"`) {
				t.Fatalf("encoded flash document repeats forever: %s", b)
			}
		})
	}
}

func TestFlashDocumentWithCode(t *testing.T) {
	o := FlashOptions{Text: "Your code is {code}. Again: {code}."}
	say := FlashDocumentWithCode(o, "4821").Verbs[0].(Say)
	if want := "Your code is 4, 8, 2, 1. Again: 4, 8, 2, 1."; say.Text != want {
		t.Errorf("with code: %q, want %q", say.Text, want)
	}
	say = FlashDocumentWithCode(o, "").Verbs[0].(Say)
	if want := "Your code is " + NoCodePhrase + ". Again: " + NoCodePhrase + "."; say.Text != want {
		t.Errorf("without code: %q, want %q", say.Text, want)
	}
	say = FlashDocumentWithCode(FlashOptions{}, "1234").Verbs[0].(Say)
	if say.Text != DefaultFlashText {
		t.Errorf("no placeholder: %q, want the default text", say.Text)
	}
}

func TestSpeakDigits(t *testing.T) {
	for in, want := range map[string]string{"": "", "7": "7", "1234": "1, 2, 3, 4", " 12 3\n": "1, 2, 3", "٣4": "٣, 4"} {
		if got := SpeakDigits(in); got != want {
			t.Errorf("SpeakDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFlashOptionsValidate(t *testing.T) {
	cases := []struct {
		o    FlashOptions
		want string
	}{
		{FlashOptions{}, ""},
		{FlashOptions{Text: "Code {code}", Voice: "man", Language: "de", Loop: 2}, ""},
		{FlashOptions{Language: "en-GB"}, `language "en-GB" must be lower case: use "en-gb" (Restcomm silently falls back to "en")`},
		{FlashOptions{Voice: "alice", Loop: -1}, "voice \"alice\" is not supported: use \"man\" or \"woman\"\n" +
			"loop -1 must be 1 or more (0 also means once here)"},
		{FlashOptions{Text: "   "}, "text: /Response/Say[1]: nothing to say: give <Say> some text"},
	}
	for _, c := range cases {
		err := c.o.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%+v.Validate() = %q, want %q", c.o, got, c.want)
		}
	}
}
