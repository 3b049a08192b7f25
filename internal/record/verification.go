package record

import "time"

// Verification is one attempt to prove that a customer holds a number; it may span several calls (Attempts).
type Verification struct {
	// ID is set when the verification is stored.
	ID int64
	// Number is the E.164 number being verified; Country its ISO region.
	Number, Country string
	// Operator is who started the verification.
	Operator string
	// CreatedAt, UpdatedAt and ExpiresAt are set by the caller; the store keeps no clock.
	CreatedAt, UpdatedAt, ExpiresAt time.Time
	// Status is where the verification stands.
	Status Status
	// Checks is how many read-backs were made; MaxChecks how many are allowed.
	Checks, MaxChecks int
	// Reason explains a final status (e.g. the policy rule that blocked it).
	Reason string
}

// ChecksLeft is how many read-backs the verification still allows (never below zero).
func (v Verification) ChecksLeft() int { return max(v.MaxChecks-v.Checks, 0) }

// Check is one read-back of the code by a customer. Only whether it matched is kept: the digits themselves are
// never stored.
type Check struct {
	// ID is assigned by the store; VerificationID is the verification checked.
	ID, VerificationID int64
	// At is when the operator entered the read-back (set by the caller).
	At time.Time
	// Operator is who entered it.
	Operator string
	// OK reports whether it matched.
	OK bool
}

// HistoryRow is an attempt as the history shows it: with its verification's status and read-backs.
type HistoryRow struct {
	// Attempt is the attempt itself.
	Attempt
	// VerificationStatus is the verification's status ("" for an attempt without one).
	VerificationStatus Status
	// Checks and MaxChecks are the verification's read-backs made and allowed.
	Checks, MaxChecks int
}
