package rcml

import (
	"strings"
	"time"
	"unicode"
)

// SpeechRate is the speaking rate, in characters per second, that EstimateSpeech assumes for <Say> text.
//
// Text-to-speech engines read English at about 150 words a minute; an English word averages about 5
// letters plus a space or punctuation mark, which gives 150 × 6 / 60 = 15 characters a second. Digits
// spelt out by SpeakDigits ("1, 2, 3, 4") and other languages are spoken a little more slowly, so treat the
// estimate as a lower bound and leave a margin.
const SpeechRate = 15

// SpeechEstimate is how long the verbs of a document take to play, as estimated by EstimateSpeech.
type SpeechEstimate struct {
	// Spoken is the estimated time spent speaking <Say> text, every loop included, at SpeechRate.
	Spoken time.Duration
	// Chars is the number of characters of <Say> text counted (white space runs count as one, every loop
	// included).
	Chars int
	// Endless reports a <Say> or <Play> with loop="0", which Restcomm repeats for ever.
	Endless bool
	// Plays counts the <Play> verbs, whose length cannot be known without fetching the audio.
	Plays int
}

// EstimateSpeech estimates how long Restcomm speaks the document's <Say> text (nested in <Gather> too), at
// SpeechRate characters a second. Each Say counts its text with runs of white space collapsed to one and the
// ends trimmed, times its loop (nil counts once; 0, for ever, counts once and sets Endless). Verbs after a
// <Redirect>, <Hangup> or <Reject> never run and are not counted. <Pause> lengths, <Gather> timeouts and
// <Play> audio are not counted (Plays says how many Play verbs there are). A nil document counts nothing.
func EstimateSpeech(r *Response) SpeechEstimate {
	var e SpeechEstimate
	if r != nil {
		e.add(r.Verbs)
	}
	e.Spoken = time.Duration(e.Chars) * time.Second / SpeechRate
	return e
}

// add counts verbs and reports whether the document goes on after them (false after a verb that ends it).
func (e *SpeechEstimate) add(verbs []Verb) bool {
	for _, raw := range verbs {
		v, ok := deref(raw)
		if !ok {
			continue
		}
		switch t := v.(type) {
		case Say:
			times := 1
			if t.Loop != nil {
				switch {
				case *t.Loop == 0:
					e.Endless = true
				case *t.Loop > 1:
					times = *t.Loop
				}
			}
			e.Chars += times * spokenChars(t.Text)
		case Play:
			e.Plays++
			if t.Loop != nil && *t.Loop == 0 {
				e.Endless = true
			}
		case Gather:
			if !e.add(t.Verbs) {
				return false
			}
		case Redirect, Hangup, Reject:
			return false
		}
	}
	return true
}

// spokenChars counts the characters of s with the ends trimmed and every run of white space counted as one.
func spokenChars(s string) int {
	n := 0
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			n++
			space = false
		}
		n++
	}
	return n
}
