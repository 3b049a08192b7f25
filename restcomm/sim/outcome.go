package sim

import "time"

// Simulated delays, before the speed factor divides them.
const (
	// dialDelay is how long a call stays QUEUED before it rings (or fails without ringing, last digit 8).
	dialDelay = 200 * time.Millisecond
	// carrierDelay is how long a call to an unknown number (last digit 9) stays QUEUED before the carrier's
	// 404 fails it: longer than dialDelay, since the INVITE crosses the carrier's network first.
	carrierDelay = time.Second
	// answerDelay is how long an answering callee (last digit 6) lets the phone ring.
	answerDelay = 2 * time.Second
	// busyDelay is how long a busy callee (last digit 7) rings before BUSY.
	busyDelay = time.Second
	// declineDelay is how long a declining callee (last digit 5) looks at the phone before rejecting it.
	declineDelay = 3 * time.Second
	// defaultTimeout is the ring limit when the create request has no Timeout.
	defaultTimeout = 60
)

// outcome is what the callee's side does, chosen by the last digit of the destination.
type outcome int

const (
	outcomeRingOut  outcome = iota // 0-3, and addresses without a digit: rings until Timeout
	outcomeQueued                  // 4: a wrong outbound proxy, the INVITE goes nowhere and the call stays QUEUED
	outcomeDecline                 // 5: rings, then the callee declines (SIP 603): BUSY
	outcomeAnswer                  // 6: answered, the RCML is fetched and played
	outcomeBusy                    // 7: rings briefly, then BUSY (SIP 486)
	outcomeFailed                  // 8: FAILED at once, without ringing
	outcomeNotFound                // 9: the carrier answers 404 without ringing: FAILED (NOT_FOUND on 8.2)
)

// outcomeFor picks the outcome from the last decimal digit in the destination; an address without a digit
// (client:alice) behaves like 0.
func outcomeFor(to string) outcome {
	for i := len(to) - 1; i >= 0; i-- {
		if d := to[i]; d >= '0' && d <= '9' {
			switch d {
			case '4':
				return outcomeQueued
			case '5':
				return outcomeDecline
			case '6':
				return outcomeAnswer
			case '7':
				return outcomeBusy
			case '8':
				return outcomeFailed
			case '9':
				return outcomeNotFound
			default:
				return outcomeRingOut
			}
		}
	}
	return outcomeRingOut
}
