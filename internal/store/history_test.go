package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// seedHistory stores four attempts: two of a verification (at 0s and 20s), one without (10s), and one that
// shares the 20s instant (so ID breaks the tie). It returns their IDs in creation order.
func seedHistory(t *testing.T, s *Store) (v record.Verification, ids []int64) {
	t.Helper()
	ctx := context.Background()
	v = fullVerification()
	if err := s.CreateVerification(ctx, &v); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []struct {
		vid     int64
		created time.Duration
		number  string
	}{{v.ID, 0, "+447700900001"}, {0, 10 * time.Second, "+447700900002"}, {v.ID, 20 * time.Second, "+447700900003"}, {0, 20 * time.Second, "+447700900004"}} {
		a := fullAttempt(spec.vid)
		a.CreatedAt, a.Number = at(spec.created), spec.number
		if err := s.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return v, ids
}

func historyIDs(t *testing.T, rows []record.HistoryRow, err error) []int64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestHistory(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if rows, err := s.History(ctx, HistoryQuery{}); err != nil || len(rows) != 0 {
		t.Fatalf("History on empty store = %v, %v", rows, err)
	}
	v, ids := seedHistory(t, s)

	for _, tc := range []struct {
		name string
		q    HistoryQuery
		want []int64
	}{
		{"all, newest first", HistoryQuery{}, []int64{ids[3], ids[2], ids[1], ids[0]}},
		{"limit", HistoryQuery{Limit: 2}, []int64{ids[3], ids[2]}},
		{"negative limit is all", HistoryQuery{Limit: -1}, []int64{ids[3], ids[2], ids[1], ids[0]}},
		{"since is inclusive", HistoryQuery{Since: at(10 * time.Second)}, []int64{ids[3], ids[2], ids[1]}},
		{"since one nanosecond later", HistoryQuery{Since: at(10*time.Second + 1)}, []int64{ids[3], ids[2]}},
		{"since and limit", HistoryQuery{Since: at(time.Second), Limit: 1}, []int64{ids[3]}},
		{"since in another zone", HistoryQuery{Since: at(10 * time.Second).In(time.FixedZone("X", -5*3600))}, []int64{ids[3], ids[2], ids[1]}},
		{"since after everything", HistoryQuery{Since: at(time.Hour)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.History(ctx, tc.q)
			if got := historyIDs(t, rows, err); !equalIDs(got, tc.want) {
				t.Errorf("History(%+v) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}

	rows, err := s.History(ctx, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		want := fullAttempt(r.VerificationID)
		want.ID, want.CreatedAt, want.Number = r.ID, r.CreatedAt, r.Number
		assertSame(t, r.Attempt, want)
		if r.VerificationID == v.ID {
			if r.VerificationStatus != v.Status || r.Checks != v.Checks || r.MaxChecks != v.MaxChecks {
				t.Errorf("row %d verification = %q %d/%d, want %q %d/%d", r.ID, r.VerificationStatus, r.Checks, r.MaxChecks, v.Status, v.Checks, v.MaxChecks)
			}
		} else if r.VerificationStatus != "" || r.Checks != 0 || r.MaxChecks != 0 {
			t.Errorf("row %d without verification has %q %d/%d", r.ID, r.VerificationStatus, r.Checks, r.MaxChecks)
		}
	}
}

func TestHistoryQueryUsesTimeIndex(t *testing.T) {
	s := openTemp(t)
	rows, err := s.r.Query(`EXPLAIN QUERY PLAN SELECT `+historyColumns+historyFrom+
		`ORDER BY a.created_at DESC, a.id DESC LIMIT ?`, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	joined := strings.Join(plan, "; ")
	if !strings.Contains(joined, "attempts_by_time") || strings.Contains(joined, "TEMP B-TREE") {
		t.Errorf("history plan %q: want a walk of attempts_by_time without sorting", joined)
	}
}
