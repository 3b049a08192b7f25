package restcomm

import (
	"strings"
	"testing"
)

func TestParseStatusWireSpellings(t *testing.T) {
	for _, tc := range statusSpellings() {
		got := ParseStatus(tc.wire)
		if got != tc.want {
			t.Errorf("ParseStatus(%q) = %q, want %q", tc.wire, got, tc.want)
		}
		if got.Live() != tc.live || got.Final() != tc.final {
			t.Errorf("%q: Live() = %v, Final() = %v; want %v, %v", tc.wire, got.Live(), got.Final(), tc.live, tc.final)
		}
		if got.Known() != (tc.live || tc.final) {
			t.Errorf("%q: Known() = %v", tc.wire, got.Known())
		}
		if got.String() != string(tc.want) {
			t.Errorf("%q: String() = %q", tc.wire, got.String())
		}
	}
}

func TestStatusConstantsPartition(t *testing.T) {
	all := []Status{
		StatusQueued, StatusRinging, StatusWaitForAnswer, StatusInProgress,
		StatusCompleted, StatusCanceled, StatusBusy, StatusFailed, StatusNoAnswer, StatusNotFound,
	}
	live := 0
	for _, s := range all {
		if s.Live() == s.Final() {
			t.Errorf("%s: Live() and Final() must differ", s)
		}
		if !s.Known() {
			t.Errorf("%s: not Known()", s)
		}
		if ParseStatus(string(s)) != s {
			t.Errorf("%s does not parse to itself", s)
		}
		if up := strings.ToUpper(strings.ReplaceAll(string(s), "-", "_")); ParseStatus(up) != s {
			t.Errorf("enum spelling %s does not parse to %s", up, s)
		}
		if s.Live() {
			live++
		}
	}
	if live != 4 {
		t.Errorf("%d live statuses, want 4", live)
	}
}

// FuzzParseStatus checks that normalisation is idempotent and yields only
// lower-case, trimmed, underscore-free spellings.
func FuzzParseStatus(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseStatus(s)
		if again := ParseStatus(string(got)); again != got {
			t.Fatalf("ParseStatus not idempotent: %q -> %q -> %q", s, got, again)
		}
		g := string(got)
		if strings.Contains(g, "_") || strings.TrimSpace(g) != g || g == "inprogress" {
			t.Fatalf("ParseStatus(%q) = %q is not normalised", s, got)
		}
		if got.Live() && got.Final() {
			t.Fatalf("%q is both live and final", got)
		}
		if got.Known() != (got.Live() || got.Final()) {
			t.Fatalf("%q: Known() disagrees with Live/Final", got)
		}
	})
}
