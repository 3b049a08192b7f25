package verify

import (
	"context"
	"errors"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/stats"
)

// ErrNoFigures is returned by Figures when the history engine cannot count figures.
var ErrNoFigures = errors.New("this history cannot count figures")

// Figures counts the supervisor's figures of [since, until) with the breakdowns in by, hours and days in loc:
// the dashboard's data, from the same code as `flashcall report`. Every operator may read them: they hold no
// number, and caller IDs show their range only.
func (s *Service) Figures(ctx context.Context, since, until time.Time, by []stats.Dimension, loc *time.Location) (stats.Figures, error) {
	src, ok := s.st.(stats.Source)
	if !ok {
		return stats.Figures{}, ErrNoFigures
	}
	return stats.Compute(ctx, src, since, until, stats.Options{By: by, CodeDigits: s.set.CodeDigits, Location: loc})
}

// Cost is the pricing of the daily cost cap ([policy] price_per_call, price_per_answered_minute, currency,
// daily_cost_cap): the dashboard prices today's figures with it (Cost().Spend(f.Billed.Calls,
// f.Billed.Minutes)) to show what the cap sees.
func (s *Service) Cost() policy.Cost { return s.set.Policy.Rules().Cost }
