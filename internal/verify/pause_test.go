package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// seedCalls writes n ended, delivered calls to numbers that start with prefix, at times from start on, their
// verifications verified or not.
func seedCalls(t *testing.T, r *rig, prefix string, n int, start time.Time, verified bool) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute)
		status := record.StatusExpired
		if verified {
			status = record.StatusVerified
		}
		v := record.Verification{Number: fmt.Sprintf("%s%04d", prefix, i), Country: "GB", CreatedAt: at, UpdatedAt: at,
			ExpiresAt: at.Add(5 * time.Minute), Status: status, MaxChecks: 3}
		if err := r.st.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		a := record.Attempt{VerificationID: v.ID, CreatedAt: at, UpdatedAt: at, EndedAt: at.Add(8 * time.Second),
			Number: v.Number, Country: "GB", From: "+447418340001", State: record.StateEnded,
			Outcome: record.OutcomeDelivered, RingingSeen: true}
		if err := r.st.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConversionAlarmPausesItsRange: a range whose calls stop converting while they pour in raises the
// conversion alarm, which pauses calls to it: a call there is refused naming the pause (recorded and audited
// as a refusal), a call elsewhere is placed; only a supervisor resumes it, audited, and calls go through again.
func TestConversionAlarmPausesItsRange(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	now := r.clk.Now()
	seedCalls(t, r, "+4477009", 40, now.Add(-48*time.Hour), true) // the baseline: most customers verify
	seedCalls(t, r, "+44740012", 30, now.Add(-40*time.Minute), false)
	w := r.svc.WatchAlarms(alarms.Settings{Window: time.Hour, Baseline: 7 * 24 * time.Hour, MinCalls: 20,
		ConversionDrop: 0.5, VolumeRise: 2}, time.Hour, nil, true)
	w.Evaluate(ctx)
	ps, err := r.svc.Pauses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var prefix *record.Pause
	for i := range ps {
		if ps[i].Scope == record.PausePrefix && ps[i].Key == "+44740012" {
			prefix = &ps[i]
		}
	}
	if prefix == nil {
		t.Fatalf("pauses in force %+v, want the range +44740012", ps)
	}
	if n := len(r.auditOf(record.AuditPaused)); n != len(ps) {
		t.Errorf("%d calls-paused entries for %d pauses", n, len(ps))
	}
	var ref *policy.Refusal
	if _, err := r.svc.Place(ctx, r.op, "+447400125555"); !errors.As(err, &ref) || ref.Rule != policy.RulePaused ||
		!strings.Contains(ref.Reason, "until a supervisor resumes them") {
		t.Fatalf("a call into the paused range: %v, want refused by the pause", err)
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("the simulator saw %d calls", n)
	}
	operator := record.Operator{Name: "olga", Remote: "local", Role: record.RoleOperator}
	var role *RoleError
	if _, err := r.svc.ResumePause(ctx, operator, prefix.ID); !errors.As(err, &role) {
		t.Fatalf("an operator resumed the pause: %v", err)
	}
	supervisor := record.Operator{Name: "sue", Remote: "local", Role: record.RoleSupervisor}
	for _, p := range ps {
		if _, err := r.svc.ResumePause(ctx, supervisor, p.ID); err != nil {
			t.Fatalf("the supervisor's resume of %d: %v", p.ID, err)
		}
	}
	resumed := r.auditOf(record.AuditResumed)
	if len(resumed) != len(ps) || !strings.Contains(resumed[0].Detail, "resumed") {
		t.Fatalf("calls-resumed entries %+v", resumed)
	}
	if _, err := r.svc.Place(ctx, r.op, "+447400125555"); err != nil {
		t.Fatalf("after the resume: %v", err)
	}
}

// TestResumeHoldsForAWindow: once a supervisor resumes a range, the same alarm raised anew (a restart,
// another instance) does not pause it again while the figures are the window the supervisor judged; a
// whole window later, a drop that still holds pauses it again.
func TestResumeHoldsForAWindow(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	set := alarms.Settings{Window: time.Hour, Baseline: 7 * 24 * time.Hour, MinCalls: 20, ConversionDrop: 0.5, VolumeRise: 2}
	now := r.clk.Now()
	seedCalls(t, r, "+4477009", 40, now.Add(-48*time.Hour), true)
	seedCalls(t, r, "+44740012", 30, now.Add(-40*time.Minute), false)
	r.svc.WatchAlarms(set, time.Hour, nil, true).Evaluate(ctx)
	ps, err := r.svc.Pauses(ctx)
	if err != nil || len(ps) == 0 {
		t.Fatalf("pauses %+v, %v", ps, err)
	}
	supervisor := record.Operator{Name: "sue", Remote: "local", Role: record.RoleSupervisor}
	for _, p := range ps {
		if _, err := r.svc.ResumePause(ctx, supervisor, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	r.clk.Advance(10 * time.Minute)
	if found := r.svc.WatchAlarms(set, time.Hour, nil, true).Evaluate(ctx); len(found) == 0 {
		t.Fatal("the drop no longer holds: the test proves nothing")
	}
	if again, _ := r.svc.Pauses(ctx); len(again) != 0 {
		t.Fatalf("a fresh watch paused again what the supervisor resumed 10 minutes ago: %+v", again)
	}
	r.clk.Advance(time.Hour)
	seedCalls(t, r, "+44740012", 30, r.clk.Now().Add(-40*time.Minute), false)
	r.svc.WatchAlarms(set, time.Hour, nil, true).Evaluate(ctx)
	if again, _ := r.svc.Pauses(ctx); len(again) == 0 {
		t.Fatal("a drop that still holds a window after the resume paused nothing")
	}
}
