package verify

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// whatCopy names a number copy for a refusal's audit entry.
const whatCopy = "copying a customer's number"

// CopyNumber returns the full number of an attempt for a supervisor who copies it to the clipboard, and
// records the copy in the audit log first (as a reveal, with detail saying it was copied): when the entry
// cannot be written, nothing is copied. Anyone else gets a *RoleError (audited).
func (s *Service) CopyNumber(ctx context.Context, op record.Operator, attemptID int64) (string, error) {
	a, err := s.st.GetAttempt(ctx, attemptID)
	if err != nil {
		return "", err
	}
	if err := s.requireSupervisor(ctx, op, whatCopy, a.Number, a.VerificationID, a.ID); err != nil {
		return "", err
	}
	if a.Number == "" {
		return "", ErrAnonymised
	}
	if err := s.audit(ctx, op, record.AuditReveal, a.Number, a.VerificationID, a.ID, "number copied to the clipboard"); err != nil {
		return "", fmt.Errorf("the copy could not be written to the audit log, so nothing was copied: %w", err)
	}
	return a.Number, nil
}
