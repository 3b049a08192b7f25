package record

import "time"

// StatRow is one attempt as the supervisor's figures count it: the attempt, its verification's status and
// read-backs, and when that verification was created and last changed (for a verified one, when it was
// verified). The dashboard and `flashcall report` count from these rows and nothing else.
type StatRow struct {
	HistoryRow
	// VerificationCreated and VerificationUpdated are the verification's times (zero without one).
	VerificationCreated, VerificationUpdated time.Time
}
