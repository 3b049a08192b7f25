package verify

import (
	"context"
	"sort"

	"github.com/flashcall/flashcall/internal/record"
)

// VerificationView is one verification as the console's verification view shows it: the verification, every
// attempt, every read-back (who, when, right or wrong: the digits are never stored) and the transitions of
// all its attempts.
type VerificationView struct {
	// Verification is the verification as stored.
	Verification record.Verification
	// Attempts are its calls, oldest first.
	Attempts []record.Attempt
	// Checks are its read-backs, oldest first.
	Checks []record.Check
	// Transitions are the state changes of all its attempts, oldest first.
	Transitions []record.Transition
	// Overrides are the supervisors' overrides given on it or used by its attempts, oldest first.
	Overrides []record.Override
}

// Inspect returns a verification with its attempts, read-backs and transitions, for the verification view.
// It only reads.
func (s *Service) Inspect(ctx context.Context, verificationID int64) (VerificationView, error) {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return VerificationView{}, err
	}
	out := VerificationView{Verification: *v}
	if out.Attempts, err = s.st.AttemptsFor(ctx, verificationID); err != nil {
		return VerificationView{}, err
	}
	if out.Checks, err = s.st.Checks(ctx, verificationID); err != nil {
		return VerificationView{}, err
	}
	for _, a := range out.Attempts {
		ts, err := s.st.Transitions(ctx, a.ID)
		if err != nil {
			return VerificationView{}, err
		}
		out.Transitions = append(out.Transitions, ts...)
	}
	sort.SliceStable(out.Transitions, func(i, j int) bool { return out.Transitions[i].At.Before(out.Transitions[j].At) })
	if out.Overrides, err = s.overridesOf(ctx, verificationID); err != nil {
		return VerificationView{}, err
	}
	return out, nil
}

// Checks returns a verification's read-backs, oldest first: who entered each, when, and whether it matched.
func (s *Service) Checks(ctx context.Context, verificationID int64) ([]record.Check, error) {
	return s.st.Checks(ctx, verificationID)
}
