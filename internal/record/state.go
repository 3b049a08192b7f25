package record

// State is where an attempt stands in its own life: from the write-ahead row to the end of the call.
type State string

// Attempt states.
const (
	// StatePlacing: the row is written and the call is being created; the create's outcome is not known yet.
	StatePlacing State = "placing"
	// StateLive: the call exists and is being tracked.
	StateLive State = "live"
	// StateEnded: the call reached a final status.
	StateEnded State = "ended"
	// StateNotPlaced: the create was refused or never sent; no call exists.
	StateNotPlaced State = "not-placed"
	// StateUnknown: the create may or may not have reached Restcomm; reconciliation must find out.
	StateUnknown State = "unknown"
	// StateBlocked: the fraud policy refused the call before anything was sent; no call exists.
	StateBlocked State = "blocked"
)

// Valid reports whether s is one of the attempt states.
func (s State) Valid() bool {
	switch s {
	case StatePlacing, StateLive, StateEnded, StateNotPlaced, StateUnknown, StateBlocked:
		return true
	}
	return false
}

// Final reports whether an attempt in state s can change no more: the call ended, or none exists.
func (s State) Final() bool { return s == StateEnded || s == StateNotPlaced || s == StateBlocked }

// Unfinished reports whether a stopped process may have left an attempt in state s behind with a call whose
// fate must be found out (placing, live or unknown): it is to be reconciled, never dialled again.
func (s State) Unfinished() bool { return s == StatePlacing || s == StateLive || s == StateUnknown }

// Outcome is what a finished attempt meant for the verification ("" while the call is not over).
type Outcome string

// Attempt outcomes.
const (
	// OutcomeDelivered: a missed call reached the phone (ringing seen, then canceled or no answer).
	OutcomeDelivered Outcome = "delivered"
	// OutcomeAnswered: the customer picked up and heard the message.
	OutcomeAnswered Outcome = "answered"
	// OutcomeBusy: the line was busy.
	OutcomeBusy Outcome = "busy"
	// OutcomeFailed: Restcomm could not place the call.
	OutcomeFailed Outcome = "failed"
	// OutcomeNotFound: Restcomm does not know the call.
	OutcomeNotFound Outcome = "not-found"
	// OutcomeNotDelivered: the call ended without ringing the phone.
	OutcomeNotDelivered Outcome = "not-delivered"
	// OutcomeUnknown: what happened could not be established.
	OutcomeUnknown Outcome = "unknown"
)

// Delivered reports whether the customer saw the caller ID and can read the code back: the call rang out
// (delivered) or was picked up (answered).
func (o Outcome) Delivered() bool { return o == OutcomeDelivered || o == OutcomeAnswered }

// Unreached reports whether an outcome means the phone was not reached: busy, failed, not found or never
// rang. A run of them sends the number into the policy's cooldown.
func (o Outcome) Unreached() bool {
	switch o {
	case OutcomeBusy, OutcomeFailed, OutcomeNotFound, OutcomeNotDelivered:
		return true
	}
	return false
}
