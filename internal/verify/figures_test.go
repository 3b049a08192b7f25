package verify

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/stats/statstest"
)

// TestFiguresFromTheHistory: the service counts the dashboard's figures from its own history, the same as
// stats.Compute over the store (statstest's hand-counted day).
func TestFiguresFromTheHistory(t *testing.T) {
	r := newRig(t, nil)
	statstest.Seed(t, r.st)
	f, err := r.svc.Figures(context.Background(), statstest.Day, statstest.Day.AddDate(0, 0, 1),
		[]stats.Dimension{stats.ByCLI}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := stats.Counts{Verifications: 5, Verified: 2, Locked: 1, Calls: 7, Ended: 6, Delivered: 4, Answered: 1, Blocked: 1}
	if f.Total != want || len(f.By[stats.ByCLI]) != 4 {
		t.Fatalf("figures %+v with %d caller-ID rows, want %+v and 4", f.Total, len(f.By[stats.ByCLI]), want)
	}
	for _, row := range f.By[stats.ByCLI] {
		if row.Key == statstest.CLI1 || row.Key == statstest.CLI2 || row.Key == statstest.CLI3 {
			t.Errorf("a caller ID shown whole, code digits included: %q", row.Key)
		}
	}
}
