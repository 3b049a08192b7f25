package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Overrides. A supervisor lifts one rule (policy.LiftableRules: a cooldown, a lock, a limit or an alarm's
// pause) for one number with a reason. The override holds for OverrideValidity and for one call: the next
// placement to that number that the rule would refuse uses it inside the transaction that writes the
// attempt (store.LimitQuerier.UseOverride), so two placements, on any instance, never both use one. Giving
// and using are audited (override-given, override-used) and the verification view's timeline shows both.
// The destination rules (countries, high-risk, line types, blocked prefixes) are configuration: never lifted.

// OverrideValidity is how long an override waits to be used: long enough to call the customer back, short
// enough that a forgotten one does not open the number later.
const OverrideValidity = 30 * time.Minute

// MaxOverrideReason bounds an override's reason, in characters.
const MaxOverrideReason = 200

// OverrideStore is the overrides' part of a history engine (both have it).
type OverrideStore interface {
	// AddOverride records an override, or returns the pending one of its number and rule and
	// store.ErrOverridePending.
	AddOverride(ctx context.Context, o *record.Override) error
	// PendingOverride returns the oldest override of rule for number still usable at t, or nil.
	PendingOverride(ctx context.Context, number, rule string, t time.Time) (*record.Override, error)
	// OverridesOf returns the overrides given on a verification or used by its attempts, oldest first.
	OverridesOf(ctx context.Context, verificationID int64) ([]record.Override, error)
}

// OverrideError is an override that cannot be given as asked: it says why and what is accepted.
type OverrideError struct {
	// Reason says what is wrong and what to do.
	Reason string
}

// Error returns the reason.
func (e *OverrideError) Error() string { return "override not given: " + e.Reason }

// ErrOverridePending refuses a second override of a rule for a number while the first waits to be used.
var ErrOverridePending = store.ErrOverridePending

// overrides returns the store's override methods, nil when it has none.
func (s *Service) overrides() OverrideStore {
	o, _ := s.st.(OverrideStore)
	return o
}

// whatOverride names the supervisor-only action for a refusal.
const whatOverride = "lifting a rule for one number (override)"

// Override lifts rule for the next call to number, for OverrideValidity, with reason (required; control
// characters removed, white space folded, at most MaxOverrideReason characters). Only a supervisor may
// (anyone else gets a *RoleError, audited); a bad number is a *NumberError, a rule that may not be lifted or
// a missing reason an *OverrideError. A rule already lifted and not used yet returns that override and
// ErrOverridePending. The override is audited with the number masked and the reason quoted.
func (s *Service) Override(ctx context.Context, op record.Operator, number, rule, reason string) (*record.Override, error) {
	num, nerr := s.ParseNumber(number)
	if err := s.requireSupervisor(ctx, op, whatOverride, num.E164, 0, 0); err != nil {
		return nil, err
	}
	if nerr != nil {
		return nil, &NumberError{Input: strings.TrimSpace(number), Reason: reasonOf(nerr)}
	}
	if !policy.Liftable(rule) {
		return nil, &OverrideError{Reason: fmt.Sprintf("%s is not a rule an override lifts: use one of %s (the destination "+
			"rules are configuration)", record.Quote(rule), strings.Join(policy.LiftableRules, ", "))}
	}
	why, err := overrideReason(reason)
	if err != nil {
		return nil, err
	}
	ov := s.overrides()
	if ov == nil {
		return nil, errors.New("this history keeps no overrides")
	}
	now := s.clk.Now()
	o := record.Override{Number: num.E164, Rule: rule, Reason: why, By: op.String(), CreatedAt: now,
		ExpiresAt: now.Add(OverrideValidity)}
	if err := ov.AddOverride(ctx, &o); err != nil {
		if errors.Is(err, store.ErrOverridePending) {
			return &o, err
		}
		return nil, fmt.Errorf("%w: %v", ErrHistory, err)
	}
	s.audit(ctx, op, record.AuditOverridden, num.E164, o.VerificationID, 0, fmt.Sprintf("policy.%s lifted for one call "+
		"within %s (override %d): %s", rule, policy.FormatWindow(OverrideValidity), o.ID, quoteReason(why)))
	s.log.Info("override given", "rule", rule, "number", record.MaskNumber(num.E164), "operator", op.String(), "override", o.ID)
	s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("%s lifted policy.%s for the next call to %s", op.Who(), rule,
		record.MaskNumber(num.E164))})
	return &o, nil
}

// overrideReason cleans a supervisor's reason: control and format characters dropped, white space folded;
// empty or too long is an *OverrideError.
func overrideReason(reason string) (string, error) {
	cleaned := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			return -1
		}
		return r
	}, reason)
	cleaned = strings.Join(strings.Fields(cleaned), " ")
	switch n := utf8.RuneCountInString(cleaned); {
	case n == 0:
		return "", &OverrideError{Reason: "a reason is required: say why this number may be called despite the rule"}
	case n > MaxOverrideReason:
		return "", &OverrideError{Reason: fmt.Sprintf("the reason has %d characters: keep it to %d", n, MaxOverrideReason)}
	}
	return cleaned, nil
}

// quoteReason quotes a cleaned reason whole (record.Quote would cut it to 40 characters): the audit log keeps
// what the supervisor wrote.
func quoteReason(reason string) string { return strconv.QuoteToGraphic(reason) }

// liftLog collects the rules overrides lifted during one placement; the placement audits them once its
// write has committed.
type liftLog struct{ rules []string }

// liftLogKey finds a placement's liftLog in its context.
type liftLogKey struct{}

// withLiftLog returns ctx carrying a fresh liftLog for a placement.
func withLiftLog(ctx context.Context) (context.Context, *liftLog) {
	l := &liftLog{}
	return context.WithValue(ctx, liftLogKey{}, l), l
}

// lifter is the policy.Lifter of one placement's transaction: an override of the number for the rule is
// used through q, and noted in the context's liftLog.
func lifter(q store.LimitQuerier, number string, now time.Time) policy.Lifter {
	return func(ctx context.Context, rule string) (bool, error) {
		if !policy.Liftable(rule) {
			return false, nil
		}
		ok, err := q.UseOverride(ctx, number, rule, now)
		if ok {
			if l, _ := ctx.Value(liftLogKey{}).(*liftLog); l != nil {
				l.rules = append(l.rules, rule)
			}
		}
		return ok, err
	}
}

// pauseInTx applies the pauses inside the placement's transaction: a pause in force refuses the call unless
// an override of the pause is used for it. It reads the pauses again, through the transaction, so that a
// pause raised since intake holds too.
func pauseInTx(ctx context.Context, q store.LimitQuerier, num policy.Number, lift policy.Lifter) error {
	ps, err := q.ActivePauses(ctx)
	if err != nil {
		return err
	}
	ref := pauseIn(ps, num)
	if ref == nil {
		return nil
	}
	switch ok, err := lift(ctx, policy.RulePaused); {
	case err != nil:
		return err
	case ok:
		return nil
	}
	return ref
}

// overridesUsed audits the overrides a placement used, once its attempt is written.
func (s *Service) overridesUsed(ctx context.Context, op record.Operator, a record.Attempt, l *liftLog) {
	for _, rule := range l.rules {
		s.log.Info("override used", "rule", rule, "attempt", a.ID, "operator", op.String())
		s.audit(ctx, op, record.AuditOverrideUsed, a.Number, a.VerificationID, a.ID,
			fmt.Sprintf("policy.%s lifted for this call by a supervisor's override", rule))
	}
}

// pendingOverride reports whether number has an override of rule waiting; a history without overrides has
// none.
func (s *Service) pendingOverride(ctx context.Context, number, rule string) (bool, error) {
	ov := s.overrides()
	if ov == nil {
		return false, nil
	}
	o, err := ov.PendingOverride(ctx, number, rule, s.clk.Now())
	return o != nil, err
}

// overridesOf returns the overrides of a verification for its view (none when the history keeps none).
func (s *Service) overridesOf(ctx context.Context, verificationID int64) ([]record.Override, error) {
	ov := s.overrides()
	if ov == nil {
		return nil, nil
	}
	return ov.OverridesOf(ctx, verificationID)
}
