package verify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/record"
)

// TestAlarmRaisedOnceThenCleared: calls answered far above a flash call's rate raise the answered-rate
// alarm once (audited, told to every screen), evaluating again raises nothing new, and once the window has
// moved past them the alarm is cleared, audited too.
func TestAlarmRaisedOnceThenCleared(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	events, stop := r.svc.Subscribe()
	defer stop()
	seedAnswered(t, r, 25, r.clk.Now())
	set := alarms.Settings{Window: time.Hour, Baseline: 24 * time.Hour, MinCalls: 20, AnsweredRate: 0.2}
	sent := &notified{}
	w := r.svc.WatchAlarms(set, time.Hour, sent, true) // evaluated here by hand: the clock is the test's
	w.Evaluate(ctx)
	w.Evaluate(ctx)
	raised := r.auditOf(record.AuditAlarmRaised)
	if len(raised) != 2 {
		t.Fatalf("%d alarms raised, want the whole service's and GB's answered rate once each: %+v", len(raised), raised)
	}
	for _, e := range raised {
		if e.Operator != "flashcall" || !strings.Contains(e.Detail, "100.0% of 25 calls answered") {
			t.Errorf("entry %+v", e)
		}
	}
	if got := len(w.Active()); got != 2 {
		t.Fatalf("%d alarms active, want 2", got)
	}
	notices := 0
	for len(events) > 0 {
		if ev := <-events; ev.Kind == EventNotice && strings.HasPrefix(ev.Notice, "ALARM: ") && ev.Err {
			notices++
		}
	}
	if notices != 2 {
		t.Errorf("%d alarm notices published, want 2", notices)
	}

	r.clk.Advance(time.Hour) // the calls leave the window (the timer's own evaluation runs here too)
	w.Evaluate(ctx)
	if n := len(r.auditOf(record.AuditAlarmCleared)); n != 2 || len(w.Active()) != 0 {
		t.Fatalf("%d alarms cleared, %d still active; want both cleared", n, len(w.Active()))
	}
	if n := len(r.auditOf(record.AuditAlarmRaised)); n != 2 {
		t.Errorf("%d alarm-raised entries after clearing, want still 2", n)
	}
	if got := strings.Join(sent.events, ","); got != "raised answered-rate all all,raised answered-rate country GB,"+
		"cleared answered-rate all all,cleared answered-rate country GB" {
		t.Errorf("notified %s", got)
	}
}

// seedAnswered writes n calls answered at once (a toll-fraud range's pattern) in the half hour before now.
func seedAnswered(t *testing.T, r *rig, n int, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		at := now.Add(-time.Duration(30-i) * time.Minute)
		v := record.Verification{Number: fmt.Sprintf("+4474001%05d", i), Country: "GB", CreatedAt: at, UpdatedAt: at,
			ExpiresAt: at.Add(5 * time.Minute), Status: record.StatusExpired, MaxChecks: 3}
		if err := r.st.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		a := record.Attempt{VerificationID: v.ID, CreatedAt: at, UpdatedAt: at, EndedAt: at.Add(5 * time.Second),
			Number: v.Number, Country: "GB", From: "+447418340001", State: record.StateEnded,
			Outcome: record.OutcomeAnswered, RingingSeen: true, AnsweredBy: v.Number, Duration: 3}
		if err := r.st.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
}

// notified records what an AlarmWatch told its notifier.
type notified struct {
	mu     sync.Mutex
	events []string
}

func (n *notified) Send(event string, a alarms.Alarm, _ time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.events = append(n.events, event+" "+a.ID())
}
