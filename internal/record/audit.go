package record

import "time"

// Action is what an operator (or flashcall itself) did, as the audit log records it.
type Action string

const (
	// AuditCallPlaced: a flash call was requested (Detail says whether it was created, and its SID).
	AuditCallPlaced Action = "call-placed"
	// AuditRefusal: the fraud policy refused a call (Detail is the refusal).
	AuditRefusal Action = "refusal"
	// AuditHangUp: an operator hung up a live call.
	AuditHangUp Action = "hang-up"
	// AuditCodeChecked: a read-back was checked (Detail says whether it matched; never the digits).
	AuditCodeChecked Action = "code-checked"
	// AuditCancel: an operator canceled a verification.
	AuditCancel Action = "cancel"
	// AuditNoCall: an operator recorded that the customer got no call.
	AuditNoCall Action = "no-call-reported"
	// AuditSupersede: an open verification was replaced by a fresh one.
	AuditSupersede Action = "supersede"
	// AuditReveal: an operator revealed a full number on purpose.
	AuditReveal Action = "reveal"
	// AuditExport: history or audit log was exported (Detail says what, and whether numbers were revealed).
	AuditExport Action = "export"
	// AuditPurge: attempts older than the retention were purged or anonymised (Detail has the count).
	AuditPurge Action = "purge"
	// AuditConfigLoaded: a configuration was loaded (Detail names its source).
	AuditConfigLoaded Action = "config-loaded"
	// AuditExpired: a verification's window passed before a correct read-back.
	AuditExpired Action = "expired"
	// AuditLogin: an operator's console session started (Detail: how, from where, and the SSH user the
	// client claimed when it differs from the operator's name).
	AuditLogin Action = "login"
	// AuditLogout: an operator's console session ended (Detail says why).
	AuditLogout Action = "logout"
	// AuditKeyRevoked: a session was ended because its key was removed from, or changed in, authorized_keys.
	AuditKeyRevoked Action = "key-revoked"
	// AuditKeyRefused: an SSH connection offered only keys the server refused and closed without logging in
	// (Detail: the address, the user it claimed, the fingerprints and why each was refused). Rate-limited:
	// refusals beyond the server's budget are counted in the next entry instead of itemised.
	AuditKeyRefused Action = "key-refused"
	// AuditDenied: an operator asked for a supervisor-only action and was refused (Detail names it).
	AuditDenied Action = "denied"
	// AuditIntakeRefused: a typed number was refused at intake, before the policy, because it is not a
	// number that can be dialled (Detail: the input masked with MaskNumber and quoted with Quote, and why).
	AuditIntakeRefused Action = "intake-refused"
	// AuditCodeSpoken: Restcomm fetched the RCML document of an answered call at its own address and the code
	// was served to be spoken (Number, VerificationID and AttemptID say which call; never the code or the
	// address's token).
	AuditCodeSpoken Action = "code-spoken"
	// AuditConfigReloaded: part of the configuration was read again while running: the SSH server's
	// authorized_keys file, on SIGHUP or when it changed (Detail: the file, how many keys, which operators'
	// keys were added or removed).
	AuditConfigReloaded Action = "config-reloaded"
	// AuditAlarmRaised: the service's own figures raised an alarm (Detail: what, with the figures and the
	// thresholds, and what was done about it).
	AuditAlarmRaised Action = "alarm-raised"
	// AuditAlarmCleared: an alarm's condition no longer holds (Detail: which).
	AuditAlarmCleared Action = "alarm-cleared"
	// AuditHistorySearched: an operator searched the history by more of a number than the screen shows (4
	// to 8 trailing digits, or a whole number): Detail says how many digits, and only the last 3 of them.
	// Each search is recorded once per operator and digits for a while, however often it is typed again.
	AuditHistorySearched Action = "history-searched"
	// AuditPaused: an alarm paused new calls to a country or number range (Detail: which, the pause's ID and
	// the alarm).
	AuditPaused Action = "calls-paused"
	// AuditResumed: a supervisor resumed calls an alarm paused (Detail: which and the pause's ID).
	AuditResumed Action = "calls-resumed"
	// AuditCallerIDRested: a caller-ID alarm rested a caller-ID range, or could not because it would leave a
	// pool with no caller ID (Detail: the range, the rest's ID or why it was kept, and the alarm).
	AuditCallerIDRested Action = "caller-id-rested"
	// AuditCallerIDRestored: a supervisor restored a rested caller-ID range (Detail: the range and the rest's
	// ID).
	AuditCallerIDRestored Action = "caller-id-restored"
	// AuditOverridden: a supervisor lifted one rule for one number, for one call (Detail: the rule, how
	// long the override holds, and the reason, quoted).
	AuditOverridden Action = "override-given"
	// AuditOverrideUsed: a placement used an override (Detail: the rule it lifted and the override's ID).
	AuditOverrideUsed Action = "override-used"
)

// AuditEntry is one line of the append-only audit log: who did what, when, from where. It never holds a full
// phone number (Number is masked: the store refuses an unmasked one) nor a code.
type AuditEntry struct {
	// ID is assigned by the store.
	ID int64
	// At is when it happened (set by the caller; the store keeps no clock).
	At time.Time
	// Operator is who did it; Remote where from ("local", or the SSH client's address).
	Operator, Remote string
	// Action is what was done.
	Action Action
	// Number is the masked number concerned, e.g. "+44*******456", or "".
	Number string
	// VerificationID and AttemptID are the rows concerned (0: none).
	VerificationID, AttemptID int64
	// Detail says more, in words.
	Detail string
}

// AuditQuery selects audit entries. The zero value selects all.
type AuditQuery struct {
	// Since and Until bound At: Since <= At < Until (zero: unbounded).
	Since, Until time.Time
	// Operator and Action, when set, must match exactly.
	Operator string
	Action   Action
	// Limit is the most entries returned (0 or less: all).
	Limit int
}
