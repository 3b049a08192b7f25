package rcml

// Response is the root element of an RCML document. Restcomm runs its verbs in order and ends the call after
// the last one.
type Response struct {
	// Verbs are the document's verbs in order. Each element is one of the verb types of this package, by value
	// or by non-nil pointer.
	Verbs []Verb
}

// Verb is one RCML instruction. It is implemented only by the verb types of this package.
type Verb interface {
	// Name returns the verb's element name, e.g. "Say".
	Name() string
	isVerb()
}

// Say speaks Text with text-to-speech.
type Say struct {
	// Voice is "man" or "woman"; empty leaves it to Restcomm (man).
	Voice string
	// Language is a lower-case TTS language key such as "en-gb"; empty leaves it to Restcomm (en).
	Language string
	// Loop is how many times to speak; nil leaves it to Restcomm (1) and 0 means forever.
	Loop *int
	// Text is what is spoken.
	Text string
}

// Play plays the audio file at URL (8 kHz mono WAV).
type Play struct {
	// Loop is how many times to play; nil leaves it to Restcomm (1) and 0 means forever.
	Loop *int
	// URL locates the audio file; a relative URL is resolved against the document's URL.
	URL string
}

// Pause waits in silence.
type Pause struct {
	// Length is the pause in seconds (> 0); nil leaves it to Restcomm (1).
	Length *int
}

// Hangup ends the call.
type Hangup struct{}

// Reject refuses an inbound call without answering it.
type Reject struct {
	// Reason is "rejected" or "busy"; empty leaves it to Restcomm (rejected).
	Reason string
}

// Redirect hands the call to the RCML document at URL; verbs after it never run.
type Redirect struct {
	// Method is "GET" or "POST"; empty leaves it to Restcomm (POST).
	Method string
	// URL locates the next document.
	URL string
}

// Gather collects digits (or speech) while playing its nested verbs.
type Gather struct {
	// Action is the URL the result is sent to.
	Action string
	// Method is "GET" or "POST" for Action; empty leaves it to Restcomm (POST).
	Method string
	// Timeout is the seconds to wait for input (> 0); nil leaves it to Restcomm (5).
	Timeout *int
	// FinishOnKey is the key that ends input (one of 0-9, # and *); empty leaves it to Restcomm (#).
	FinishOnKey string
	// NumDigits stops input after this many digits (> 0); nil means no limit.
	NumDigits *int
	// Input is "dtmf" or "speech"; empty leaves it to Restcomm (dtmf).
	Input string
	// Verbs are the nested verbs: only Say, Play and Pause are allowed (see Validate).
	Verbs []Verb
}

// Sms sends Text as a text message.
type Sms struct {
	// To is the destination; empty means the call's other party.
	To string
	// From is the sender; empty means the call's own number.
	From string
	// Action is the URL told about the message's outcome.
	Action string
	// Method is "GET" or "POST" for Action; empty leaves it to Restcomm (POST).
	Method string
	// Text is the message body.
	Text string
}

// Int returns a pointer to n, for the optional integer attributes.
func Int(n int) *int { return &n }

// Name returns "Say".
func (Say) Name() string { return "Say" }
func (Say) isVerb()      {}

// Name returns "Play".
func (Play) Name() string { return "Play" }
func (Play) isVerb()      {}

// Name returns "Pause".
func (Pause) Name() string { return "Pause" }
func (Pause) isVerb()      {}

// Name returns "Hangup".
func (Hangup) Name() string { return "Hangup" }
func (Hangup) isVerb()      {}

// Name returns "Reject".
func (Reject) Name() string { return "Reject" }
func (Reject) isVerb()      {}

// Name returns "Redirect".
func (Redirect) Name() string { return "Redirect" }
func (Redirect) isVerb()      {}

// Name returns "Gather".
func (Gather) Name() string { return "Gather" }
func (Gather) isVerb()      {}

// Name returns "Sms".
func (Sms) Name() string { return "Sms" }
func (Sms) isVerb()      {}

// deref turns a pointer verb into its value; ok is false for nil (including typed nil pointers) and for
// types that are not this package's verbs.
func deref(v Verb) (Verb, bool) {
	switch t := v.(type) {
	case Say, Play, Pause, Hangup, Reject, Redirect, Gather, Sms:
		return t, true
	case *Say:
		if t != nil {
			return *t, true
		}
	case *Play:
		if t != nil {
			return *t, true
		}
	case *Pause:
		if t != nil {
			return *t, true
		}
	case *Hangup:
		if t != nil {
			return *t, true
		}
	case *Reject:
		if t != nil {
			return *t, true
		}
	case *Redirect:
		if t != nil {
			return *t, true
		}
	case *Gather:
		if t != nil {
			return *t, true
		}
	case *Sms:
		if t != nil {
			return *t, true
		}
	}
	return nil, false
}
