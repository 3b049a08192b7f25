package record

import "time"

// Source is where a state change was learnt.
type Source string

// Transition sources.
const (
	// SourceCreate: the create request (the write-ahead "placing" row, the create's reply).
	SourceCreate Source = "create"
	// SourcePoll: a GET of the call.
	SourcePoll Source = "poll"
	// SourceCallback: a status callback from Restcomm.
	SourceCallback Source = "callback"
	// SourceOperator: something the operator did (hang up, cancel, "no call").
	SourceOperator Source = "operator"
	// SourceReconcile: reconciliation of an attempt a stopped process left unfinished.
	SourceReconcile Source = "reconcile"
	// SourceExpiry: the verification window passed.
	SourceExpiry Source = "expiry"
	// SourcePolicy: the fraud policy refused the call.
	SourcePolicy Source = "policy"
)

// Transition is one state change of an attempt, for the timeline and the audit log.
type Transition struct {
	// ID is assigned by the store; AttemptID is the attempt that changed.
	ID, AttemptID int64
	// At is when the change happened (set by the caller).
	At time.Time
	// Status is the new state or Restcomm status.
	Status string
	// Source is where the change was learnt.
	Source Source
	// Detail says more, in words.
	Detail string
}
