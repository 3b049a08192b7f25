package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/store"
)

// Pauses. A conversion alarm (alarms.ConversionDrop) with [alarms] pause on stops new calls to its country or
// number range: the pause is stored in the history, so every instance on it refuses them, until a supervisor
// resumes it (audited both ways). Place and Supersede read the pauses in force before anything is written,
// and every placement (retries too) reads them again inside the transaction that writes its attempt
// (pauseInTx, override.go), where a supervisor's override of the pause is used.

// PauseStore is the pauses' part of a history engine (both have it).
type PauseStore interface {
	// AddPause records a pause, or returns the one in force for its scope and key and store.ErrPaused.
	AddPause(ctx context.Context, p *record.Pause) error
	// ActivePauses returns the pauses in force, oldest first.
	ActivePauses(ctx context.Context) ([]record.Pause, error)
	// ResumePause ends a pause in force, by whom and when (store.ErrNotFound for none).
	ResumePause(ctx context.Context, id int64, by string, at time.Time) (*record.Pause, error)
	// LastResumed returns the newest resumed pause of a scope and key, nil when there is none.
	LastResumed(ctx context.Context, scope record.PauseScope, key string) (*record.Pause, error)
}

// pauses returns the store's pause methods, nil when it has none.
func (s *Service) pauses() PauseStore {
	p, _ := s.st.(PauseStore)
	return p
}

// Pauses returns the pauses in force (none when the history keeps none).
func (s *Service) Pauses(ctx context.Context) ([]record.Pause, error) {
	p := s.pauses()
	if p == nil {
		return nil, nil
	}
	return p.ActivePauses(ctx)
}

// pausedRefusal is the refusal for a number whose country or range is paused, or nil; an error when the
// pauses cannot be read (then nothing is placed either: a pause is never bypassed by a fault). A number with
// a supervisor's override of the pause waiting passes here: the placement's transaction uses the override
// (pauseInTx), or refuses if another placement used it first.
func (s *Service) pausedRefusal(ctx context.Context, num policy.Number) (*policy.Refusal, error) {
	ref, err := s.pauseOf(ctx, num)
	if err != nil || ref == nil {
		return ref, err
	}
	switch lifted, err := s.pendingOverride(ctx, num.E164, policy.RulePaused); {
	case err != nil:
		return nil, err
	case lifted:
		return nil, nil
	}
	return ref, nil
}

// pauseOf is the refusal of the pause in force for num's country or range, or nil.
func (s *Service) pauseOf(ctx context.Context, num policy.Number) (*policy.Refusal, error) {
	ps, err := s.Pauses(ctx)
	if err != nil {
		return nil, err
	}
	return pauseIn(ps, num), nil
}

// pauseIn is the refusal of the pause among ps for num's country or range, or nil.
func pauseIn(ps []record.Pause, num policy.Number) *policy.Refusal {
	prefix := ""
	if n := len(num.E164); n > stats.PrefixHidden {
		prefix = num.E164[:n-stats.PrefixHidden]
	}
	for _, p := range ps {
		if (p.Scope == record.PauseCountry && p.Key == num.Region) || (p.Scope == record.PausePrefix && p.Key == prefix) {
			return &policy.Refusal{Rule: policy.RulePaused, Reason: fmt.Sprintf("calls to %s %s are paused since %s "+
				"by the alarm %s (pause %d), until a supervisor resumes them (flashcall alarms resume %d)",
				p.Scope, p.Key, p.CreatedAt.Format("2006-01-02 15:04 MST"), p.Alarm, p.ID, p.ID)}
		}
	}
	return nil
}

// pauseFor pauses the scope of a conversion alarm, audited; a scope paused already stays as it is. A scope a
// supervisor resumed less than one window ago is not paused again: the figures the alarm judges are those
// the supervisor saw when resuming (another instance, or a restart, raising the same alarm anew must not undo
// the resume). Once a whole window has passed since, a drop that still holds pauses it again.
func (s *Service) pauseFor(ctx context.Context, a alarms.Alarm, window time.Duration) {
	ps := s.pauses()
	if ps == nil || a.Kind != alarms.ConversionDrop {
		return
	}
	scope := record.PauseCountry
	if a.By == stats.ByPrefix {
		scope = record.PausePrefix
	}
	now := s.clk.Now()
	switch last, err := ps.LastResumed(ctx, scope, a.Key); {
	case err != nil:
		// Pausing is the safe side: a resume that cannot be read does not stop the pause.
		s.log.Error("resumed pauses not read; pausing", "alarm", a.ID(), "err", err)
	case last != nil && now.Sub(last.ResumedAt) < window:
		s.log.Info("alarm holds, but a supervisor resumed its scope within the window: not paused again",
			"alarm", a.ID(), "pause", last.ID, "resumed_by", last.ResumedBy)
		s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("calls to %s %s stay resumed: %s resumed them at %s "+
			"(pause %d)", scope, a.Key, last.ResumedBy, last.ResumedAt.Format("15:04 MST"), last.ID)})
		return
	}
	p := record.Pause{Scope: scope, Key: a.Key, Alarm: a.ID(), Reason: a.Detail, CreatedAt: now}
	switch err := ps.AddPause(ctx, &p); {
	case errors.Is(err, store.ErrPaused):
		return
	case err != nil:
		s.log.Error("calls not paused after an alarm: the history refused the pause", "alarm", a.ID(), "err", err)
		return
	}
	s.log.Warn("calls paused after an alarm", "scope", scope, "key", a.Key, "pause", p.ID)
	s.audit(ctx, flashcallOperator("alarms"), record.AuditPaused, "", 0, 0,
		fmt.Sprintf("calls to %s %s paused (pause %d) until a supervisor resumes them: %s", scope, a.Key, p.ID, a.Detail))
	s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("calls to %s %s are paused after an alarm (pause %d)", scope, a.Key, p.ID), Err: true})
}

// ResumePause lets calls to a paused country or range through again. Only a supervisor may (anyone else gets
// a *RoleError, audited); the resume is audited with who did it.
func (s *Service) ResumePause(ctx context.Context, op record.Operator, id int64) (*record.Pause, error) {
	if err := s.requireSupervisor(ctx, op, "resuming calls an alarm paused", "", 0, 0); err != nil {
		return nil, err
	}
	ps := s.pauses()
	if ps == nil {
		return nil, errors.New("this history keeps no pauses")
	}
	p, err := ps.ResumePause(ctx, id, op.String(), s.clk.Now())
	if err != nil {
		return nil, err
	}
	s.audit(ctx, op, record.AuditResumed, "", 0, 0, fmt.Sprintf("calls to %s %s resumed (pause %d, %s)", p.Scope, p.Key,
		p.ID, strings.TrimSpace(p.Alarm)))
	s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("calls to %s %s resumed by %s", p.Scope, p.Key, op.Who())})
	return p, nil
}
