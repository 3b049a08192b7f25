package verify

import (
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
)

// Outcomes of an attempt, as stored and as printed by the headless command.
const (
	OutcomeDelivered    = store.OutcomeDelivered    // rang, then ended unanswered: the missed call reached the handset
	OutcomeAnswered     = store.OutcomeAnswered     // the customer picked up and heard the message
	OutcomeBusy         = store.OutcomeBusy         // reached but busy
	OutcomeFailed       = store.OutcomeFailed       // Restcomm could not place it
	OutcomeNotFound     = store.OutcomeNotFound     // the number does not exist
	OutcomeNotDelivered = store.OutcomeNotDelivered // ended without ever ringing
	OutcomeUnknown      = store.OutcomeUnknown      // the create's outcome or the final state is not known
)

// outcomeOf maps a final Restcomm call to what it means for verification. rang says whether ringing was seen
// by polling or a callback before the end, answered whether in-progress was. Neither duration nor
// ring_duration means anything here: on 8.4+ a rung-out call ends canceled with a duration of about the ring
// time, and a canceled record never carries ring_duration.
func outcomeOf(c *restcomm.Call, rang, answered bool) string {
	if answered || c.Answered() {
		return OutcomeAnswered
	}
	switch c.Status {
	case restcomm.StatusCanceled, restcomm.StatusNoAnswer, restcomm.StatusCompleted:
		if rang {
			return OutcomeDelivered
		}
		return OutcomeNotDelivered
	case restcomm.StatusBusy:
		return OutcomeBusy
	case restcomm.StatusFailed:
		return OutcomeFailed
	case restcomm.StatusNotFound:
		return OutcomeNotFound
	}
	return OutcomeUnknown
}

// noRingingNote is the outcome note of a call that ended unanswered without ringing seen, when nothing but
// polling could have seen it: a short ring can fall between two polls.
const noRingingNote = "no ringing observed: ask the customer"

// delivered reports whether an outcome lets the customer read a code back.
func delivered(outcome string) bool {
	return outcome == OutcomeDelivered || outcome == OutcomeAnswered
}

// finalVerification reports whether a verification can change no more.
func finalVerification(status string) bool { return store.FinalStatus(status) }
