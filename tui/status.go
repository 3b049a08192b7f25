package tui

// The states and statuses the console reacts to, spelled as the store writes them (see the shared
// contract). They are repeated here as the console's own vocabulary rather than imported one by one.
const (
	statePlacing = "placing"
	stateLive    = "live"
	stateUnknown = "unknown"
	stateBlocked = "blocked"

	verCalling      = "calling"
	verAwaitingCode = "awaiting-code"
	verNotDelivered = "not-delivered"
	verVerified     = "verified"
	verFailed       = "failed"
	verExpired      = "expired"
	verCanceled     = "canceled"
	verSuperseded   = "superseded"
	verBlocked      = "blocked"
)

// finalVerification reports whether a verification can change no more.
func finalVerification(status string) bool {
	switch status {
	case verVerified, verFailed, verExpired, verCanceled, verSuperseded, verBlocked:
		return true
	}
	return false
}
