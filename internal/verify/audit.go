package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
)

// The audit log records who did what, when and from where: calls placed and refused, numbers refused at
// intake (the input masked), hang-ups, code checks (whether they matched, never the digits), codes served to
// be spoken to a customer who answered (never the code), cancels, "no call" reports, supersedes, reveals,
// exports, purges, configuration loads and reloads (authorized_keys), console logins and logouts, sessions
// ended because their key was revoked, and supervisor-only actions refused to operators. Numbers in it are
// masked (record.MaskNumber). Operator is Operator.String(), Remote is Operator.Remote.

// ErrSupervisorOnly is what every RoleError is (errors.Is): the action is for supervisors only.
var ErrSupervisorOnly = errors.New("for supervisors only")

// RoleError refuses an operator a supervisor-only action: revealing a full number, reading the audit log, or
// superseding a verification. The refusal is audited.
type RoleError struct {
	// What names the action refused, e.g. "revealing a full number".
	What string
	// Operator is who asked, as stored (Operator.String()).
	Operator string
}

// Error says what was refused, to whom, and what to do.
func (e *RoleError) Error() string {
	return e.What + " is for supervisors only, and " + e.Operator + " is an operator: ask a supervisor (ssh.supervisors " +
		"lists them; console.supervisor for the local console)"
}

// Is makes errors.Is(err, ErrSupervisorOnly) hold.
func (e *RoleError) Is(target error) bool { return target == ErrSupervisorOnly }

// What the supervisor-only actions are called in refusals.
const (
	whatReveal    = "revealing a full number"
	whatAudit     = "reading the audit log"
	whatSupersede = "superseding a verification"
)

// requireSupervisor refuses op a supervisor-only action unless op is a supervisor. A refusal is audited (the
// number, if any, masked) and logged; it is refused whether or not the audit entry could be written.
func (s *Service) requireSupervisor(ctx context.Context, op record.Operator, what, number string, verificationID, attemptID int64) error {
	if op.IsSupervisor() {
		return nil
	}
	s.log.Warn("supervisor-only action refused", "operator", op.String(), "remote", op.Remote, "action", what)
	_ = s.audit(ctx, op, record.AuditDenied, number, verificationID, attemptID, what+" refused: supervisors only")
	return &RoleError{What: what, Operator: op.String()}
}

// ErrAnonymised refuses to reveal the number of an attempt that the retention has anonymised.
var ErrAnonymised = errors.New("this attempt's number was removed by the retention policy (history.retention)")

// audit appends an entry; number is the full E.164 number (masked here) or "". The number is masked in
// detail too, since error texts from Restcomm may quote it: the audit log is never purged. A failure is
// logged and returned.
func (s *Service) audit(ctx context.Context, op record.Operator, action record.Action, number string, verificationID, attemptID int64, detail string) error {
	if number != "" {
		masked := record.MaskNumber(number)
		detail = strings.ReplaceAll(detail, number, masked)
		if bare := strings.TrimPrefix(number, "+"); len(bare) > 4 {
			detail = strings.ReplaceAll(detail, bare, strings.TrimPrefix(masked, "+"))
		}
	}
	e := record.AuditEntry{
		At: s.clk.Now(), Operator: op.String(), Remote: op.Remote, Action: action,
		Number: record.MaskNumber(number), VerificationID: verificationID, AttemptID: attemptID, Detail: detail,
	}
	if err := s.st.AddAudit(ctx, &e); err != nil {
		s.log.Error("audit entry not written", "action", action, "operator", e.Operator, "err", err)
		return err
	}
	return nil
}

// auditPlaced records a call request and what came of the create.
func (s *Service) auditPlaced(ctx context.Context, op record.Operator, a record.Attempt, retry bool, createErr error) {
	var parts []string
	if retry {
		parts = append(parts, "retry")
	}
	switch {
	case createErr == nil:
		parts = append(parts, "call "+a.CallSID)
		s.observer().CallPlaced(a.Country)
	case a.State == record.StateUnknown:
		parts = append(parts, "outcome unknown: "+createErr.Error())
	default:
		parts = append(parts, "not placed: "+createErr.Error())
	}
	parts = append(parts, "from "+record.MaskCode(a.From, s.set.CodeDigits))
	s.audit(ctx, op, record.AuditCallPlaced, a.Number, a.VerificationID, a.ID, strings.Join(parts, "; "))
}

// auditIntakeRefused records a typed number that intake refused: the input masked with record.MaskNumber
// (never in full: it may be a real number with a typo) and quoted with record.Quote, and why.
func (s *Service) auditIntakeRefused(ctx context.Context, op record.Operator, ne *NumberError) {
	s.log.Info("number refused at intake", "operator", op.String(), "remote", op.Remote,
		"input", record.MaskNumber(ne.Input), "reason", ne.Reason)
	_ = s.audit(ctx, op, record.AuditIntakeRefused, "", 0, 0,
		"number refused at intake: "+record.Quote(record.MaskNumber(ne.Input))+": "+ne.Reason)
}

// RefuseNumber is for a console that refused a typed number itself, from its live feedback (ParseNumber,
// CheckDestination), without calling Place: it runs number intake and the destination policy on input again
// and records the refusal exactly as Place would (an intake refusal audited, a policy refusal recorded as a
// blocked attempt and audited), returning the *NumberError or *policy.Refusal. A number both accept gives nil
// and is not recorded. It never dials.
func (s *Service) RefuseNumber(ctx context.Context, op record.Operator, input string) error {
	num, err := s.ParseNumber(input)
	if err != nil {
		ne := &NumberError{Input: strings.TrimSpace(input), Reason: reasonOf(err)}
		s.auditIntakeRefused(ctx, op, ne)
		return ne
	}
	if ref := s.set.Policy.CheckNumber(num); ref != nil {
		return s.refuse(ctx, op, num, nil, ref)
	}
	return nil
}

// flashcallOperator is who the audit log names for what flashcall does by itself on behalf of a call or a
// configuration file; remote says through which door (e.g. "rcml", "ssh").
func flashcallOperator(remote string) record.Operator {
	return record.Operator{Name: "flashcall", Remote: remote}
}

// auditCodeSpoken records that the document of an answered call was fetched at its own address and its code
// served to be spoken: which attempt, verification and (masked) number, never the code or the token.
func (s *Service) auditCodeSpoken(ctx context.Context, a *record.Attempt) error {
	detail := "code served to be spoken to the customer who answered"
	if a.CallSID != "" {
		detail += " call " + a.CallSID
	}
	if a.Operator != "" {
		detail += " (placed by " + a.Operator + ")"
	}
	return s.audit(ctx, flashcallOperator("rcml"), record.AuditCodeSpoken, a.Number, a.VerificationID, a.ID, detail)
}

// AuditConfigReloaded records that part of the configuration was read again while running; what says which
// and what came of it, e.g. "ssh.authorized_keys /etc/flashcall/keys reread on SIGHUP: 3 keys". It must not
// hold a number or a secret. The entry names flashcall, through remote (e.g. "ssh"), as who acted.
func (s *Service) AuditConfigReloaded(ctx context.Context, remote, what string) error {
	return s.audit(ctx, flashcallOperator(remote), record.AuditConfigReloaded, "", 0, 0, what)
}

// Reveal returns the full number of an attempt, for the supervisor who asks for it on purpose, and records
// that in the audit log first: when the audit entry cannot be written, the number stays hidden.
// Only a supervisor may: anyone else gets a *RoleError (audited).
func (s *Service) Reveal(ctx context.Context, op record.Operator, attemptID int64) (string, error) {
	a, err := s.st.GetAttempt(ctx, attemptID)
	if err != nil {
		return "", err
	}
	if err := s.requireSupervisor(ctx, op, whatReveal, a.Number, a.VerificationID, a.ID); err != nil {
		return "", err
	}
	if a.Number == "" {
		return "", ErrAnonymised
	}
	if err := s.audit(ctx, op, record.AuditReveal, a.Number, a.VerificationID, a.ID, "number revealed"); err != nil {
		return "", fmt.Errorf("the reveal could not be written to the audit log, so the number stays hidden: %w", err)
	}
	return a.Number, nil
}

// AuditExport records an export by op; what says what was exported, e.g. "history csv, numbers masked" or
// "history csv --reveal". Call it before writing the export and do not export when it fails.
func (s *Service) AuditExport(ctx context.Context, op record.Operator, what string) error {
	return s.audit(ctx, op, record.AuditExport, "", 0, 0, what)
}

// AuditConfigLoaded records that op started flashcall with the configuration from source (a file path, or ""
// for the built-in defaults).
func (s *Service) AuditConfigLoaded(ctx context.Context, op record.Operator, source string) error {
	detail := "configuration loaded from " + source
	if source == "" {
		detail = "configuration: built-in defaults (no file)"
	}
	return s.audit(ctx, op, record.AuditConfigLoaded, "", 0, 0, detail)
}

// Audit returns audit entries, newest first, without asking who reads them: it is for trusted callers in the
// process (exports run by whoever holds the files, tests). The console reads the log through ReadAudit.
// Nothing in the log can be changed.
func (s *Service) Audit(ctx context.Context, q record.AuditQuery) ([]record.AuditEntry, error) {
	return s.st.Audit(ctx, q)
}

// ReadAudit returns audit entries, newest first, for op's audit view: only a supervisor may read the log;
// anyone else gets a *RoleError (audited).
func (s *Service) ReadAudit(ctx context.Context, op record.Operator, q record.AuditQuery) ([]record.AuditEntry, error) {
	if err := s.requireSupervisor(ctx, op, whatAudit, "", 0, 0); err != nil {
		return nil, err
	}
	return s.st.Audit(ctx, q)
}

// AuditSession records a console session's start or end, or a connection refused at the door: action is
// record.AuditLogin, record.AuditLogout, record.AuditKeyRevoked or record.AuditKeyRefused, and detail says how, from where and why (it must not hold a number). Any other
// action is refused, so that this cannot be used to write entries the service itself vouches for.
func (s *Service) AuditSession(ctx context.Context, op record.Operator, action record.Action, detail string) error {
	switch action {
	case record.AuditLogin, record.AuditLogout, record.AuditKeyRevoked, record.AuditKeyRefused:
	default:
		return fmt.Errorf("AuditSession: %q is not a session action", action)
	}
	return s.audit(ctx, op, action, "", 0, 0, detail)
}
