package presence

import (
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Member is one connected console session as the others see it.
type Member struct {
	// ID tells sessions apart; an operator may be connected more than once.
	ID uint64
	// Operator is the person (record.Operator.Who()); Remote where they connect from.
	Operator, Remote string
	// Since is when the session started; LastInput when its operator last pressed a key.
	Since, LastInput time.Time
	// ReadingBack is the verification whose read-back the session has open, 0 for none; Number is its
	// number (E.164: mask it before showing it).
	ReadingBack int64
	Number      string
}

// Idle is how long the member has pressed no key, at now.
func (m Member) Idle(now time.Time) time.Duration { return max(now.Sub(m.LastInput), 0) }

// Check is one read-back checked by a session: who, which verification, and what came of it. It never holds
// the digits.
type Check struct {
	// By is the member who checked.
	By uint64
	// Operator is who checked (record.Operator.Who()).
	Operator string
	// VerificationID is the verification checked; Number its number (E.164: mask it before showing it).
	VerificationID int64
	Number         string
	// OK reports whether the digits matched.
	OK bool
	// Status is the verification's status after the check; ChecksLeft the read-backs it still allows.
	Status     record.Status
	ChecksLeft int
	// At is when the check was made.
	At time.Time
}

// Kind says what an Event reports.
type Kind int

const (
	// Changed reports that someone joined, left, or opened or closed a read-back: Members holds everyone now.
	Changed Kind = iota + 1
	// Checked reports a read-back checked by a session: Check holds it.
	Checked
)

// Event is pushed to every session of a hub.
type Event struct {
	// Kind says which fields are set.
	Kind Kind
	// Members is everyone connected, oldest session first (Changed).
	Members []Member
	// Check is the read-back checked (Checked).
	Check Check
}

// Hub is what sessions join. Implementations must be safe for concurrent use.
type Hub interface {
	// Join registers a session of op and returns its seat; Leave on the seat ends it.
	Join(op record.Operator) Seat
	// Members returns everyone connected, oldest session first.
	Members() []Member
}

// Seat is one session's place on a hub. No method blocks: a session calls them from its update loop.
type Seat interface {
	// ID is the session's member ID.
	ID() uint64
	// Events returns the session's event channel (buffered; events are dropped for a session that falls far
	// behind, and the next Changed carries everything again). It is closed by Leave.
	Events() <-chan Event
	// Members returns everyone connected, this session included, oldest session first.
	Members() []Member
	// Touch records a key press: the session is not idle.
	Touch()
	// ReadingBack says which verification's read-back the session has open (0: none), and its number.
	ReadingBack(verificationID int64, number string)
	// Checked tells every other session of a read-back this one checked.
	Checked(c Check)
	// Leave ends the session's presence; it is safe to call twice.
	Leave()
}
