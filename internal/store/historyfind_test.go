package store

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// filterForm is one form of a filter word, as an operator types it, and the index that must answer it.
type filterForm struct {
	name, text, index string
}

// filterForms are the forms the history's "/" reads, each with a word that finds something in a seeded
// history (the planted verification, or many random ones).
func filterForms() []filterForm {
	day := at(plantedAt * 30 * time.Second).Format("2006-01-02")
	return []filterForm{
		{"last3", "450", "verifications_by_tail"},
		{"last4", "3450", "verifications_by_tail"},
		{"last8", "00123450", "verifications_by_tail"},
		{"whole", "+447400123450", "verifications_by_number"},
		{"whole-bare", "447400123450", "verifications_by_number"},
		{"whole-national", "07400123450", "verifications_by_number"},
		{"whole-spaced", "+44 7400 123450", "verifications_by_number"},
		{"operator", "zelda", "attempts_by_operator"},
		{"operator-common", "alice", "verifications_by_time"},
		{"operator-case", "op:ALI", "verifications_by_time"}, // broad: read in time order, tested row by row
		{"sid", "ca9e8d7c", "attempts_by_sid_call"},
		{"sid-tail", "b1a0f9", "attempts_by_sid_tail"},
		{"result", "verified", "verifications_by_time|verifications_by_status"},
		{"outcome", "busy", "verifications_by_time"},
		{"outcome-rare", "not-found", "attempts_by_outcome"},
		{"since", "since:" + day, "verifications_by_time"},
		{"until", "until:" + day, "verifications_by_time"},
		{"tail-and-operator", "450 alice", "verifications_by_tail|attempts_by_operator"},
	}
}

// wholeGB reads whole numbers as the number input does with default_region GB.
func wholeGB(s string) (string, bool) {
	n, err := policy.ParseNumber(s, "GB")
	return n.E164, err == nil
}

func mustFilter(tb testing.TB, text string) record.HistoryFilter {
	tb.Helper()
	f, err := record.ParseHistoryFilter(text, time.UTC, wholeGB)
	if err != nil {
		tb.Fatalf("filter %q: %v", text, err)
	}
	return f
}

// tableScan is a step of a query plan that reads a whole table, not an index (p is the page, at most
// MaxHistoryPage rows the query chose).
var tableScan = regexp.MustCompile(`\bSCAN [a-oq-z]$`)

// queryPlan returns the EXPLAIN QUERY PLAN lines of a query.
func queryPlan(t *testing.T, s *Store, query string, args []any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

// checkPlans: every form of filter word is answered by an index (EXPLAIN QUERY PLAN names it), in the page
// query and in the count, and no step reads a whole table; every sort reads its pages in index order.
func checkPlans(t *testing.T, s *Store) {
	for _, f := range filterForms() {
		t.Run(f.name, func(t *testing.T) {
			q := record.HistoryPage{Filter: mustFilter(t, f.text)}
			broad, err := s.broadSets(context.Background(), &q.Filter)
			if err != nil {
				t.Fatal(err)
			}
			query, args, err := findSQL(q, broad)
			if err != nil {
				t.Fatal(err)
			}
			w := filterWhere(&q.Filter, broad)
			// A filter of broad words only is counted by reading every verification through whichever of
			// its covering indexes the planner finds smallest (capped, see FindHistory): that count may name
			// any of them; everything else must use the form's own index.
			wide := !narrow(&q.Filter, broad)
			for i, p := range [][]string{
				queryPlan(t, s, query, args),
				queryPlan(t, s, `SELECT count(*) FROM verifications v`+w.String(), w.args),
			} {
				all := strings.Join(p, "\n")
				if i == 1 && wide && regexp.MustCompile(`SCAN v USING COVERING INDEX verifications_by_\w+`).MatchString(all) {
					continue
				}
				if !regexp.MustCompile(f.index).MatchString(all) {
					t.Errorf("%q: the plan does not use %s:\n%s", f.text, f.index, all)
				}
				for _, step := range p {
					if tableScan.MatchString(step) {
						t.Errorf("%q: a table scan (%s):\n%s", f.text, step, all)
					}
				}
			}
		})
	}
	for _, sort := range record.HistorySorts {
		k := record.HistoryKey{At: at(time.Hour), Text: "m", ID: 500}
		query, args, err := findSQL(record.HistoryPage{Sort: sort, After: &k}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Join(queryPlan(t, s, query, args), "\n")
		if tableScan.MatchString(p) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("sort %s: a page is not read in index order:\n%s", sort, p)
		}
	}
}

// matches is what the filter finds, worked out from the seeded data without the database.
func matches(v *seededVerification, f *record.HistoryFilter) bool {
	anyAttempt := func(ok func(a *seededAttempt) bool) bool {
		return slices.ContainsFunc(v.attempts, func(a seededAttempt) bool { return ok(&a) })
	}
	for _, t := range f.Tails {
		if !strings.HasSuffix(v.number, t) {
			return false
		}
	}
	for _, n := range f.Numbers {
		if v.number != n {
			return false
		}
	}
	for _, o := range f.Operators {
		if !anyAttempt(func(a *seededAttempt) bool { return strings.HasPrefix(strings.ToLower(a.operator), o) }) {
			return false
		}
	}
	for _, sid := range f.SIDs {
		if !anyAttempt(func(a *seededAttempt) bool {
			low := strings.ToLower(a.sid)
			if strings.HasPrefix(sid, "ca") {
				_, call, _ := strings.Cut(low, "-")
				return strings.HasPrefix(call, sid)
			}
			return strings.HasSuffix(low, sid)
		}) {
			return false
		}
	}
	for _, r := range f.Results {
		if !slices.Contains(r.Statuses, v.status) && !anyAttempt(func(a *seededAttempt) bool {
			return slices.Contains(r.Outcomes, a.outcome) || slices.Contains(r.CallStatuses, a.status)
		}) {
			return false
		}
	}
	return (f.Since.IsZero() || !v.created.Before(f.Since)) && (f.Until.IsZero() || v.created.Before(f.Until))
}

// TestFind100k: on a history of 100,000 attempts (a real SQLite file) every form of filter word uses an
// index (checkPlans) and finds exactly what it names: the first page holds the newest matches, in order,
// and the count all of them.
func TestFind100k(t *testing.T) {
	s := openTemp(t)
	seeded := seedVerifications(t, s, 100_000)
	ctx := context.Background()
	t.Run("plans", func(t *testing.T) { checkPlans(t, s) })
	forms := append(filterForms(), filterForm{name: "sid-long-tail", text: "sid:4d3c2b1a0f9"},
		filterForm{name: "nothing", text: "3450 bob"})
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			filter := mustFilter(t, f.text)
			var want []int64
			for i := len(seeded) - 1; i >= 0; i-- {
				if matches(&seeded[i], &filter) {
					want = append(want, seeded[i].id)
				}
			}
			if f.name != "nothing" && len(want) == 0 {
				t.Fatalf("%q finds nothing in the seed: a useless case", f.text)
			}
			res, err := s.FindHistory(ctx, record.HistoryPage{Filter: filter, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range res.Rows {
				got = append(got, r.ID)
			}
			page := want[:min(len(want), record.DefaultHistoryPage)]
			total := len(want)
			if res.TotalCapped {
				total = res.Total // a lower bound
			}
			if !slices.Equal(got, page) || res.Total != total || total > len(want) || res.More != (len(want) > len(page)) {
				t.Errorf("%q: %d rows (total %d, more %v), want %d (total %d)", f.text, len(got), res.Total, res.More, len(page), len(want))
			}
		})
	}
}

// undoSchema8 takes a current database back to schema 7 (no history-finding indexes and columns), and
// undoSchema7 on to schema 6 (no instances, no update-time indexes), for the upgrade tests: every step back
// to an older schema starts with them.
var undoSchema7 = append(slices.Clone(undoSchema8), `DROP TABLE instances`, `DROP INDEX attempts_by_update`,
	`DROP INDEX verifications_by_update`)

// undoSchema8 takes a current database back to schema 7 (after undoing 10 and 9: the bounded limits, the
// pauses).
var undoSchema8 = append(slices.Clone(undoSchema10), `DROP TABLE pauses`,
	`DROP INDEX verifications_by_tail`, `DROP INDEX verifications_by_time`, `DROP INDEX verifications_by_status`,
	`DROP INDEX verifications_by_operator`, `DROP INDEX verifications_by_number_id`, `DROP INDEX attempts_by_sid_call`,
	`DROP INDEX attempts_by_sid_tail`, `DROP INDEX attempts_by_operator`, `DROP INDEX attempts_by_outcome`,
	`DROP INDEX attempts_by_call_status`, `DROP INDEX attempts_terms`,
	`ALTER TABLE verifications DROP COLUMN number_tail`, `ALTER TABLE attempts DROP COLUMN sid_call`,
	`ALTER TABLE attempts DROP COLUMN sid_tail`)
