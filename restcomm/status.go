package restcomm

import "strings"

// Status is a call status, normalised from the mixed spellings Restcomm puts
// on the wire (QUEUED, in-progress, NO_ANSWER, canceled, CANCELED...).
type Status string

// The call statuses Restcomm reports, normalised.
const (
	StatusQueued        Status = "queued"
	StatusRinging       Status = "ringing"
	StatusWaitForAnswer Status = "wait-for-answer"
	StatusInProgress    Status = "in-progress"
	StatusCompleted     Status = "completed"
	StatusCanceled      Status = "canceled"
	StatusBusy          Status = "busy"
	StatusFailed        Status = "failed"
	StatusNoAnswer      Status = "no-answer"
	StatusNotFound      Status = "not-found"
)

// ParseStatus normalises a wire status: surrounding space trimmed,
// lower-cased, "_" turned into "-", and "inprogress" into "in-progress". A
// spelling it does not know is returned normalised the same way (Known then
// reports false).
func ParseStatus(s string) Status {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.ReplaceAll(s, "_", "-")
	if s == "inprogress" {
		s = string(StatusInProgress)
	}
	return Status(s)
}

// Live reports whether the call is still going: queued, ringing,
// wait-for-answer or in-progress.
func (s Status) Live() bool {
	switch s {
	case StatusQueued, StatusRinging, StatusWaitForAnswer, StatusInProgress:
		return true
	}
	return false
}

// Final reports whether the call has ended: completed, canceled, busy,
// failed, no-answer or not-found.
func (s Status) Final() bool {
	switch s {
	case StatusCompleted, StatusCanceled, StatusBusy, StatusFailed, StatusNoAnswer, StatusNotFound:
		return true
	}
	return false
}

// Known reports whether s is one of the statuses above.
func (s Status) Known() bool { return s.Live() || s.Final() }

// String returns the normalised spelling.
func (s Status) String() string { return string(s) }
