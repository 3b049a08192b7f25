package verify

import (
	"errors"
	"time"

	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/record"

	"github.com/flashcall/flashcall/internal/policy"
)

// Settings are the parts of the configuration the flow needs. They are copied in at construction, so a
// running service never sees a half-edited configuration.
type Settings struct {
	// From is the caller-ID pool (numbers or ranges, see callerid.Parse) when CallerIDs is nil; the
	// verification code is the last CodeDigits digits of the one used.
	From []string
	// CallerIDs are the pools by destination country; nil means From for every country.
	CallerIDs *callerid.Selector
	// CodeDigits is how many trailing digits of the caller ID the customer reads back.
	CodeDigits int
	// Timeout is Restcomm's Timeout: seconds of ringing before the call gives up.
	Timeout int
	// RCMLURL is the document Restcomm fetches when the callee answers, the same for every call; it is not
	// used when RCMLTokenBase is set.
	RCMLURL string
	// RCMLTokenBase, when set, gives every call a document address of its own instead of RCMLURL:
	// RCMLTokenBase followed by a fresh rcml.NewToken (so it ends in rcml.TokenPath), the token's SHA-256
	// stored with the attempt before the call is created. CodeFor gives the code only for such a token, and
	// only while its call is up. Set it when the document speaks the code and flashcall serves it.
	RCMLTokenBase string
	// RCMLMethod is GET or POST for RCMLURL.
	RCMLMethod string
	// StatusCallbackURL, when set, turns status callbacks on: each call's StatusCallback is StatusCallbackURL
	// followed by the call's own token (so it ends in "/"), and CallbackHandler accepts a callback only at that
	// address, for that call's CallSid and AccountSID, while it is up.
	StatusCallbackURL string
	// AccountSID is the Restcomm account the calls are placed on; a status callback must name it.
	AccountSID string
	// PollInterval is how often the tracker fetches every live call.
	PollInterval time.Duration
	// PollWorkers is how many fetches of live calls may be in flight at once; zero means DefaultPollWorkers.
	PollWorkers int
	// MaxRequestsPerSecond is the cap on requests to Restcomm the client enforces (restcomm.WithRateLimit);
	// the tracker plans with it. Zero: no cap.
	MaxRequestsPerSecond float64
	// LookupWindow is how long after a create of unknown outcome was sent the tracker looks for its call in
	// Restcomm (whether the look-ups succeed or fail) before it gives up and ends the attempt as unknown;
	// zero means the default LookupWindow.
	LookupWindow time.Duration
	// MaxChecks is how many wrong read-backs lock a verification.
	MaxChecks int
	// Expiry is how long a verification stays open after it was started.
	Expiry time.Duration
	// DefaultRegion is the ISO region used for numbers typed without a country code.
	DefaultRegion string
	// Policy is the fraud policy every call must pass; nil means policy.Default(), the production defaults.
	Policy *policy.Policy
	// Retention is how long attempts keep the customer's number; zero keeps it for ever. Older attempts are
	// purged at Start and every 24 hours after.
	Retention time.Duration
	// RetentionDelete deletes older attempts instead of anonymising them.
	RetentionDelete bool
	// Observer is told of calls placed and ended, read-backs and refusals (the metrics); nil: nobody.
	Observer Observer
	// RestCallerIDs makes a caller-ID alarm (alarms.CallerIDBlocked) rest the range it names, in the history,
	// until a supervisor restores it ([alarms] rest_caller_ids; rest.go). Rests in force are never picked,
	// whatever this says.
	RestCallerIDs bool
	// Shared makes the service work beside the other processes that share its history (feed.go,
	// takeover.go): it publishes their changes to its subscribers, takes over the calls of trackers gone
	// silent, stops following calls whose lease it lost, and records a heartbeat. Every command sets it;
	// without it a service sees and follows only what it placed or found at Start.
	Shared bool
}

// EventKind says what an Event reports.
type EventKind int

const (
	// EventAttempt reports a new or changed attempt (and its verification).
	EventAttempt EventKind = iota + 1
	// EventVerification reports a verification change without an attempt change (check, expiry, cancel).
	EventVerification
	// EventNotice reports something the operator should read: a tracking error, lost credentials.
	EventNotice
)

// Event is pushed to every subscriber when something changes.
type Event struct {
	// Kind says which fields are set.
	Kind EventKind
	// At is when the service saw the change.
	At time.Time
	// Attempt is the attempt as stored after the change (EventAttempt).
	Attempt record.Attempt
	// Verification is the verification as stored after the change (EventAttempt, EventVerification).
	Verification record.Verification
	// Notice is a message for the status bar (EventNotice); Err is true for errors.
	Notice string
	// Err marks a notice as an error.
	Err bool
}

// Result is what Place and Retry return: the verification and the attempt they created.
type Result struct {
	// Verification is the verification the attempt belongs to.
	Verification record.Verification
	// Attempt is the new attempt.
	Attempt record.Attempt
	// Retry is true when the request joined an open verification instead of starting one.
	Retry bool
}

// CheckResult is the outcome of one read-back.
type CheckResult struct {
	// Verified is true when the digits matched.
	Verified bool
	// ChecksLeft is how many wrong read-backs remain before the verification locks.
	ChecksLeft int
	// Verification is the verification after the check.
	Verification record.Verification
}

// Info describes the backend and the call settings for the console header.
type Info struct {
	// Simulated is true when calls go to the embedded simulator.
	Simulated bool
	// Backend is "SIMULATOR" or the Restcomm host.
	Backend string
	// AccountSID is masked: the first four and last four characters.
	AccountSID string
	// PoolSize is how many caller IDs the default pool holds.
	PoolSize uint64
	// GuessOdds is the chance, worded "1 in 3,333", that someone who never got the call guesses the code of a
	// verification within its checks, for the weakest pool.
	GuessOdds string
	// Timeout is the ring time in seconds.
	Timeout int
	// CodeDigits is how many digits the customer reads back.
	CodeDigits int
	// MaxChecks is how many wrong read-backs lock a verification.
	MaxChecks int
	// Expiry is how long a verification stays open.
	Expiry time.Duration
	// SimSpeed is the embedded simulator's speed factor (sim.speed) when Simulated: every simulated delay,
	// the ring Timeout included, lasts 1/SimSpeed of its time. 0 or 1 is real time.
	SimSpeed float64
	// Version is the flashcall version, recorded with the instance's heartbeat.
	Version string
}

// Sentinel errors the screens match with errors.Is.
var (
	// ErrLiveCall refuses a second call to a number that is already being called.
	ErrLiveCall = errors.New("a call to this number is still live: wait for it to end or hang it up")
	// ErrNotAwaitingCode refuses a read-back when no missed call has been delivered yet.
	ErrNotAwaitingCode = errors.New("no missed call has been delivered for this verification yet")
	// ErrClosed refuses changes to a verification that has ended.
	ErrClosed = errors.New("this verification has ended: start a new one")
	// ErrNotLive refuses a hang-up of a call that has already ended.
	ErrNotLive = errors.New("the call is not live any more")
	// ErrHistory wraps a failure to write the attempt before dialling: the call was not placed.
	ErrHistory = errors.New("the attempt could not be written to the history, so the call was NOT placed")
)

// NumberError is returned by Place for a number that cannot be dialled; Reason says why and what to do.
type NumberError struct {
	// Input is what the operator typed.
	Input string
	// Reason explains the refusal.
	Reason string
}

// Error implements error. The input is quoted with record.Quote: whatever was typed, control and
// bidirectional characters included, cannot disguise the message.
func (e *NumberError) Error() string { return record.Quote(e.Input) + ": " + e.Reason }
