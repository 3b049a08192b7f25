package rcml

import (
	"errors"
	"fmt"
	"strings"
)

// Languages lists the TTS language keys Restcomm's engines share, exactly as Restcomm matches them (lower case).
// It returns a fresh slice on every call.
func Languages() []string {
	return []string{"en", "en-gb", "en-au", "en-in", "en-ca", "es", "es-mx", "fr", "fr-ca", "de", "it", "nl", "pt",
		"pt-br", "pl", "ru", "da", "fi", "sv", "nb", "ja", "ko", "zh-cn"}
}

func knownLanguage(s string) bool {
	for _, l := range Languages() {
		if l == s {
			return true
		}
	}
	return false
}

// ValidVoice checks a Say voice: "man" or "woman". Empty is accepted and means Restcomm's default (man).
func ValidVoice(v string) error {
	switch v {
	case "", "man", "woman":
		return nil
	}
	if l := strings.ToLower(strings.TrimSpace(v)); l == "man" || l == "woman" {
		return fmt.Errorf("voice %q must be written %q", v, l)
	}
	return fmt.Errorf("voice %q is not supported: use \"man\" or \"woman\"", v)
}

// ValidLanguage checks a Say language against Languages. Empty is accepted and means Restcomm's default (en).
// A key in the wrong case or with "_" (such as "en-GB" or "en_gb") gets a message naming the right spelling,
// because Restcomm does not refuse it: it silently speaks "en" instead.
func ValidLanguage(l string) error {
	if l == "" || knownLanguage(l) {
		return nil
	}
	fixed := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(l)), "_", "-")
	if knownLanguage(fixed) {
		if strings.ToLower(l) == fixed {
			return fmt.Errorf("language %q must be lower case: use %q (Restcomm silently falls back to \"en\")", l, fixed)
		}
		return fmt.Errorf("language %q is misspelt: use %q (Restcomm silently falls back to \"en\")", l, fixed)
	}
	return fmt.Errorf("language %q is not supported: use one of %s", l, strings.Join(Languages(), ", "))
}

func validMethod(m string) error {
	switch m {
	case "", "GET", "POST":
		return nil
	}
	if u := strings.ToUpper(strings.TrimSpace(m)); u == "GET" || u == "POST" {
		return fmt.Errorf("method %q must be written %q", m, u)
	}
	return fmt.Errorf("method %q is not supported: use GET or POST", m)
}

// ValidationError is one problem Validate found, at Path (an XPath such as "/Response/Gather[1]/Say[2]").
type ValidationError struct {
	// Path locates the verb.
	Path string
	// Msg says what is wrong and how to fix it.
	Msg string
}

// Error returns "Path: Msg".
func (e *ValidationError) Error() string { return e.Path + ": " + e.Msg }

// Validate reports every problem in the document, joined with errors.Join (each one a *ValidationError), or
// nil. It checks: voice man/woman; language from Languages, in lower case; loop >= 0 (0 means forever);
// Pause length > 0; Gather timeout and numDigits > 0, finishOnKey one of 0-9 # *, input dtmf/speech; method
// GET/POST on Redirect, Gather and Sms; Reject reason rejected/busy; Say, Sms text and Play, Redirect URL not
// empty; Gather nesting only Say, Play and Pause; no nil verbs.
func Validate(r *Response) error {
	if r == nil {
		return &ValidationError{Path: "/Response", Msg: "no document"}
	}
	var v validator
	v.verbs(r.Verbs, "/Response", false)
	return errors.Join(v.errs...)
}

type validator struct {
	errs []error
}

func (v *validator) add(path string, err error) {
	if err != nil {
		v.errs = append(v.errs, &ValidationError{Path: path, Msg: err.Error()})
	}
}

func (v *validator) addf(path, format string, args ...any) {
	v.add(path, fmt.Errorf(format, args...))
}

func (v *validator) verbs(verbs []Verb, parent string, inGather bool) {
	count := map[string]int{}
	for i, raw := range verbs {
		verb, ok := deref(raw)
		if !ok {
			v.addf(fmt.Sprintf("%s/*[%d]", parent, i+1), "nil verb")
			continue
		}
		count[verb.Name()]++
		path := fmt.Sprintf("%s/%s[%d]", parent, verb.Name(), count[verb.Name()])
		if inGather {
			switch verb.(type) {
			case Say, Play, Pause:
			default:
				v.addf(path, "<Gather> may only contain <Say>, <Play> and <Pause>: move <%s> after the <Gather>", verb.Name())
			}
		}
		switch t := verb.(type) {
		case Say:
			v.add(path, ValidVoice(t.Voice))
			v.add(path, ValidLanguage(t.Language))
			v.loop(path, t.Loop)
			if strings.TrimSpace(t.Text) == "" {
				v.addf(path, "nothing to say: give <Say> some text")
			}
		case Play:
			v.loop(path, t.Loop)
			if t.URL == "" {
				v.addf(path, "no URL: put the audio file's URL inside <Play>")
			}
		case Pause:
			if t.Length != nil && *t.Length <= 0 {
				v.addf(path, "length %d must be at least 1 second (or leave it out for 1)", *t.Length)
			}
		case Reject:
			switch t.Reason {
			case "", "rejected", "busy":
			default:
				v.addf(path, "reason %q is not supported: use \"rejected\" or \"busy\"", t.Reason)
			}
		case Redirect:
			v.add(path, validMethod(t.Method))
			if t.URL == "" {
				v.addf(path, "no URL: put the next document's URL inside <Redirect>")
			}
		case Gather:
			v.add(path, validMethod(t.Method))
			if t.Timeout != nil && *t.Timeout <= 0 {
				v.addf(path, "timeout %d must be at least 1 second (or leave it out for 5)", *t.Timeout)
			}
			if t.NumDigits != nil && *t.NumDigits <= 0 {
				v.addf(path, "numDigits %d must be at least 1 (or leave it out for no limit)", *t.NumDigits)
			}
			if k := t.FinishOnKey; k != "" && (len(k) != 1 || !strings.Contains("0123456789#*", k)) {
				v.addf(path, "finishOnKey %q must be one key: 0-9, # or *", k)
			}
			switch t.Input {
			case "", "dtmf", "speech":
			default:
				v.addf(path, "input %q is not supported: use \"dtmf\" or \"speech\"", t.Input)
			}
			v.verbs(t.Verbs, path, true)
		case Sms:
			v.add(path, validMethod(t.Method))
			if strings.TrimSpace(t.Text) == "" {
				v.addf(path, "empty message: give <Sms> some text")
			}
		}
	}
}

func (v *validator) loop(path string, n *int) {
	if n != nil && *n < 0 {
		v.addf(path, "loop %d must be 0 or more (0 repeats forever; leave it out to play once)", *n)
	}
}
