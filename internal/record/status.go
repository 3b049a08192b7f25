package record

// Status is where a verification stands.
type Status string

// Verification statuses.
const (
	// StatusCalling: an attempt is being placed or is live.
	StatusCalling Status = "calling"
	// StatusAwaitingCode: the call was delivered or answered; the operator waits for the read-back.
	StatusAwaitingCode Status = "awaiting-code"
	// StatusNotDelivered: the last call did not reach the phone; a retry is possible.
	StatusNotDelivered Status = "not-delivered"
	// StatusVerified: the customer read back the right code.
	StatusVerified Status = "verified"
	// StatusFailed: too many wrong read-backs; the verification is locked.
	StatusFailed Status = "failed"
	// StatusExpired: the verification window passed.
	StatusExpired Status = "expired"
	// StatusCanceled: the operator canceled the verification.
	StatusCanceled Status = "canceled"
	// StatusSuperseded: a newer verification for the same number replaced this one.
	StatusSuperseded Status = "superseded"
	// StatusBlocked: the fraud policy refused it.
	StatusBlocked Status = "blocked"
)

// Valid reports whether s is one of the verification statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusCalling, StatusAwaitingCode, StatusNotDelivered:
		return true
	}
	return s.Final()
}

// Final reports whether a verification in status s can change no more (verified, failed, expired, canceled,
// superseded or blocked).
func (s Status) Final() bool {
	switch s {
	case StatusVerified, StatusFailed, StatusExpired, StatusCanceled, StatusSuperseded, StatusBlocked:
		return true
	}
	return false
}

// CodeSecret reports whether the code of a verification in status s must stay hidden: in every status but
// verified, the caller ID's last digits are the answer the customer has not (rightly) read back.
func (s Status) CodeSecret() bool { return s != StatusVerified }
