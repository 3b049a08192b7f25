package verify

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// TestRetentionPurgesAtStartAndDaily: a service started with a 30-day retention anonymises the older
// attempts in the background right after Start (which does not wait for it) and then every day, and audits
// each purge with its count.
func TestRetentionPurgesAtStartAndDaily(t *testing.T) {
	r := newRig(t, nil)
	old := r.place("+447400123450")
	r.advance(15 * time.Second)
	r.clk.Advance(31 * policy.Day)
	recent := r.place("+447400123451")
	r.advance(15 * time.Second)

	set := defaultSettings()
	set.Retention = 30 * policy.Day
	svc := r.newService(set, r.client) // a restart with the retention set
	if a := r.attempt(old.Attempt.ID); a.Number == "" {
		t.Fatal("Start waited for the retention: it must run in the background")
	}
	r.clk.Advance(0) // the retention runs in the background, on the clock
	if a := r.attempt(old.Attempt.ID); a.Number != "" {
		t.Fatalf("the 31-day-old attempt kept its number after Start")
	}
	if a := r.attempt(recent.Attempt.ID); a.Number != "+447400123451" {
		t.Fatalf("the recent attempt lost its number")
	}
	purges := r.auditOf(record.AuditPurge)
	if len(purges) != 1 || purges[0].Detail != "1 attempts older than 30d anonymised" || purges[0].Operator != "flashcall" ||
		purges[0].Remote != "retention" {
		t.Fatalf("purge audit %+v", purges)
	}

	r.clk.Advance(29 * policy.Day) // the recent attempt is now 29 days and a bit old: the daily purges leave it
	if a := r.attempt(recent.Attempt.ID); a.Number == "" {
		t.Fatal("purged too early")
	}
	r.clk.Advance(policy.Day) // the next daily purge finds it 30 days old
	if a := r.attempt(recent.Attempt.ID); a.Number != "" {
		t.Fatal("the daily purge did not run")
	}
	if purges := r.auditOf(record.AuditPurge); len(purges) != 2 {
		t.Fatalf("purge audits = %d, want 2 (purges of nothing are not audited)", len(purges))
	}
	svc.Close()
	r.clk.Advance(2 * policy.Day)
	if purges := r.auditOf(record.AuditPurge); len(purges) != 2 {
		t.Fatalf("a closed service purged")
	}
}

func TestRetentionDeletes(t *testing.T) {
	r := newRig(t, nil)
	old := r.place("+447400123450")
	r.advance(15 * time.Second)
	r.clk.Advance(2 * policy.Day)
	set := defaultSettings()
	set.Retention, set.RetentionDelete = policy.Day, true
	r.newService(set, r.client)
	r.clk.Advance(0) // the retention runs in the background, on the clock
	if _, err := r.st.GetAttempt(context.Background(), old.Attempt.ID); err == nil {
		t.Fatal("the old attempt is still there")
	}
	if p := r.auditOf(record.AuditPurge); len(p) != 1 || p[0].Detail != "1 attempts older than 1d deleted" {
		t.Fatalf("purge audit %+v", p)
	}
}

// TestLimitsSurviveARestart: the counters are the history, so a new service on the same database refuses
// what the old one would have.
func TestLimitsSurviveARestart(t *testing.T) {
	r := newRig(t, nil)
	for range 3 {
		r.place("+447400123450")
		r.advance(15 * time.Second)
	}
	r.svc.Close()
	r.svc = r.newService(defaultSettings(), r.client)
	r.svc.set.RCMLURL = r.rcml.URL + "/rcml.xml"
	_, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	if err == nil || err.Error() != "refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); "+
		"try again in 9m15s (after 2026-11-26 09:10:00 UTC)" {
		t.Fatalf("after a restart: %v", err)
	}
	r.advance(9*time.Minute + 15*time.Second)
	r.place("+447400123450")
}
