package record

import "testing"

func TestStatusQuestions(t *testing.T) {
	for _, c := range []struct {
		s                    Status
		valid, final, secret bool
	}{
		{StatusCalling, true, false, true},
		{StatusAwaitingCode, true, false, true},
		{StatusNotDelivered, true, false, true},
		{StatusVerified, true, true, false},
		{StatusFailed, true, true, true},
		{StatusExpired, true, true, true},
		{StatusCanceled, true, true, true},
		{StatusSuperseded, true, true, true},
		{StatusBlocked, true, true, true},
		{"bogus", false, false, true},
		{"", false, false, true},
	} {
		if c.s.Valid() != c.valid || c.s.Final() != c.final || c.s.CodeSecret() != c.secret {
			t.Errorf("%q: Valid %v Final %v CodeSecret %v, want %v %v %v", c.s, c.s.Valid(), c.s.Final(),
				c.s.CodeSecret(), c.valid, c.final, c.secret)
		}
	}
}

func TestStateQuestions(t *testing.T) {
	for _, c := range []struct {
		s                        State
		valid, final, unfinished bool
	}{
		{StatePlacing, true, false, true},
		{StateLive, true, false, true},
		{StateUnknown, true, false, true},
		{StateEnded, true, true, false},
		{StateNotPlaced, true, true, false},
		{StateBlocked, true, true, false},
		{"bogus", false, false, false},
	} {
		if c.s.Valid() != c.valid || c.s.Final() != c.final || c.s.Unfinished() != c.unfinished {
			t.Errorf("%q: Valid %v Final %v Unfinished %v, want %v %v %v", c.s, c.s.Valid(), c.s.Final(),
				c.s.Unfinished(), c.valid, c.final, c.unfinished)
		}
	}
}

func TestOutcomeQuestions(t *testing.T) {
	for _, c := range []struct {
		o                    Outcome
		delivered, unreached bool
	}{
		{OutcomeDelivered, true, false},
		{OutcomeAnswered, true, false},
		{OutcomeBusy, false, true},
		{OutcomeFailed, false, true},
		{OutcomeNotFound, false, true},
		{OutcomeNotDelivered, false, true},
		{OutcomeUnknown, false, false},
		{"", false, false},
	} {
		if c.o.Delivered() != c.delivered || c.o.Unreached() != c.unreached {
			t.Errorf("%q: Delivered %v Unreached %v, want %v %v", c.o, c.o.Delivered(), c.o.Unreached(), c.delivered, c.unreached)
		}
	}
}
