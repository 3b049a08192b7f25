package tui

import (
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestFormatting(t *testing.T) {
	if got := shortSID("ID41707906bc7f32968a510f86ef952e7b-CA3a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d"); got != "CA…2b3c4d" {
		t.Errorf("instance-prefixed SID shortened to %q", got)
	}
	if got := shortSID("CA0123456789abcdef0123456789abcdef"); got != "CA…abcdef" {
		t.Errorf("SID shortened to %q", got)
	}
	if got := record.MaskCode("+44 7418 340465", 4); got != "+44 7418 34••••" {
		t.Errorf("masked %q", got)
	}
	if got := fromShown("447418340465", "verified", 4); got != "447418340465" {
		t.Errorf("a verified row hides its caller ID: %q", got)
	}
	for _, st := range []record.Status{"calling", "awaiting-code", "failed", "expired", ""} {
		if got := fromShown("447418340465", st, 4); got != "44741834••••" {
			t.Errorf("%s row shows %q", st, got)
		}
	}
	if got := elapsed(3723 * time.Second); got != "1:02:03" {
		t.Errorf("elapsed %q", got)
	}
	if got := fit("abcdef", 4); got != "abc…" {
		t.Errorf("fit %q", got)
	}
	if got := fitRight("ab", 4); got != "  ab" {
		t.Errorf("fitRight %q", got)
	}
}

func TestColumnsFitEveryWidth(t *testing.T) {
	for w := 10; w <= 220; w++ {
		cols := layoutColumns(historyColumns(w >= 120), w-2)
		total := -1
		titles := map[string]bool{}
		for _, c := range cols {
			total += c.width + 1
			titles[c.title] = true
		}
		if w >= 80 && total > w-2 {
			t.Fatalf("width %d: columns take %d", w, total)
		}
		if w >= 80 && (!titles["Result"] || !titles["Call"] || !titles["Number"]) {
			t.Fatalf("width %d: essential columns dropped: %v", w, titles)
		}
	}
}
