package alarms

import (
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/stats"
)

// settings are the defaults the tests judge with.
var settings = Settings{Window: time.Hour, Baseline: 7 * 24 * time.Hour, MinCalls: 20, ConversionDrop: 0.5,
	VolumeRise: 2, AnsweredRate: 0.2, CallerIDDrop: 0.5}

// figures builds figures with the given breakdown rows (the total is their sum over countries).
func figures(by map[stats.Dimension][]stats.Row) stats.Figures {
	f := stats.Figures{By: by}
	for _, r := range by[stats.ByCountry] {
		f.Total.Verifications += r.Verifications
		f.Total.Verified += r.Verified
		f.Total.Calls += r.Calls
		f.Total.Ended += r.Ended
		f.Total.Delivered += r.Delivered
		f.Total.Answered += r.Answered
	}
	return f
}

// verifs is a scope's counts: calls placed and ended, one verification each, verified of them, delivered.
func verifs(calls, verified, delivered int) stats.Counts {
	return stats.Counts{Verifications: calls, Verified: verified, Calls: calls, Ended: calls, Delivered: delivered}
}

func TestConversionDropWithVolumeRise(t *testing.T) {
	base := figures(map[stats.Dimension][]stats.Row{
		stats.ByCountry: {{Key: "GB", Counts: verifs(700, 560, 650)}},
		stats.ByPrefix:  {{Key: "+4474001234", Counts: verifs(70, 56, 65)}, {Key: "+4474009999", Counts: verifs(70, 56, 65)}},
	})
	tests := []struct {
		name   string
		prefix stats.Counts
		want   bool
	}{
		{"conversion down to 10% at 30 calls an hour", verifs(30, 3, 28), true},
		{"conversion down, volume as usual", verifs(20, 2, 19), false}, // against a baseline of 20 an hour
		{"volume up, conversion as usual", verifs(30, 24, 28), false},
		{"too few calls to judge", verifs(10, 0, 10), false},
	}
	// 70 calls in 7 days is 0.42 an hour, so any 20 calls in an hour are a rise: "volume as usual" is judged
	// against a busier baseline of its own, 20 calls an hour.
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := base
			if tc.name == "conversion down, volume as usual" {
				b = figures(map[stats.Dimension][]stats.Row{
					stats.ByCountry: {{Key: "GB", Counts: verifs(7000, 5600, 6500)}},
					stats.ByPrefix:  {{Key: "+4474001234", Counts: verifs(3360, 2700, 3200)}}, // 20 an hour
				})
			}
			w := figures(map[stats.Dimension][]stats.Row{
				stats.ByCountry: {{Key: "GB", Counts: verifs(tc.prefix.Calls+5, tc.prefix.Verified+4, tc.prefix.Delivered+5)}},
				stats.ByPrefix:  {{Key: "+4474001234", Counts: tc.prefix}},
			})
			var got []Alarm
			for _, a := range Evaluate(w, b, settings) {
				if a.Kind == ConversionDrop && a.By == stats.ByPrefix {
					got = append(got, a)
				}
			}
			if (len(got) == 1) != tc.want || len(got) > 1 {
				t.Fatalf("prefix alarms %+v, want %v", got, tc.want)
			}
			if tc.want {
				a := got[0]
				for _, want := range []string{"prefix +4474001234", "conversion 10.0% over 30 verifications in the last 1h0m0s",
					"its own 80.0% in the 7d before", "30.0 an hour"} {
					if !strings.Contains(a.Detail, want) {
						t.Errorf("detail %q lacks %q", a.Detail, want)
					}
				}
				if a.ID() != "conversion-drop prefix +4474001234" {
					t.Errorf("ID %q", a.ID())
				}
			}
		})
	}
}

// TestConversionDropAgainstTheWholeBaseline: a prefix never seen before has no baseline of its own: its
// conversion is judged against the whole service's, and any volume is a rise.
func TestConversionDropAgainstTheWholeBaseline(t *testing.T) {
	base := figures(map[stats.Dimension][]stats.Row{stats.ByCountry: {{Key: "GB", Counts: verifs(700, 560, 650)}}})
	w := figures(map[stats.Dimension][]stats.Row{
		stats.ByCountry: {{Key: "LV", Counts: verifs(40, 0, 40)}},
		stats.ByPrefix:  {{Key: "+3712000", Counts: verifs(40, 0, 40)}},
	})
	as := Evaluate(w, base, settings)
	if len(as) != 2 || as[0].Key != "LV" || as[1].Key != "+3712000" {
		t.Fatalf("alarms %+v, want LV and its prefix", as)
	}
	if !strings.Contains(as[1].Detail, "the whole service's 80.0%") || !strings.Contains(as[1].Detail, "from none") {
		t.Errorf("detail %q", as[1].Detail)
	}
}

func TestAnsweredRate(t *testing.T) {
	gb := verifs(40, 20, 40)
	gb.Answered = 12 // 30%
	fr := verifs(40, 20, 40)
	fr.Answered = 1
	w := figures(map[stats.Dimension][]stats.Row{stats.ByCountry: {{Key: "GB", Counts: gb}, {Key: "FR", Counts: fr}}})
	var ids []string
	for _, a := range Evaluate(w, stats.Figures{}, settings) {
		ids = append(ids, a.ID())
	}
	if strings.Join(ids, ",") != "answered-rate country GB" { // 13 of 80 overall is 16%: under the threshold
		t.Fatalf("alarms %v", ids)
	}
}

func TestCallerIDBlocked(t *testing.T) {
	w := figures(map[stats.Dimension][]stats.Row{
		stats.ByCountry: {{Key: "GB", Counts: verifs(200, 150, 160)}},
		stats.ByCLI: {
			{Key: "+44741834••••", Counts: verifs(150, 140, 150)},
			{Key: "+44741835••••", Counts: verifs(40, 8, 6)}, // 15% delivered against 80%
			{Key: "+44741836••••", Counts: verifs(10, 2, 4)}, // too few to judge
		},
	})
	as := Evaluate(w, stats.Figures{}, settings)
	if len(as) != 1 || as[0].Kind != CallerIDBlocked || as[0].Key != "+44741835••••" {
		t.Fatalf("alarms %+v, want the blocked range only", as)
	}
	if !strings.Contains(as[0].Detail, "15.0% of 40 calls delivered") || !strings.Contains(as[0].Detail, "80.0% for the whole pool") {
		t.Errorf("detail %q", as[0].Detail)
	}
}

// TestThresholdsOff: a zero threshold turns its alarm off.
func TestThresholdsOff(t *testing.T) {
	gb := verifs(80, 0, 40)
	gb.Answered = 30
	w := figures(map[stats.Dimension][]stats.Row{
		stats.ByCountry: {{Key: "GB", Counts: gb}},
		stats.ByPrefix:  {{Key: "+4474001234", Counts: gb}},
		stats.ByCLI:     {{Key: "+44741834••••", Counts: verifs(40, 0, 38)}, {Key: "+44741835••••", Counts: verifs(40, 0, 2)}},
	})
	base := figures(map[stats.Dimension][]stats.Row{stats.ByCountry: {{Key: "GB", Counts: verifs(10, 9, 10)}}})
	if as := Evaluate(w, base, settings); len(as) < 4 {
		t.Fatalf("with the thresholds on, %d alarms (%+v): the test would prove nothing", len(as), as)
	}
	if as := Evaluate(w, base, Settings{Window: time.Hour, Baseline: time.Hour, MinCalls: 1}); len(as) != 0 {
		t.Fatalf("alarms with every threshold off: %+v", as)
	}
}

// TestFromIDIsIDsInverse: an alarm's ID names it again, kind, scope and key, whatever the scope.
func TestFromIDIsIDsInverse(t *testing.T) {
	for _, a := range []Alarm{{Kind: AnsweredRate, Key: "all"}, {Kind: ConversionDrop, By: stats.ByPrefix, Key: "+44740012"},
		{Kind: CallerIDBlocked, By: stats.ByCLI, Key: "+44741834••••"}} {
		b := FromID(a.ID())
		if b.Kind != a.Kind || b.By != a.By || b.Key != a.Key || b.ID() != a.ID() {
			t.Errorf("FromID(%q) = %+v", a.ID(), b)
		}
	}
}
