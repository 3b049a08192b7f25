package record

import "time"

// Override lifts one refusing rule (a cooldown, a limit, a lock or a pause) for one number, once: a
// supervisor gives it with a reason, and the next placement to that number that the rule would refuse uses
// it, inside the placement's own write transaction, so that two placements never both use one override. An
// override that no placement used lapses at ExpiresAt.
type Override struct {
	// ID is assigned by the store.
	ID int64
	// Number is the E.164 number it is for.
	Number string
	// Rule is the rule it lifts (a policy.Rule* name, e.g. "cooldown").
	Rule string
	// Reason is why, in the supervisor's words (sanitised by the service).
	Reason string
	// By is the supervisor who gave it (as Operator.String).
	By string
	// VerificationID is the number's newest verification when it was given (usually the refused one), 0
	// when the number had none; the verification view shows the override there.
	VerificationID int64
	// CreatedAt is when it was given; ExpiresAt when it lapses unused.
	CreatedAt, ExpiresAt time.Time
	// UsedAt is when a placement used it (zero while unused), and AttemptID that placement's attempt.
	UsedAt    time.Time
	AttemptID int64
}

// Pending reports whether the override may still be used at t: unused and not lapsed.
func (o Override) Pending(t time.Time) bool { return o.UsedAt.IsZero() && t.Before(o.ExpiresAt) }
