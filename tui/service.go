package tui

import (
	"context"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/verify"
)

// Service is what the console needs from the flash-call flow. *verify.Service implements it; tests and
// benchmarks may pass a stand-in. Every method except Info and ParseNumber may do network or database work
// and is only ever called from a tea.Cmd.
type Service interface {
	// Info describes the backend and call settings for the header.
	Info() verify.Info
	// Subscribe returns the event channel and the function that ends the subscription.
	Subscribe() (<-chan verify.Event, func())
	// ParseNumber runs number intake without I/O, for the live feedback under the number input.
	ParseNumber(input string) (policy.Number, error)
	// RefuseNumber audits a typed number the console refused at intake itself (it never dials).
	RefuseNumber(ctx context.Context, op record.Operator, input string) error
	// Place starts (or retries) a verification of the number and places the flash call.
	Place(ctx context.Context, op record.Operator, input string) (verify.Result, error)
	// HangUp ends a live call.
	HangUp(ctx context.Context, op record.Operator, attemptID int64) error
	// Check compares the digits the customer read back.
	Check(ctx context.Context, op record.Operator, verificationID int64, digits string) (verify.CheckResult, error)
	// Cancel ends a verification.
	Cancel(ctx context.Context, op record.Operator, verificationID int64) error
	// ReportNoCall records that the customer saw no call.
	ReportNoCall(ctx context.Context, op record.Operator, verificationID int64) error
	// Retry calls again for an open verification.
	Retry(ctx context.Context, op record.Operator, verificationID int64) (verify.Result, error)
	// FindHistory returns one page of the history, one row per verification (filtered, sorted, keyset
	// paged in the database).
	FindHistory(ctx context.Context, op record.Operator, q record.HistoryPage) (record.HistoryResult, error)
	// VerificationAttempts returns a verification's attempts, newest first.
	VerificationAttempts(ctx context.Context, verificationID int64) ([]record.HistoryRow, error)
	// Timeline returns an attempt's transitions, oldest first.
	Timeline(ctx context.Context, attemptID int64) ([]record.Transition, error)
	// Live returns the attempts being tracked now.
	Live() []record.Attempt
	// Reveal returns an attempt's full number for the supervisor who asked for it on purpose; the service
	// audits the reveal first and refuses when it cannot (the number then stays hidden), and refuses anyone
	// but a supervisor (a *verify.RoleError).
	Reveal(ctx context.Context, op record.Operator, attemptID int64) (string, error)
	// ReadAudit returns audit log entries, newest first, for op's audit view; the log is read-only, and only
	// a supervisor may read it (anyone else gets a *verify.RoleError).
	ReadAudit(ctx context.Context, op record.Operator, q record.AuditQuery) ([]record.AuditEntry, error)
	// Supersede starts a fresh verification of the number, marking the open one superseded (audited), and
	// places its first call. Only a supervisor may (anyone else gets a *verify.RoleError).
	Supersede(ctx context.Context, op record.Operator, number string) (verify.Result, error)
	// Inspect returns a verification with its attempts, read-backs and transitions, for the verification view.
	Inspect(ctx context.Context, verificationID int64) (verify.VerificationView, error)
	// Checks returns a verification's read-backs (who, when, right or wrong), for the detail pane's timeline.
	Checks(ctx context.Context, verificationID int64) ([]record.Check, error)
	// CheckDestination applies the policy's destination rules to a parsed number without I/O: the refusal
	// Place would give, or nil. The number input says ✗ with it before enter.
	CheckDestination(n policy.Number) *policy.Refusal
	// DefaultRegion is the region national numbers are read in, "" when numbers need their country code.
	DefaultRegion() string
	// CopyNumber returns an attempt's full number for a supervisor copying it, after auditing the copy (a
	// *verify.RoleError for anyone else).
	CopyNumber(ctx context.Context, op record.Operator, attemptID int64) (string, error)
	// Figures counts the dashboard's figures of [since, until) with the breakdowns in by, hours and days in
	// loc (stats.Compute, as `flashcall report` does). Every operator may read them.
	Figures(ctx context.Context, since, until time.Time, by []stats.Dimension, loc *time.Location) (stats.Figures, error)
	// ActiveAlarms returns the alarms that hold now.
	ActiveAlarms() []alarms.Alarm
	// Cost is the configured pricing and daily cost cap: the dashboard prices its window's calls with it.
	Cost() policy.Cost
	// Override lifts one rule for the next call to a number, with a reason (audited); only a supervisor
	// may (anyone else gets a *verify.RoleError).
	Override(ctx context.Context, op record.Operator, number, rule, reason string) (*record.Override, error)
	// Pauses returns the pauses alarms put in force, for the dashboard.
	Pauses(ctx context.Context) ([]record.Pause, error)
	// ResumePause ends a pause (audited); only a supervisor may (anyone else gets a *verify.RoleError).
	ResumePause(ctx context.Context, op record.Operator, id int64) (*record.Pause, error)
}

// The service must keep satisfying the interface the console is written against.
var _ Service = (*verify.Service)(nil)
