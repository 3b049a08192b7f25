package stats_test

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/stats/statstest"
	"github.com/flashcall/flashcall/internal/store"
)

// seeded opens a real SQLite history holding statstest's hand-counted history.
func seeded(t *testing.T) *store.Store { return statstest.SQLite(t) }

// TestFiguresAreHandCounted: every tile and every breakdown row of the seeded day, against the counts worked
// out by hand from statstest.Seed's table.
func TestFiguresAreHandCounted(t *testing.T) {
	s := seeded(t)
	f, err := stats.Compute(context.Background(), s, statstest.Day, statstest.Day.AddDate(0, 0, 1), stats.Options{
		By: stats.Dimensions, CodeDigits: 4})
	if err != nil {
		t.Fatal(err)
	}
	total := stats.Counts{Verifications: 5, Verified: 2, Locked: 1, Calls: 7, Ended: 6, Delivered: 4, Answered: 1, Blocked: 1}
	if f.Total != total {
		t.Errorf("total %+v\nwant  %+v", f.Total, total)
	}
	// Priced for the cost cap: the 7 calls; V2 answered (a minute) and V8 still live (its worst case, a minute).
	if want := (stats.Billed{Calls: 7, Minutes: 2}); f.Billed != want {
		t.Errorf("billed %+v, want %+v", f.Billed, want)
	}
	if f.MedianToVerified != 2*time.Minute {
		t.Errorf("median time to verified %s, want 2m (1m and 3m)", f.MedianToVerified)
	}
	if got, want := f.Total.VerifiedRate(), 2.0/5; got != want {
		t.Errorf("verified rate %v, want %v", got, want)
	}
	if got, want := f.Total.DeliveredRate(), 4.0/6; got != want {
		t.Errorf("delivered rate %v, want %v", got, want)
	}
	if got, want := f.Total.AnsweredRate(), 1.0/6; got != want {
		t.Errorf("answered rate %v, want %v", got, want)
	}
	cli1, cli2, cli3 := record.MaskCode(statstest.CLI1, 4), record.MaskCode(statstest.CLI2, 4), record.MaskCode(statstest.CLI3, 4)
	want := map[stats.Dimension][]stats.Row{
		stats.ByCountry: {
			{Key: "GB", Counts: stats.Counts{Verifications: 4, Verified: 2, Locked: 1, Calls: 6, Ended: 5, Delivered: 4, Answered: 1}},
			{Key: "FR", Counts: stats.Counts{Verifications: 1, Calls: 1, Ended: 1, Blocked: 1}},
		},
		stats.ByCLI: {
			{Key: cli1, Counts: stats.Counts{Verifications: 2, Verified: 1, Locked: 1, Calls: 3, Ended: 3, Delivered: 2}},
			{Key: cli3, Counts: stats.Counts{Verifications: 2, Calls: 2, Ended: 1}}, // ties go by key
			{Key: cli2, Counts: stats.Counts{Verifications: 1, Verified: 1, Calls: 2, Ended: 2, Delivered: 2, Answered: 1}},
			{Key: "none", Counts: stats.Counts{Blocked: 1}},
		},
		stats.ByOperator: {
			{Key: "alice", Counts: stats.Counts{Verifications: 2, Verified: 2, Calls: 3, Ended: 3, Delivered: 3, Answered: 1, Blocked: 1}},
			{Key: "bob", Counts: stats.Counts{Verifications: 3, Locked: 1, Calls: 4, Ended: 3, Delivered: 1}},
		},
		stats.ByResult: {
			{Key: "verified", Counts: stats.Counts{Verifications: 2, Verified: 2, Calls: 3, Ended: 3, Delivered: 3, Answered: 1}},
			{Key: "failed", Counts: stats.Counts{Verifications: 1, Locked: 1, Calls: 2, Ended: 2, Delivered: 1}},
			{Key: "blocked", Counts: stats.Counts{Blocked: 1}},
			{Key: "calling", Counts: stats.Counts{Verifications: 1, Calls: 1}},
			{Key: "expired", Counts: stats.Counts{Verifications: 1, Calls: 1, Ended: 1}},
		},
		stats.ByHour: {
			{Key: "2026-11-30 09:00", Counts: stats.Counts{Calls: 1, Ended: 1, Delivered: 1}},
			{Key: "2026-11-30 10:00", Counts: stats.Counts{Verifications: 2, Verified: 2, Calls: 2, Ended: 2, Delivered: 2, Answered: 1}},
			{Key: "2026-11-30 11:00", Counts: stats.Counts{Verifications: 1, Locked: 1, Calls: 2, Ended: 2, Delivered: 1}},
			{Key: "2026-11-30 12:00", Counts: stats.Counts{Verifications: 1, Calls: 1, Ended: 1, Blocked: 1}},
			{Key: "2026-11-30 13:00", Counts: stats.Counts{Verifications: 1, Calls: 1}},
		},
		stats.ByDay: {
			{Key: "2026-11-30", Counts: total},
		},
		stats.ByLineType: {
			{Key: "mobile", Counts: total},
		},
	}
	for d, rows := range want {
		got := f.By[d]
		if len(got) != len(rows) {
			t.Errorf("by %s: %d rows %+v, want %d", d, len(got), got, len(rows))
			continue
		}
		for i := range rows {
			if got[i] != rows[i] {
				t.Errorf("by %s row %d:\n got %+v\nwant %+v", d, i, got[i], rows[i])
			}
		}
	}
}

// TestWindowBounds: each window ends now; today starts at midnight in the console's zone.
func TestWindowBounds(t *testing.T) {
	madrid := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC) // 01:30 in Madrid
	for w, since := range map[stats.Window]time.Time{
		stats.LastHour:   now.Add(-time.Hour),
		stats.Today:      time.Date(2026, 12, 1, 0, 0, 0, 0, madrid),
		stats.Last7Days:  now.AddDate(0, 0, -7),
		stats.Last30Days: now.AddDate(0, 0, -30),
	} {
		s, u := w.Bounds(now, madrid)
		if !s.Equal(since) || !u.Equal(now) {
			t.Errorf("%s: [%s, %s), want [%s, %s)", w, s, u, since, now)
		}
	}
}

// TestSeriesFillsEmptyBuckets: every hour of the seeded day is a bucket, those without attempts zero.
func TestSeriesFillsEmptyBuckets(t *testing.T) {
	s := seeded(t)
	f, err := stats.Compute(context.Background(), s, statstest.Day, statstest.Day.AddDate(0, 0, 1), stats.Options{
		By: []stats.Dimension{stats.ByHour}, CodeDigits: 4})
	if err != nil {
		t.Fatal(err)
	}
	rows := stats.Series(f, stats.ByHour, time.UTC)
	if len(rows) != 24 || rows[0].Key != "2026-11-30 00:00" || rows[23].Key != "2026-11-30 23:00" {
		t.Fatalf("%d buckets from %v", len(rows), rows)
	}
	if rows[10].Verifications != 2 || rows[10].Verified != 2 || rows[3] != (stats.Row{Key: "2026-11-30 03:00"}) {
		t.Errorf("10:00 %+v, 03:00 %+v", rows[10], rows[3])
	}
	if stats.Series(f, stats.ByDay, time.UTC) != nil || stats.Series(f, stats.ByCountry, time.UTC) != nil {
		t.Error("a series of a breakdown not computed, or not of time")
	}
}
