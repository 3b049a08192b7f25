package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/verify"
)

// alarmStates returns s's alarm-state methods, or fails the test.
func alarmStates(t *testing.T, s verify.Store) verify.AlarmStates {
	t.Helper()
	return capability[verify.AlarmStates](t, s, "alarm states (verify.AlarmStates), announced once per fleet")
}

// testAlarmStates: many instances raising one alarm at once record it once, exactly one of them told so;
// likewise its clear; a cleared alarm can be raised again.
func testAlarmStates(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const id = "answered-rate country GB"
	sts := make([]verify.AlarmStates, len(insts))
	for i, in := range insts {
		sts[i] = alarmStates(t, in)
	}
	won := func(raise bool, at time.Time) int {
		t.Helper()
		n := 0
		wins := make([]bool, Goroutines)
		errs := together(Goroutines, func(i int) error {
			var err error
			st := sts[i%len(sts)]
			if raise {
				wins[i], err = st.RaiseAlarm(ctx, id, "instance", at)
			} else {
				wins[i], err = st.ClearAlarm(ctx, id, at)
			}
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
			if wins[i] {
				n++
			}
		}
		return n
	}
	if n := won(true, at(0)); n != 1 {
		t.Fatalf("%d of %d raisers were told they raised the alarm, want 1", n, Goroutines)
	}
	st := alarmStates(t, s)
	if ids, err := st.RaisedAlarms(ctx); err != nil || !slices.Equal(ids, []string{id}) {
		t.Fatalf("RaisedAlarms = %q, %v", ids, err)
	}
	if n := won(false, at(time.Minute)); n != 1 {
		t.Fatalf("%d of %d clearers were told they cleared it, want 1", n, Goroutines)
	}
	if ids, err := st.RaisedAlarms(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("RaisedAlarms after the clear = %q, %v", ids, err)
	}
	if n := won(true, at(2*time.Minute)); n != 1 {
		t.Fatalf("raising it again: %d told, want 1", n)
	}
}
