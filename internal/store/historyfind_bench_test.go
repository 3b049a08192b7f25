package store

import (
	"context"
	"testing"

	"github.com/flashcall/flashcall/internal/record"
)

// benchForms are the forms of filter word the benchmarks time (filterForms names their words).
var benchForms = []string{"last3", "last4", "last8", "whole", "whole-national", "operator", "operator-common",
	"sid", "sid-tail", "result", "outcome", "since", "until", "tail-and-operator"}

// BenchmarkFilter runs the history's "/" on a history of 100,000 attempts (a real SQLite file), one
// sub-benchmark per form of filter word: the first page of matches, what the operator waits for when the
// filter changes (the console counts the matches after it, BenchmarkFilterCount). The goal is under 10 ms
// per query (the ms metric); form=none-page2 is the second page of the unfiltered history, as scrolling
// loads it.
func BenchmarkFilter(b *testing.B) {
	s := openTemp(b)
	seedVerifications(b, s, 100_000)
	ctx := context.Background()
	forms := map[string]string{}
	for _, f := range filterForms() {
		forms[f.name] = f.text
	}
	for _, name := range benchForms {
		b.Run("form="+name, func(b *testing.B) {
			q := record.HistoryPage{Filter: mustFilter(b, forms[name])}
			for b.Loop() {
				if res, err := s.FindHistory(ctx, q); err != nil || len(res.Rows) == 0 {
					b.Fatalf("%q: %d rows, %v", forms[name], len(res.Rows), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
		})
	}
	b.Run("form=none-page2", func(b *testing.B) {
		first, err := s.FindHistory(ctx, record.HistoryPage{})
		if err != nil {
			b.Fatal(err)
		}
		k := record.KeyOf(&first.Rows[len(first.Rows)-1].Verification, record.SortTime)
		for b.Loop() {
			if _, err := s.FindHistory(ctx, record.HistoryPage{After: &k}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
	})
}

// BenchmarkFilterCount counts what each form of filter word matches (capped, record.MaxHistoryCount), as
// the console does after the first page, on the same history.
func BenchmarkFilterCount(b *testing.B) {
	s := openTemp(b)
	seedVerifications(b, s, 100_000)
	ctx := context.Background()
	forms := map[string]string{}
	for _, f := range filterForms() {
		forms[f.name] = f.text
	}
	for _, name := range benchForms {
		b.Run("form="+name, func(b *testing.B) {
			q := record.HistoryPage{Filter: mustFilter(b, forms[name]), Limit: 1, Count: true}
			for b.Loop() {
				if res, err := s.FindHistory(ctx, q); err != nil || res.Total <= 0 {
					b.Fatalf("%q: total %d, %v", forms[name], res.Total, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
		})
	}
}
