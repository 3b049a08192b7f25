package verify

import (
	"context"
	"io"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Store is the persistence the flow needs, and all it may use: the flow owns this contract, and each history
// engine implements it (*store.Store, SQLite; *pgstore.Store, PostgreSQL). Every method that reads a row and changes it does so inside one
// write transaction of the engine, so the copies the flow holds are caches, never the basis of a write.
type Store interface {
	// CreateVerification stores v and sets v.ID.
	CreateVerification(ctx context.Context, v *record.Verification) error
	// GetVerification returns verification id.
	GetVerification(ctx context.Context, id int64) (*record.Verification, error)
	// OpenVerificationFor returns the open verification of number, or nil.
	OpenVerificationFor(ctx context.Context, number string) (*record.Verification, error)
	// OpenVerifications returns every verification that is not final.
	OpenVerifications(ctx context.Context) ([]record.Verification, error)
	// ModifyVerification re-reads verification id in a write transaction, lets fn change it, and stores the
	// change with what fn added (checks, transitions, attempt updates), all or nothing.
	ModifyVerification(ctx context.Context, id int64, fn func(m *store.VerificationChange) error) (*record.Verification, error)

	// InsertAttempt is the write-ahead row of a call, stored before the call is created.
	InsertAttempt(ctx context.Context, a *record.Attempt) error
	// InsertAttemptChecked writes a placement after check (the velocity limits and "one live call per
	// number") passed inside the same write transaction.
	InsertAttemptChecked(ctx context.Context, p store.Placement, check func(ctx context.Context, q store.LimitQuerier) error) error
	// RecordBlocked stores a call the policy refused, with its verification.
	RecordBlocked(ctx context.Context, v *record.Verification, a *record.Attempt) error
	// GetAttempt returns attempt id.
	GetAttempt(ctx context.Context, id int64) (*record.Attempt, error)
	// UpdateAttempt writes a over the stored attempt a.ID.
	UpdateAttempt(ctx context.Context, a *record.Attempt) error
	// UpdateAttemptWith writes a over the stored attempt a.ID and stores the transitions trs (for a.ID) in the
	// same transaction: one state change, one commit.
	UpdateAttemptWith(ctx context.Context, a *record.Attempt, trs ...record.Transition) error
	// UpdateAttempts stores many such changes in one transaction, all or nothing.
	UpdateAttempts(ctx context.Context, changes []store.AttemptChange) error
	// AttemptsFor returns a verification's attempts, oldest first.
	AttemptsFor(ctx context.Context, verificationID int64) ([]record.Attempt, error)
	// UnfinishedAttempts returns the attempts a stopped process may have left behind.
	UnfinishedAttempts(ctx context.Context) ([]record.Attempt, error)
	// ClaimCallSID links an attempt to a call SID no other attempt holds, recording why.
	ClaimCallSID(ctx context.Context, attemptID int64, callSID string, why record.Transition) error
	// LastFrom returns the caller ID of the newest call to number ("" when none).
	LastFrom(ctx context.Context, number string) (string, error)
	// SetRCMLTokenHash gives a placing attempt the RCML token with this SHA-256, once, before its call is
	// created.
	SetRCMLTokenHash(ctx context.Context, attemptID int64, hash store.RCMLTokenHash) error
	// LiveAttemptByRCMLToken returns the placing or live attempt whose RCML token has this SHA-256 (an error
	// matching store.ErrNotFound for any other).
	LiveAttemptByRCMLToken(ctx context.Context, hash store.RCMLTokenHash) (*record.Attempt, error)

	// AddTransition stores one state change of an attempt.
	AddTransition(ctx context.Context, t record.Transition) error
	// Transitions returns an attempt's state changes, oldest first.
	Transitions(ctx context.Context, attemptID int64) ([]record.Transition, error)
	// Checks returns a verification's read-backs, oldest first.
	Checks(ctx context.Context, verificationID int64) ([]record.Check, error)
	// History returns attempts with their verifications' status, newest first.
	History(ctx context.Context, q store.HistoryQuery) ([]record.HistoryRow, error)
	// FindHistory returns one page of the history by verification: the ones q's filter matches (from
	// indexes over the whole history), in its sort order, after q.After (keyset paging).
	FindHistory(ctx context.Context, q record.HistoryPage) (record.HistoryResult, error)
	// Export writes the history to w.
	Export(ctx context.Context, w io.Writer, o store.ExportOptions) error

	// AddAudit appends e to the audit log and sets e.ID.
	AddAudit(ctx context.Context, e *record.AuditEntry) error
	// Audit returns the audit entries q selects.
	Audit(ctx context.Context, q record.AuditQuery) ([]record.AuditEntry, error)
	// Purge applies the retention to attempts created before before.
	Purge(ctx context.Context, before time.Time, anonymise bool) (int, error)
	// PurgeBatch applies it to at most limit attempts from the saved high-water mark on, in one short
	// transaction, and reports whether more may be due.
	PurgeBatch(ctx context.Context, before time.Time, anonymise bool, limit int) (int, bool, error)
	// ClaimTracking makes me the tracker of an unfinished attempt unless a tracker gone says is there holds it.
	ClaimTracking(ctx context.Context, attemptID int64, me store.Tracker, now time.Time, gone store.TrackerGone) (bool, error)
	// RenewTracking renews every claim of owner.
	RenewTracking(ctx context.Context, owner string, now time.Time) error
	// ReleaseTracking gives up owner's claim on an attempt (0: on all).
	ReleaseTracking(ctx context.Context, attemptID int64, owner string) error
	// TrackedBy returns the attempts owner holds as their tracker.
	TrackedBy(ctx context.Context, owner string) ([]int64, error)
	// ChangedSince returns the unfinished attempts, the attempts and verifications updated at or after since,
	// and the callbacks recorded since for unfinished attempts: what the feed (feed.go) publishes of other
	// processes' work.
	ChangedSince(ctx context.Context, since time.Time) (store.Changes, error)
	// Heartbeat records that this process has the history open (doctor lists the instances seen recently).
	Heartbeat(ctx context.Context, in store.Instance, now time.Time) error
	// LeaveInstance removes this process from the instances, as it closes.
	LeaveInstance(ctx context.Context, id string) error
	// Close releases the database.
	Close() error
}

// The SQLite engine keeps the contract.
var _ Store = (*store.Store)(nil)
