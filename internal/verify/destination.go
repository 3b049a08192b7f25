package verify

import "github.com/flashcall/flashcall/internal/policy"

// CheckDestination applies the destination rules of the service's policy (countries, line types, prefixes)
// to a parsed number without I/O and returns the refusal Place would give, or nil. The console uses it to say
// ✗ before enter; Place still applies the same rules (and the limits) itself.
func (s *Service) CheckDestination(n policy.Number) *policy.Refusal {
	return s.set.Policy.CheckNumber(n)
}

// DefaultRegion is the region numbers typed without a country code are read in; "" when there is none and
// every number must start with + and its country code.
func (s *Service) DefaultRegion() string { return s.set.DefaultRegion }
