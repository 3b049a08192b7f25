package rcml

import (
	"strings"
	"testing"
	"time"
)

func TestEstimateSpeech(t *testing.T) {
	cases := []struct {
		name string
		doc  *Response
		want SpeechEstimate
	}{
		{"nil document", nil, SpeechEstimate{}},
		{"empty", &Response{}, SpeechEstimate{}},
		// "Your phone number has been confirmed." is 37 characters: 37/15 s.
		{"seed", FlashDocument(FlashOptions{}), SpeechEstimate{Chars: 37, Spoken: 37 * time.Second / 15}},
		{"white space collapsed and trimmed", &Response{Verbs: []Verb{Say{Text: "  a \n\t b  "}}},
			SpeechEstimate{Chars: 3, Spoken: 3 * time.Second / 15}},
		{"multi-byte characters count once", &Response{Verbs: []Verb{Say{Text: "Grüße"}}},
			SpeechEstimate{Chars: 5, Spoken: 5 * time.Second / 15}},
		{"loop multiplies", &Response{Verbs: []Verb{Say{Loop: Int(3), Text: strings.Repeat("x", 15)}}},
			SpeechEstimate{Chars: 45, Spoken: 3 * time.Second}},
		{"loop 1 once", &Response{Verbs: []Verb{Say{Loop: Int(1), Text: strings.Repeat("x", 30)}}},
			SpeechEstimate{Chars: 30, Spoken: 2 * time.Second}},
		{"loop 0 is endless", &Response{Verbs: []Verb{Say{Loop: Int(0), Text: strings.Repeat("x", 15)}}},
			SpeechEstimate{Chars: 15, Spoken: time.Second, Endless: true}},
		{"play counted, not timed", &Response{Verbs: []Verb{Play{URL: "u"}, Play{URL: "v", Loop: Int(0)}}},
			SpeechEstimate{Plays: 2, Endless: true}},
		{"pause and sms not counted", &Response{Verbs: []Verb{Pause{Length: Int(30)}, Sms{Text: "hello"}, Say{Text: "abc"}}},
			SpeechEstimate{Chars: 3, Spoken: 3 * time.Second / 15}},
		{"gather nests", &Response{Verbs: []Verb{Gather{Verbs: []Verb{Say{Text: "ab"}, Pause{}}}, Say{Text: "cd"}}},
			SpeechEstimate{Chars: 4, Spoken: 4 * time.Second / 15}},
		{"nothing after redirect", &Response{Verbs: []Verb{Say{Text: "ab"}, Redirect{URL: "u"}, Say{Text: "never"}}},
			SpeechEstimate{Chars: 2, Spoken: 2 * time.Second / 15}},
		{"nothing after hangup", &Response{Verbs: []Verb{Hangup{}, Say{Text: "never"}}}, SpeechEstimate{}},
		{"nothing after a redirect inside gather", &Response{Verbs: []Verb{
			Gather{Verbs: []Verb{Say{Text: "a"}, Redirect{URL: "u"}, Say{Text: "b"}}}, Say{Text: "never"}}},
			SpeechEstimate{Chars: 1, Spoken: time.Second / 15}},
		{"pointer and nil verbs", &Response{Verbs: []Verb{&Say{Text: "abc"}, nil, (*Say)(nil)}},
			SpeechEstimate{Chars: 3, Spoken: 3 * time.Second / 15}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := EstimateSpeech(c.doc); got != c.want {
				t.Fatalf("EstimateSpeech = %+v, want %+v", got, c.want)
			}
		})
	}
}
