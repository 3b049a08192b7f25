package record

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// gbNumber stands in for the number input's parser: a few whole numbers it knows, with default region GB.
func gbNumber(s string) (string, bool) {
	switch strings.NewReplacer(" ", "", "-", "").Replace(s) {
	case "+447400123450", "07400123450", "00447400123450":
		return "+447400123450", true
	}
	return "", false
}

func TestParseHistoryFilter(t *testing.T) {
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text string
		want HistoryFilter
	}{
		{"", HistoryFilter{}},
		{"450", HistoryFilter{Tails: []string{"450"}}},
		{"3450", HistoryFilter{Tails: []string{"3450"}}},
		{"00123450", HistoryFilter{Tails: []string{"00123450"}}},
		{"400123450", HistoryFilter{Numbers: []string{""}}}, // nine digits: no tail, no number, nothing found
		{"447400123450", HistoryFilter{Numbers: []string{"+447400123450"}}},
		{"07400123450", HistoryFilter{Numbers: []string{"+447400123450"}}},
		{"+44 7400 123450", HistoryFilter{Numbers: []string{"+447400123450"}}},
		{"0740-0123-450", HistoryFilter{Numbers: []string{"+447400123450"}}},
		{"3450 450", HistoryFilter{Tails: []string{"3450", "450"}}}, // no number: two tails
		{"alice", HistoryFilter{Operators: []string{"alice"}}},
		{"Alice@Example.com", HistoryFilter{Operators: []string{"alice@example.com"}}},
		{"op:verity", HistoryFilter{Operators: []string{"verity"}}},
		{"CA1b2c", HistoryFilter{SIDs: []string{"ca1b2c"}}},
		{"4e6f", HistoryFilter{SIDs: []string{"4e6f"}}},
		{"sid:beef", HistoryFilter{SIDs: []string{"beef"}}},
		{"dead", HistoryFilter{Operators: []string{"dead"}}}, // hex, but no digit: a name
		{"verified", HistoryFilter{Results: []ResultTerm{{Word: "verified", Statuses: []Status{StatusVerified}}}}},
		{"busy", HistoryFilter{Results: []ResultTerm{{Word: "busy", Outcomes: []Outcome{OutcomeBusy}, CallStatuses: []string{"busy"}}}}},
		{"can", HistoryFilter{Results: []ResultTerm{{Word: "can", Statuses: []Status{StatusCanceled}, CallStatuses: []string{"canceled"}}}}},
		{"since:2026-11-30", HistoryFilter{Since: day}},
		{"until:2026-11-30", HistoryFilter{Until: day.AddDate(0, 0, 1)}},
		{"3450 op:bob since:2026-11-30", HistoryFilter{Tails: []string{"3450"}, Operators: []string{"bob"}, Since: day}},
	} {
		got, err := ParseHistoryFilter(tc.text, time.UTC, gbNumber)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		tc.want.Text = tc.text
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.text, got, tc.want)
		}
		if got.Active() != (tc.text != "") {
			t.Errorf("%q: Active() = %v", tc.text, got.Active())
		}
	}
	for text, msg := range map[string]string{
		"45":               "at least 3 digits",
		"since:yesterday":  "wants a date like 2026-11-30",
		"until:2026-13-01": "wants a date like 2026-11-30",
		"sid:xyz":          "the start (CA…) or the last characters",
		"is:purple":        "wants a result",
		"colour:red":       "unknown colour:",
		"op:":              "wants the start of an operator's name",
	} {
		if _, err := ParseHistoryFilter(text, time.UTC, gbNumber); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want one saying %q", text, err, msg)
		}
	}
}

func TestHistorySortCycles(t *testing.T) {
	s := SortTime
	var seen []HistorySort
	for range len(HistorySorts) {
		s = s.Next()
		seen = append(seen, s)
	}
	if want := []HistorySort{SortNumber, SortResult, SortOperator, SortTime}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("s cycles %v, want %v", seen, want)
	}
	if HistorySort("colour").Valid() || !SortOperator.Valid() {
		t.Fatal("Valid")
	}
}
