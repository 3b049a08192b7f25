package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// findCase is one verification of the find test, with its calls (oldest first).
type findCase struct {
	number, operator string
	status           record.Status
	created          time.Duration
	calls            []findCall
}

type findCall struct {
	operator, sid, status string
	outcome               record.Outcome
}

// seedFind stores the verifications of the find test and returns their IDs, in order.
func seedFind(t *testing.T, s verify.Store, cases []findCase) []int64 {
	t.Helper()
	ids := make([]int64, len(cases))
	for i, c := range cases {
		v := record.Verification{Number: c.number, Operator: c.operator, CreatedAt: at(c.created),
			UpdatedAt: at(c.created), Status: c.status, MaxChecks: 3}
		mustCreate(t, s, &v)
		ids[i] = v.ID
		for j, call := range c.calls {
			a := record.Attempt{VerificationID: v.ID, Number: c.number, Operator: call.operator,
				CreatedAt: at(c.created + time.Duration(j)*time.Minute), CallSID: call.sid, State: record.StateEnded,
				Status: call.status, Outcome: call.outcome}
			mustInsert(t, s, &a)
		}
	}
	return ids
}

// wholeGB reads whole numbers as the number input does with default_region GB.
func wholeGB(s string) (string, bool) {
	n, err := policy.ParseNumber(s, "GB")
	return n.E164, err == nil
}

// findIDs runs a filter text and returns the IDs of the verifications found, in the time order.
func findIDs(t *testing.T, s verify.Store, text string) []int64 {
	t.Helper()
	f, err := record.ParseHistoryFilter(text, time.UTC, wholeGB)
	if err != nil {
		t.Fatalf("filter %q: %v", text, err)
	}
	res, err := s.FindHistory(t.Context(), record.HistoryPage{Filter: f, Count: true})
	if err != nil {
		t.Fatalf("FindHistory(%q): %v", text, err)
	}
	var ids []int64
	for _, r := range res.Rows {
		ids = append(ids, r.ID)
	}
	if res.Total != len(ids) {
		t.Errorf("filter %q: Total %d, %d rows", text, res.Total, len(ids))
	}
	return ids
}

// testFindHistory: every form of a filter word finds exactly the verifications it names, the words combine
// with AND, and each row carries its newest attempt and its number of attempts.
func testFindHistory(t *testing.T, c *suite) {
	s := c.open(t)
	day := 24 * time.Hour
	ids := seedFind(t, s, []findCase{
		{"+447400123450", "alice", record.StatusVerified, 0, []findCall{
			{"alice", "ID1f-CA00aa0000000000000000000000001a2b", "busy", record.OutcomeBusy},
			{"alice (SHA256:abcd)", "ID1f-CA00bb0000000000000000000000003c4d", "no-answer", record.OutcomeDelivered}}},
		{"+447400999450", "bob", record.StatusFailed, time.Hour, []findCall{
			{"Bob", "CA11cc0000000000000000000000000005e6f", "completed", record.OutcomeAnswered}}},
		{"+33612345678", "carol", record.StatusExpired, day + time.Hour, []findCall{
			{"carol", "ID1f-CA22dd0000000000000000000000007a8b", "no-answer", record.OutcomeDelivered}}},
		{"+447400123451", "dave", record.StatusBlocked, 2*day + time.Hour, nil},
		{"+447400123450", "erin", record.StatusExpired, -day, nil}, // anonymised below, by the retention
	})
	v1, v2, v3, v4, v5 := ids[0], ids[1], ids[2], ids[3], ids[4]
	if _, err := s.Purge(t.Context(), at(-day+time.Second), true); err != nil {
		t.Fatal(err)
	}
	d1 := base.Format("2006-01-02")
	d2 := base.Add(day).Format("2006-01-02")
	for _, tc := range []struct {
		filter string
		want   []int64 // newest first
	}{
		{"", []int64{v4, v3, v2, v1, v5}},
		{"3450", []int64{v1}},
		{"450", []int64{v2, v1}},
		{"00123450", []int64{v1}},
		{"345", nil},
		{"400123450", nil}, // nine digits and no number: nothing, not the anonymised verification
		{"+447400123450", []int64{v1}},
		{"447400123450", []int64{v1}},
		{"07400123450", []int64{v1}},
		{"+44 7400 123450", []int64{v1}},
		{"+44 7400 123459", nil},
		{"alice", []int64{v1}},
		{"ALI", []int64{v1}},
		{"op:bob", []int64{v2}},
		{"ca00bb", []int64{v1}},
		{"CA11", []int64{v2}},
		{"3c4d", []int64{v1}},
		{"sid:1a2b", []int64{v1}},
		{"sid:00000005e6f", []int64{v2}},
		{"verified", []int64{v1}},
		{"busy", []int64{v1}},
		{"no-answer", []int64{v3, v1}},
		{"answered", []int64{v2}},
		{"blocked", []int64{v4}},
		{"since:" + d2, []int64{v4, v3}},
		{"until:" + d1, []int64{v2, v1, v5}},
		{"since:" + d2 + " until:" + d2, []int64{v3}},
		{"450 bob", []int64{v2}},
		{"450 verified", []int64{v1}},
		{"450 carol", nil},
	} {
		if got := findIDs(t, s, tc.filter); !slices.Equal(got, tc.want) {
			t.Errorf("filter %q found %v, want %v", tc.filter, got, tc.want)
		}
	}
	res, err := s.FindHistory(t.Context(), record.HistoryPage{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		switch r.ID {
		case v1:
			if r.Attempts != 2 || r.Latest.CallSID != "ID1f-CA00bb0000000000000000000000003c4d" ||
				r.Latest.VerificationStatus != record.StatusVerified || r.Latest.MaxChecks != 3 {
				t.Errorf("v1 row: %d attempts, latest %+v", r.Attempts, r.Latest)
			}
		case v4:
			if r.Attempts != 0 || r.Latest.ID != 0 || r.Latest.VerificationID != v4 || r.Latest.VerificationStatus != record.StatusBlocked {
				t.Errorf("v4 row (no attempt): %d attempts, latest %+v", r.Attempts, r.Latest)
			}
		}
	}
	if _, err := s.FindHistory(t.Context(), record.HistoryPage{Sort: "colour"}); err == nil {
		t.Error("an unknown sort column was accepted")
	}
}

// testHistoryPaging: keyset pages cover the history once in each sort order, forwards and backwards, and a
// page continues where the last one ended while new verifications arrive.
func testHistoryPaging(t *testing.T, c *suite) {
	s := c.open(t)
	const n = 25
	cases := make([]findCase, n)
	for i := range cases {
		cases[i] = findCase{number: fmt.Sprintf("+4474009%05d", (i*7)%n), operator: fmt.Sprintf("op%02d", i%4),
			status:  []record.Status{record.StatusVerified, record.StatusFailed, record.StatusExpired}[i%3],
			created: time.Duration(i) * time.Second}
	}
	ids := seedFind(t, s, cases)
	for _, sort := range record.HistorySorts {
		var all []record.VerificationRow
		var after *record.HistoryKey
		for page := 0; ; page++ {
			res, err := s.FindHistory(t.Context(), record.HistoryPage{Sort: sort, After: after, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, res.Rows...)
			if page == 0 {
				// A newer verification arrives: the pages that follow are not moved by it.
				seedFind(t, s, []findCase{{number: "+447400900000", operator: "aaa", status: record.StatusCalling, created: time.Hour}})
			}
			if !res.More {
				if sort == record.SortTime && len(res.Rows) != 5 { // the newer ones come before the first page
					t.Errorf("sort %s: last page of %d rows, want 5", sort, len(res.Rows))
				}
				break
			}
			k := record.KeyOf(&res.Rows[len(res.Rows)-1].Verification, sort)
			after = &k
		}
		if len(all) < n {
			t.Fatalf("sort %s: %d rows over the pages, want at least %d", sort, len(all), n)
		}
		seen := map[int64]bool{}
		defer func() {
			for _, id := range ids {
				if !seen[id] {
					t.Errorf("sort %s: verification %d on no page", sort, id)
				}
			}
		}()
		for i, r := range all {
			if seen[r.ID] {
				t.Errorf("sort %s: verification %d twice", sort, r.ID)
			}
			seen[r.ID] = true
			if i > 0 && !inOrder(&all[i-1].Verification, &r.Verification, sort) {
				t.Errorf("sort %s: row %d (%+v) before row %d (%+v)", sort, all[i-1].ID, all[i-1].Verification, r.ID, r.Verification)
			}
		}
		// Backwards from the 15th row: the 10 rows before it, in sort order.
		k := record.KeyOf(&all[14].Verification, sort)
		res, err := s.FindHistory(t.Context(), record.HistoryPage{Sort: sort, After: &k, Backward: true, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []int64
		for _, r := range res.Rows {
			got = append(got, r.ID)
		}
		for _, r := range all[4:14] {
			want = append(want, r.ID)
		}
		if !slices.Equal(got, want) || !res.More {
			t.Errorf("sort %s: backward page %v (more %v), want %v (more)", sort, got, res.More, want)
		}
	}
}

// inOrder reports whether a comes before b in sort order s.
func inOrder(a, b *record.Verification, s record.HistorySort) bool {
	switch s {
	case record.SortTime:
		return a.CreatedAt.After(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID > b.ID)
	}
	ka, kb := record.KeyOf(a, s), record.KeyOf(b, s)
	return ka.Text < kb.Text || (ka.Text == kb.Text && a.ID < b.ID)
}
