package verify

import "github.com/flashcall/flashcall/internal/record"

// Observer is told what the service does, for counters such as the Prometheus metrics. Its methods are
// called from the service's own goroutines and must not block; none is given a phone number or a caller ID.
type Observer interface {
	// CallPlaced: a create reached Restcomm for a number of country (ISO region).
	CallPlaced(country string)
	// CallEnded: a placed call ended with outcome.
	CallEnded(country string, outcome record.Outcome)
	// CodeChecked: a read-back was checked; ok says whether it matched.
	CodeChecked(ok bool)
	// Refused: the policy refused a call under rule (e.g. "limit_per_prefix").
	Refused(rule string)
}

// observer is the settings' Observer, or one that observes nothing.
func (s *Service) observer() Observer {
	if s.set.Observer == nil {
		return nopObserver{}
	}
	return s.set.Observer
}

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) CallPlaced(string)                {}
func (nopObserver) CallEnded(string, record.Outcome) {}
func (nopObserver) CodeChecked(bool)                 {}
func (nopObserver) Refused(string)                   {}
