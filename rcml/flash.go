package rcml

import (
	"errors"
	"fmt"
	"strings"
)

// Defaults for FlashOptions fields left empty.
const (
	// DefaultFlashText is what the flash-call document says when answered.
	DefaultFlashText = "Your phone number has been confirmed."
	// DefaultFlashVoice is the flash-call document's voice.
	DefaultFlashVoice = "woman"
	// DefaultFlashLanguage is the flash-call document's language (lower case, or Restcomm falls back to "en").
	DefaultFlashLanguage = "en-gb"
	// CodePlaceholder in FlashOptions.Text is replaced by the verification digits, spoken one by one.
	CodePlaceholder = "{code}"
	// NoCodePhrase replaces CodePlaceholder when the call's code cannot be found (the code of a flash call is
	// the last digits of the caller ID, so this still tells the callee where to look).
	NoCodePhrase = "the last digits of the number that called you"
)

// FlashOptions configures the document played when a flash call is answered (configuration keys rcml.text,
// rcml.voice, rcml.language, rcml.loop). Empty fields take the Default* values.
type FlashOptions struct {
	// Text is spoken; it may contain CodePlaceholder.
	Text string
	// Voice is "man" or "woman".
	Voice string
	// Language is a lower-case key from Languages.
	Language string
	// Loop is how many times Text is spoken. 0 and 1 both mean once (the loop attribute is then left out):
	// Restcomm reads loop="0" as "repeat forever", which must never happen on a verification call. Negative
	// values are invalid.
	Loop int
}

// withDefaults returns o with the empty fields filled in.
func (o FlashOptions) withDefaults() FlashOptions {
	if o.Text == "" {
		o.Text = DefaultFlashText
	}
	if o.Voice == "" {
		o.Voice = DefaultFlashVoice
	}
	if o.Language == "" {
		o.Language = DefaultFlashLanguage
	}
	return o
}

// HasCode reports whether o's text contains CodePlaceholder.
func (o FlashOptions) HasCode() bool { return strings.Contains(o.Text, CodePlaceholder) }

// Validate checks the options (after defaults: voice, language, loop, text) and returns errors.Join of the
// problems, each explaining the fix, or nil.
func (o FlashOptions) Validate() error {
	errs := []error{ValidVoice(o.Voice), ValidLanguage(o.Language)}
	if o.Loop < 0 {
		errs = append(errs, fmt.Errorf("loop %d must be 1 or more (0 also means once here)", o.Loop))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := Validate(FlashDocumentWithCode(o, "1234")); err != nil {
		return fmt.Errorf("text: %w", err)
	}
	return nil
}

// FlashDocument returns the flash-call document for o, CodePlaceholder (if any) left in the text. With zero
// options it is <Response><Say voice="woman" language="en-gb">Your phone number has been confirmed.</Say></Response>.
func FlashDocument(o FlashOptions) *Response {
	o = o.withDefaults()
	say := Say{Voice: o.Voice, Language: o.Language, Text: o.Text}
	if o.Loop > 1 || o.Loop < 0 {
		say.Loop = Int(o.Loop)
	}
	return &Response{Verbs: []Verb{say}}
}

// FlashDocumentWithCode returns FlashDocument(o) with CodePlaceholder replaced by SpeakDigits(code), or by
// NoCodePhrase when code is empty.
func FlashDocumentWithCode(o FlashOptions, code string) *Response {
	spoken := NoCodePhrase
	if s := SpeakDigits(code); s != "" {
		spoken = s
	}
	o = o.withDefaults()
	o.Text = strings.ReplaceAll(o.Text, CodePlaceholder, spoken)
	return FlashDocument(o)
}

// SpeakDigits spells code one character at a time ("1234" -> "1, 2, 3, 4") so that text-to-speech reads digits
// rather than a number ("one thousand two hundred..."). White space in code is dropped.
func SpeakDigits(code string) string {
	var b strings.Builder
	for _, r := range code {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteRune(r)
	}
	return b.String()
}
