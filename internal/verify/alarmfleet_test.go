package verify

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/record"
)

// TestAlarmAnnouncedOnceAcrossInstances: eight instances on one history judge the same figures at once.
// Each alarm is announced once (one audit entry, one webhook event, one pause) and shown by all of them;
// its clear likewise. An alarm left raised by an instance that has gone is cleared, once, by the next one
// that finds it no longer holds, so that it can be announced again when it comes back.
func TestAlarmAnnouncedOnceAcrossInstances(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	seedAnswered(t, r, 25, r.clk.Now())
	set := alarms.Settings{Window: time.Hour, Baseline: 24 * time.Hour, MinCalls: 20, AnsweredRate: 0.2}
	sent := &notified{}
	svcs := []*Service{r.svc}
	for range 7 {
		svcs = append(svcs, r.secondProcess(nil))
	}
	watches := make([]*AlarmWatch, len(svcs))
	for i, s := range svcs {
		watches[i] = s.WatchAlarms(set, time.Hour, sent, true)
	}
	judgeAll := func() {
		var start, done sync.WaitGroup
		start.Add(1)
		for _, w := range watches {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				w.Evaluate(ctx)
			}()
		}
		start.Done()
		done.Wait()
	}
	judgeAll()
	if n := len(r.auditOf(record.AuditAlarmRaised)); n != 2 {
		t.Fatalf("%d alarm-raised entries from eight instances, want 2 (the service's and GB's answered rate once each)", n)
	}
	for i, w := range watches {
		if n := len(w.Active()); n != 2 {
			t.Errorf("instance %d shows %d alarms, want 2", i, n)
		}
	}
	judgeAll() // nothing new
	r.clk.Advance(2 * time.Hour)
	judgeAll()
	if n := len(r.auditOf(record.AuditAlarmCleared)); n != 2 {
		t.Fatalf("%d alarm-cleared entries from eight instances, want 2", n)
	}
	want := []string{"cleared answered-rate all all", "cleared answered-rate country GB", "raised answered-rate all all",
		"raised answered-rate country GB"}
	if got := sortedEvents(sent); !slices.Equal(got, want) {
		t.Fatalf("notified %q, want each once: %q", got, want)
	}

	// An instance raised an alarm and went away; the figures no longer hold it.
	st := r.st
	if won, err := st.RaiseAlarm(ctx, "answered-rate all all", "gone", r.clk.Now()); err != nil || !won {
		t.Fatalf("RaiseAlarm = %v, %v", won, err)
	}
	fresh := r.secondProcess(nil).WatchAlarms(set, time.Hour, sent, true)
	fresh.Evaluate(ctx)
	fresh.Evaluate(ctx)
	if n := len(r.auditOf(record.AuditAlarmCleared)); n != 3 {
		t.Fatalf("%d alarm-cleared entries after the gone instance's alarm, want 3", n)
	}
	if ids, err := st.RaisedAlarms(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("raised alarms left: %q, %v", ids, err)
	}
	seedAnswered(t, r, 25, r.clk.Now()) // it comes back: announced again
	fresh.Evaluate(ctx)
	if n := len(r.auditOf(record.AuditAlarmRaised)); n != 4 {
		t.Fatalf("%d alarm-raised entries after the alarms came back, want 4", n)
	}
}

// sortedEvents returns what a notifier was told, sorted.
func sortedEvents(n *notified) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := slices.Clone(n.events)
	slices.SortFunc(out, strings.Compare)
	return out
}
