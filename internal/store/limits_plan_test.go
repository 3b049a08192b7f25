package store

import (
	"strings"
	"testing"
	"time"
)

// TestLimitQueriesUseTheirIndexes: every count the limits make inside the placement transaction seeks an
// index bounded by its scope and window (EXPLAIN QUERY PLAN names it); none scans the attempts table.
func TestLimitQueriesUseTheirIndexes(t *testing.T) {
	s := openTemp(t)
	now := at(30 * 24 * time.Hour)
	for _, c := range []struct {
		name  string
		f     CallFilter
		since time.Time
		index []string // one per branch of the query, in order
	}{
		{"per number", CallFilter{Number: "+447400123450", Until: now}, now.Add(-10 * time.Minute), []string{"attempts_counted_by_number"}},
		{"per prefix", CallFilter{Prefix: "+44740012", Until: now}, now.Add(-10 * time.Minute),
			// the number's own range, then longer ranges that start with the prefix, then shorter ranges the
			// prefix reaches into.
			[]string{"attempts_counted_by_prefix", "attempts_counted_by_prefix", "attempts_counted_by_prefix"}},
		{"per operator", CallFilter{Operator: "alice", Until: now}, now.Add(-time.Hour), []string{"attempts_counted_by_person"}},
		// everyone's calls: whole minutes and hours from the counters, the edges row by row
		{"global", CallFilter{Until: now}, now.Add(-time.Hour), []string{"attempts_counted_by_time", "call_buckets", "attempts_counted_by_time"}},
		{"daily", CallFilter{Until: now}, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond),
			[]string{"call_buckets", "call_buckets", "attempts_counted_by_time"}},
		{"stamped after now", CallFilter{}, now, []string{"attempts_counted_by_time"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, args := c.f.CountSQL(c.since)
			checkPlan(t, s, q, args, c.index)
			if c.f.Number == "" && c.f.Prefix == "" && c.f.Operator == "" {
				c.index = []string{"attempts_counted_by_time"} // the n-th call is read row by row, in its window
			}
			q, args = c.f.NthSQL(c.since, 3)
			checkPlan(t, s, q, args, c.index)
		})
	}
	t.Run("the day's billed minutes", func(t *testing.T) {
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
		q, args := BilledMinutesSQL(midnight, now)
		checkPlan(t, s, q, args, []string{"cost_buckets", "cost_buckets", "attempts_counted_by_time"})
		q, args = BilledMinutesSQL(now, time.Time{}) // stamped after now
		checkPlan(t, s, q, args, []string{"attempts_counted_by_time"})
	})
	t.Run("one live call per number", func(t *testing.T) {
		checkPlan(t, s, `SELECT count(*) FROM attempts WHERE number = ? AND `+liveWhere, []any{"+447400123450"},
			[]string{"attempts_live_by_number"})
	})
	t.Run("undelivered streak", func(t *testing.T) {
		checkPlan(t, s, `SELECT outcome FROM attempts WHERE number = ? AND state = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
			[]any{"+447400123450", "ended", 3}, []string{"attempts_by_number"})
	})
}

// checkPlan fails unless every access to attempts in q's plan goes through the indexes named, in order.
func checkPlan(t *testing.T, s *Store, q string, args []any, indexes []string) {
	t.Helper()
	rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var used []string
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
		if table, ok := strings.CutPrefix(detail, "SEARCH "); ok && strings.Contains(table, "_buckets USING PRIMARY KEY ") {
			used = append(used, strings.Fields(table)[0])
			continue
		}
		if !strings.Contains(detail, " attempts") && !strings.Contains(detail, "_buckets") {
			continue
		}
		if !strings.HasPrefix(detail, "SEARCH ") || !strings.Contains(detail, " INDEX ") {
			t.Errorf("the attempts table is not searched through an index: %q", detail)
			continue
		}
		f := strings.Fields(detail[strings.Index(detail, " INDEX ")+len(" INDEX "):])
		used = append(used, f[0])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(used, ",") != strings.Join(indexes, ",") {
		t.Errorf("indexes used %v, want %v; plan:\n%s", used, indexes, plan.String())
	}
}
