package record

import "time"

// Attempt is one call placed (or about to be placed) to a number.
type Attempt struct {
	// ID is set when the attempt is stored; VerificationID is the verification it belongs to (0 = none).
	ID, VerificationID int64
	// CreatedAt, UpdatedAt and EndedAt are set by the caller; the store keeps no clock.
	CreatedAt, UpdatedAt, EndedAt time.Time
	// Operator is who placed the call; Remote where they were (SSH address, or "" on the local console).
	Operator, Remote string
	// Number is the E.164 number called; Country and LineType describe it.
	Number, Country, LineType string
	// From is the caller ID used; its last digits are the code.
	From string
	// CallSID is Restcomm's call ID ("" until the create succeeds).
	CallSID string
	// State is where the attempt stands.
	State State
	// Status is the last normalised Restcomm status ("queued", "ringing", "canceled", ...).
	Status string
	// Outcome is what the call meant, "" while it is not over.
	Outcome Outcome
	// RingingSeen records that the phone rang at some point.
	RingingSeen bool
	// AnsweredBy is Restcomm's answered_by.
	AnsweredBy string
	// Duration and RingDuration are in seconds, kept as data: neither says whether the call was answered.
	Duration, RingDuration int
	// Error is the last error seen for this call.
	Error string
	// StaleSince is when tracking last failed (zero while fresh).
	StaleSince time.Time
	// NoCallReported records that the operator said the customer got no call.
	NoCallReported bool
}
