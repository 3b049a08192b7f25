package verify

import (
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// outcomeOf maps a final Restcomm call to what it means for verification. rang says whether ringing was seen
// by polling or a callback before the end, answered whether in-progress was. Neither duration nor
// ring_duration means anything here: on 8.4+ a rung-out call ends canceled with a duration of about the ring
// time, and a canceled record never carries ring_duration.
func outcomeOf(c *restcomm.Call, rang, answered bool) record.Outcome {
	if answered || c.Answered() {
		return record.OutcomeAnswered
	}
	switch c.Status {
	case restcomm.StatusCanceled, restcomm.StatusNoAnswer, restcomm.StatusCompleted:
		if rang {
			return record.OutcomeDelivered
		}
		return record.OutcomeNotDelivered
	case restcomm.StatusBusy:
		return record.OutcomeBusy
	case restcomm.StatusFailed:
		return record.OutcomeFailed
	case restcomm.StatusNotFound:
		return record.OutcomeNotFound
	}
	return record.OutcomeUnknown
}

// noRingingNote is the outcome note of a call that ended unanswered without ringing seen, when nothing but
// polling could have seen it: a short ring can fall between two polls.
const noRingingNote = "no ringing observed: ask the customer"
