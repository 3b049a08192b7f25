package record

import "testing"

func TestBilledMinutes(t *testing.T) {
	for _, tt := range []struct {
		a      Attempt
		priced bool
		want   int
	}{
		{Attempt{State: StatePlacing}, true, 1},
		{Attempt{State: StateLive, Duration: 300}, true, 1},
		{Attempt{State: StateUnknown, Outcome: OutcomeUnknown}, true, 1},
		{Attempt{State: StateEnded, Outcome: OutcomeDelivered, Duration: 12}, true, 0},
		{Attempt{State: StateEnded, Outcome: OutcomeBusy}, true, 0},
		{Attempt{State: StateEnded, Outcome: OutcomeAnswered}, true, 1},
		{Attempt{State: StateEnded, Outcome: OutcomeAnswered, Duration: 60}, true, 1},
		{Attempt{State: StateEnded, Outcome: OutcomeAnswered, Duration: 61}, true, 2},
		{Attempt{State: StateEnded, Outcome: OutcomeAnswered, Duration: 600}, true, 10},
		{Attempt{State: StateBlocked}, false, 0},
		{Attempt{State: StateNotPlaced}, false, 0},
	} {
		if got := tt.a.BilledMinutes(); got != tt.want || tt.a.Priced() != tt.priced {
			t.Errorf("%+v: %d minutes, priced %v; want %d, %v", tt.a, got, tt.a.Priced(), tt.want, tt.priced)
		}
	}
}
