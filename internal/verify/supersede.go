package verify

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// Supersede starts a fresh verification of the typed number on purpose, marking the open one (if any)
// superseded, and places its first call. Place on a number with an open verification retries that one
// instead; Supersede is the explicit, audited alternative. The policy and the limits apply as for Place (the
// superseded verification's calls still count); when they refuse, the open verification stays as it was.
// A verification whose call is still live is not superseded: ErrLiveCall (hang up first). With no open
// verification, Supersede is Place.
//
// Only a supervisor may supersede: anyone else gets a *RoleError (audited), before the number is looked at.
func (s *Service) Supersede(ctx context.Context, op record.Operator, input string) (Result, error) {
	if err := s.requireSupervisor(ctx, op, whatSupersede, "", 0, 0); err != nil {
		return Result{}, err
	}
	num, old, release, err := s.intake(ctx, op, input)
	if err != nil {
		return Result{}, err
	}
	defer release()
	var sup *record.Verification
	if old != nil {
		o := *old
		o.Status = record.StatusSuperseded
		o.Reason = "superseded by a new verification started by " + op.String()
		o.UpdatedAt = s.clk.Now()
		sup = &o
	}
	return s.dial(ctx, op, s.newVerification(op, num), num, false, sup)
}

// superseded finishes a supersede once the new verification is stored: the old one's timer stops, the
// screens hear of it, and the audit log records it.
func (s *Service) superseded(ctx context.Context, op record.Operator, old, fresh record.Verification) {
	s.stopExpiry(old.ID)
	s.log.Info("verification superseded", "verification", old.ID, "by", fresh.ID, "operator", op.String())
	s.audit(ctx, op, record.AuditSupersede, old.Number, old.ID, 0,
		fmt.Sprintf("verification %d superseded by verification %d", old.ID, fresh.ID))
	s.publish(Event{Kind: EventVerification, Verification: old})
}
