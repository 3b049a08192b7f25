package restcomm

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxCallbackBody bounds the form body ParseCallback reads.
const maxCallbackBody = 64 << 10

// maxCallbackField bounds each text parameter of a status callback: Restcomm's are SIDs, numbers, names
// and a date, all far shorter.
const maxCallbackField = 256

// clip shortens text quoted back in an error.
func clip(s string) string {
	if len(s) > 32 {
		return strings.ToValidUTF8(s[:32], "") + "..."
	}
	return s
}

// CallbackEvent is one status callback Restcomm sent to StatusCallback.
// Event is the EVENT name (initiated, ringing, answered, completed), not the
// call's outcome: a busy or failed call also reports "completed", so the
// outcome must come from GetCall.
type CallbackEvent struct {
	CallSID        string
	AccountSID     string
	Event          string // CallStatus, lower-cased
	Sequence       int    // SequenceNumber: 0..3 in the order Restcomm made them
	From           string
	To             string
	Direction      string
	CallerName     string
	CallbackSource string // "call-progress-events"
	Duration       int    // CallDuration, seconds; sent on completed
	// Timestamp is the parsed Timestamp; zero when absent or in a shape no
	// known layout reads (RawTimestamp then still holds it).
	Timestamp    time.Time
	RawTimestamp string
}

// eventSequence is the SequenceNumber Restcomm gives each event, used when a
// callback arrives without one.
func eventSequence(event string) (int, bool) {
	switch event {
	case "initiated", "queued":
		return 0, true
	case "ringing":
		return 1, true
	case "answered", "in-progress":
		return 2, true
	case "completed":
		return 3, true
	}
	return 0, false
}

// ParseCallback reads a status callback: a POST form (Restcomm's default) or
// the query string of a GET. CallSid and CallStatus are required, and a
// SequenceNumber that is present must be a non-negative integer (when it is
// absent it is inferred from the event name). Everything else is lenient: a
// timestamp in an unknown shape leaves Timestamp zero with RawTimestamp set,
// and a malformed CallDuration reads as 0.
func ParseCallback(r *http.Request) (CallbackEvent, error) {
	var ev CallbackEvent
	switch r.Method {
	case http.MethodPost:
		if r.Body != nil {
			r.Body = http.MaxBytesReader(nil, r.Body, maxCallbackBody)
		}
	case http.MethodGet:
	default:
		return ev, fmt.Errorf("restcomm: status callback: method %s: want GET or POST", r.Method)
	}
	if err := r.ParseForm(); err != nil {
		return ev, fmt.Errorf("restcomm: status callback: reading the form: %w", err)
	}
	get := func(name string) string { return strings.TrimSpace(r.Form.Get(name)) }
	ev = CallbackEvent{
		CallSID:        get("CallSid"),
		AccountSID:     get("AccountSid"),
		Event:          strings.ToLower(get("CallStatus")),
		From:           get("From"),
		To:             get("To"),
		Direction:      get("Direction"),
		CallerName:     get("CallerName"),
		CallbackSource: get("CallbackSource"),
		RawTimestamp:   r.Form.Get("Timestamp"),
	}
	if ev.CallSID == "" {
		return CallbackEvent{}, fmt.Errorf("restcomm: status callback: CallSid is missing")
	}
	if ev.Event == "" {
		return CallbackEvent{}, fmt.Errorf("restcomm: status callback for %s: CallStatus is missing", ev.CallSID)
	}
	for name, v := range map[string]string{"CallSid": ev.CallSID, "AccountSid": ev.AccountSID, "From": ev.From,
		"To": ev.To, "Direction": ev.Direction, "CallerName": ev.CallerName, "CallbackSource": ev.CallbackSource,
		"Timestamp": ev.RawTimestamp} {
		if len(v) > maxCallbackField {
			return CallbackEvent{}, fmt.Errorf("restcomm: status callback: %s is %d bytes long: not from Restcomm", name, len(v))
		}
	}
	if _, ok := eventSequence(ev.Event); !ok {
		return CallbackEvent{}, fmt.Errorf("restcomm: status callback for %s: CallStatus %q is not one of initiated, ringing, answered, completed", ev.CallSID, clip(ev.Event))
	}
	if seq := get("SequenceNumber"); seq != "" {
		n, err := strconv.Atoi(seq)
		if err != nil || n < 0 || n > 3 {
			return CallbackEvent{}, fmt.Errorf("restcomm: status callback for %s: SequenceNumber %q is not 0 to 3", ev.CallSID, clip(seq))
		}
		ev.Sequence = n
	} else {
		ev.Sequence, _ = eventSequence(ev.Event)
	}
	if n, err := strconv.Atoi(get("CallDuration")); err == nil && n > 0 {
		ev.Duration = n
	}
	ev.Timestamp, _ = parseTime(ev.RawTimestamp)
	return ev, nil
}

// CallbackOrder drops duplicate and out-of-order status callbacks. The zero
// value is ready to use; it is safe for concurrent use. It remembers one
// number per call until Forget.
type CallbackOrder struct {
	mu   sync.Mutex
	last map[string]int // CallSID -> highest Sequence accepted
}

// NewCallbackOrder returns an empty CallbackOrder.
func NewCallbackOrder() *CallbackOrder { return &CallbackOrder{} }

// Accept reports whether ev is news: true only the first time a (CallSID,
// Sequence) is seen AND its Sequence is higher than every one accepted for
// that call. A duplicate, or an event overtaken by a later one, is false.
func (o *CallbackOrder) Accept(ev CallbackEvent) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if last, ok := o.last[ev.CallSID]; ok && ev.Sequence <= last {
		return false
	}
	if o.last == nil {
		o.last = make(map[string]int)
	}
	o.last[ev.CallSID] = ev.Sequence
	return true
}

// Len returns how many calls o remembers.
func (o *CallbackOrder) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.last)
}

// Forget drops what o remembers about a call (once it is final).
func (o *CallbackOrder) Forget(callSID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.last, callSID)
}
