package verify

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// TestSearchByDigitsIsAudited: a search by more digits than the screen shows is one audit entry per
// operator and digits, however many sessions type it at once or how often it is typed again within the
// memory; it names the count of digits and the last 3 only. Three digits, and searches without digits, are
// not audited.
func TestSearchByDigitsIsAudited(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	search := func(op record.Operator, text string) {
		f, err := record.ParseHistoryFilter(text, time.UTC, func(s string) (string, bool) {
			n, err := r.svc.ParseNumber(s)
			return n.E164, err == nil
		})
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := r.svc.FindHistory(ctx, op, record.HistoryPage{Filter: f}); err != nil {
			t.Error(err)
		}
	}
	alice, bob := record.Operator{Name: "alice", Remote: "local"}, record.Operator{Name: "bob", Remote: "local"}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := alice
			if i%2 == 1 {
				op = bob
			}
			search(op, "123450") // each session's every keystroke and page searches again
		}()
	}
	wg.Wait()
	search(alice, "450")
	search(alice, "verified")
	search(alice, "+44 7400 123450")
	es := r.auditOf(record.AuditHistorySearched)
	if len(es) != 3 {
		t.Fatalf("%d history-searched entries, want alice's and bob's 6 digits and alice's whole number: %+v", len(es), es)
	}
	for _, e := range es {
		if strings.Contains(e.Detail, "123450") || strings.Contains(e.Detail, "7400") {
			t.Errorf("entry %q holds more of the number than the screen shows", e.Detail)
		}
	}
	if !strings.Contains(es[0].Detail, "numbers ending in 6 digits (…450)") {
		t.Errorf("detail %q", es[0].Detail)
	}
	r.clk.Advance(searchMemory)
	search(alice, "123450")
	if n := len(r.auditOf(record.AuditHistorySearched)); n != 4 {
		t.Fatalf("after the memory: %d entries, want 4", n)
	}
}
