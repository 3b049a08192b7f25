package rcml

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	var nilPlay *Play
	cases := []struct {
		name string
		doc  *Response
		want []string // every message, in order; none means valid
	}{
		{"seed", FlashDocument(FlashOptions{}), nil},
		{"every verb valid", allVerbs(), nil},
		{"empty response", &Response{}, nil},
		{"defaults left out", &Response{Verbs: []Verb{Say{Text: "x"}, Pause{}, Reject{}, Redirect{URL: "u"}, Gather{}}}, nil},
		{"loop zero is allowed (forever)", &Response{Verbs: []Verb{Say{Loop: Int(0), Text: "x"}, Play{Loop: Int(0), URL: "u"}}}, nil},
		{"upper-case language", &Response{Verbs: []Verb{Say{Language: "en-GB", Text: "x"}}},
			[]string{`/Response/Say[1]: language "en-GB" must be lower case: use "en-gb" (Restcomm silently falls back to "en")`}},
		{"underscore language", &Response{Verbs: []Verb{Say{Language: "pt_BR", Text: "x"}}},
			[]string{`/Response/Say[1]: language "pt_BR" is misspelt: use "pt-br" (Restcomm silently falls back to "en")`}},
		{"unknown language", &Response{Verbs: []Verb{Say{Language: "klingon", Text: "x"}}},
			[]string{`/Response/Say[1]: language "klingon" is not supported: use one of ` + strings.Join(Languages(), ", ")}},
		{"voice", &Response{Verbs: []Verb{Say{Voice: "robot", Text: "x"}, Say{Voice: "Woman", Text: "y"}}},
			[]string{`/Response/Say[1]: voice "robot" is not supported: use "man" or "woman"`,
				`/Response/Say[2]: voice "Woman" must be written "woman"`}},
		{"negative loops", &Response{Verbs: []Verb{Say{Loop: Int(-1), Text: "x"}, Play{Loop: Int(-2), URL: "u"}}},
			[]string{`/Response/Say[1]: loop -1 must be 0 or more (0 repeats forever; leave it out to play once)`,
				`/Response/Play[1]: loop -2 must be 0 or more (0 repeats forever; leave it out to play once)`}},
		{"pause length", &Response{Verbs: []Verb{Pause{Length: Int(0)}, Pause{Length: Int(-3)}}},
			[]string{`/Response/Pause[1]: length 0 must be at least 1 second (or leave it out for 1)`,
				`/Response/Pause[2]: length -3 must be at least 1 second (or leave it out for 1)`}},
		{"methods", &Response{Verbs: []Verb{Redirect{Method: "PUT", URL: "u"}, Gather{Method: "get"}, Sms{Method: "DELETE", Text: "x"}}},
			[]string{`/Response/Redirect[1]: method "PUT" is not supported: use GET or POST`,
				`/Response/Gather[1]: method "get" must be written "GET"`,
				`/Response/Sms[1]: method "DELETE" is not supported: use GET or POST`}},
		{"reject reason", &Response{Verbs: []Verb{Reject{Reason: "declined"}}},
			[]string{`/Response/Reject[1]: reason "declined" is not supported: use "rejected" or "busy"`}},
		{"empty content", &Response{Verbs: []Verb{Say{Text: " \n"}, Play{}, Redirect{}, Sms{}}},
			[]string{`/Response/Say[1]: nothing to say: give <Say> some text`,
				`/Response/Play[1]: no URL: put the audio file's URL inside <Play>`,
				`/Response/Redirect[1]: no URL: put the next document's URL inside <Redirect>`,
				`/Response/Sms[1]: empty message: give <Sms> some text`}},
		{"gather attributes", &Response{Verbs: []Verb{Gather{Timeout: Int(0), NumDigits: Int(-1), FinishOnKey: "##", Input: "voice"}}},
			[]string{`/Response/Gather[1]: timeout 0 must be at least 1 second (or leave it out for 5)`,
				`/Response/Gather[1]: numDigits -1 must be at least 1 (or leave it out for no limit)`,
				`/Response/Gather[1]: finishOnKey "##" must be one key: 0-9, # or *`,
				`/Response/Gather[1]: input "voice" is not supported: use "dtmf" or "speech"`}},
		{"gather nesting", &Response{Verbs: []Verb{Say{Text: "a"}, Gather{Verbs: []Verb{
			Say{Text: "b"}, Hangup{}, Gather{}, Redirect{URL: "u"}, Say{Text: "c", Language: "EN"}}}}},
			[]string{`/Response/Gather[1]/Hangup[1]: <Gather> may only contain <Say>, <Play> and <Pause>: move <Hangup> after the <Gather>`,
				`/Response/Gather[1]/Gather[1]: <Gather> may only contain <Say>, <Play> and <Pause>: move <Gather> after the <Gather>`,
				`/Response/Gather[1]/Redirect[1]: <Gather> may only contain <Say>, <Play> and <Pause>: move <Redirect> after the <Gather>`,
				`/Response/Gather[1]/Say[2]: language "EN" must be lower case: use "en" (Restcomm silently falls back to "en")`}},
		{"nil verbs", &Response{Verbs: []Verb{nil, nilPlay}},
			[]string{`/Response/*[1]: nil verb`, `/Response/*[2]: nil verb`}},
		{"nil document", nil, []string{`/Response: no document`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.doc)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("Validate =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if err != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Path == "" || ve.Msg == "" {
					t.Errorf("errors.As(%v, *ValidationError) = %v, %+v", err, errors.As(err, &ve), ve)
				}
			}
		})
	}
}

func TestValidLanguageEveryKey(t *testing.T) {
	for _, l := range Languages() {
		if err := ValidLanguage(l); err != nil {
			t.Errorf("ValidLanguage(%q) = %v", l, err)
		}
		if up := strings.ToUpper(l); up != l {
			want := `language "` + up + `" must be lower case: use "` + l + `" (Restcomm silently falls back to "en")`
			if err := ValidLanguage(up); err == nil || err.Error() != want {
				t.Errorf("ValidLanguage(%q) = %v, want %s", up, err, want)
			}
		}
	}
	if err := ValidLanguage(""); err != nil {
		t.Errorf(`ValidLanguage("") = %v, want nil (Restcomm's default)`, err)
	}
	if err := ValidVoice(""); err != nil {
		t.Errorf(`ValidVoice("") = %v, want nil (Restcomm's default)`, err)
	}
	// Languages hands out a copy.
	Languages()[0] = "xx"
	if Languages()[0] != "en" {
		t.Error("Languages exposes shared state")
	}
}
