package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// Pauses is the pauses' part of an engine: what the alarms and the supervisor's resume use.
type Pauses = verify.PauseStore

// pauses returns s's pause methods, or fails the test.
func pauses(t *testing.T, s verify.Store) Pauses {
	t.Helper()
	return capability[Pauses](t, s, "pause methods (storetest.Pauses), for the alarms")
}

// testPauses: an alarm raised at once by many instances pauses its scope once; a resume ends it once, by
// whom, and the scope can be paused again.
func testPauses(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	errs := together(Goroutines, func(i int) error {
		p := record.Pause{Scope: record.PausePrefix, Key: "+3712000", Alarm: "conversion-drop prefix +3712000",
			Reason: "conversion fell", CreatedAt: at(time.Duration(i) * time.Second)}
		return pauses(t, insts[i%len(insts)]).AddPause(ctx, &p)
	})
	added := 0
	for _, err := range errs {
		switch {
		case err == nil:
			added++
		case !errors.Is(err, store.ErrPaused):
			t.Fatal(err)
		}
	}
	if added != 1 {
		t.Fatalf("%d pauses added by %d instances raising one alarm, want 1", added, Goroutines)
	}
	ps := pauses(t, s)
	active, err := ps.ActivePauses(ctx)
	if err != nil || len(active) != 1 || !active[0].Active() || active[0].Key != "+3712000" || active[0].Scope != record.PausePrefix {
		t.Fatalf("ActivePauses = %+v, %v", active, err)
	}
	country := record.Pause{Scope: record.PauseCountry, Key: "LV", CreatedAt: at(time.Second)}
	if err := ps.AddPause(ctx, &country); err != nil {
		t.Fatal(err)
	}
	resumed, err := ps.ResumePause(ctx, active[0].ID, "dave", at(5*time.Minute))
	if err != nil || resumed.ResumedBy != "dave" || !resumed.ResumedAt.Equal(at(5*time.Minute)) || resumed.Active() {
		t.Fatalf("ResumePause = %+v, %v", resumed, err)
	}
	if _, err := ps.ResumePause(ctx, active[0].ID, "erin", at(6*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a second resume: %v, want ErrNotFound", err)
	}
	if last, err := ps.LastResumed(ctx, record.PausePrefix, "+3712000"); err != nil || last == nil || last.ID != active[0].ID {
		t.Fatalf("LastResumed = %+v, %v, want pause %d", last, err, active[0].ID)
	}
	if last, err := ps.LastResumed(ctx, record.PauseCountry, "LV"); err != nil || last != nil {
		t.Fatalf("LastResumed of a pause in force = %+v, %v, want none", last, err)
	}
	again := record.Pause{Scope: record.PausePrefix, Key: "+3712000", CreatedAt: at(7 * time.Minute)}
	if err := ps.AddPause(ctx, &again); err != nil {
		t.Fatalf("pausing a resumed scope again: %v", err)
	}
	active, _ = ps.ActivePauses(ctx)
	if len(active) != 2 || active[0].Key != "LV" || active[1].ID != again.ID {
		t.Fatalf("in force after the resume and the new pause: %+v", active)
	}
}
