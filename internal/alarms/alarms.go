// Package alarms watches the figures for what a verification service must act on by itself, as providers do:
// a country or a number range whose conversion falls while its volume rises (an SMS-pumping or toll-fraud
// run: Vonage blocks such a network), an answered rate far above a flash call's (toll-fraud ranges answer at
// once), and a caller-ID range whose calls stop being delivered while the rest of the pool's are (a carrier
// has probably blocked it). Evaluate only decides; the service raises the alarms, pauses or rests what they
// name, and records it.
package alarms

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/stats"
)

// Kind is what an alarm is about.
type Kind string

// The kinds of alarm.
const (
	// ConversionDrop: a country's or a prefix's conversion fell below a share of its baseline while its
	// volume rose above a multiple of it. The service pauses new calls to it (when configured).
	ConversionDrop Kind = "conversion-drop"
	// AnsweredRate: more calls were answered than a flash call's customers answer.
	AnsweredRate Kind = "answered-rate"
	// CallerIDBlocked: a caller-ID range's delivered rate collapsed against the pool's. The service rests it.
	CallerIDBlocked Kind = "caller-id-blocked"
)

// Settings tune the alarms; a zero threshold turns its alarm off.
type Settings struct {
	// Window is the recent span judged; Baseline the trailing span before it that it is compared with.
	Window, Baseline time.Duration
	// MinCalls is the least number of calls in the window for a scope to be judged at all: a handful of
	// calls says nothing.
	MinCalls int
	// ConversionDrop raises an alarm when the window's conversion is below this share of the baseline's
	// (0.5: half), and VolumeRise requires its calls per hour to be at least this multiple of the
	// baseline's (2: double) as well.
	ConversionDrop, VolumeRise float64
	// AnsweredRate raises an alarm when more than this share of the window's ended calls were answered.
	AnsweredRate float64
	// CallerIDDrop raises an alarm when a caller-ID range's delivered rate is below this share of the whole
	// pool's in the window.
	CallerIDDrop float64
}

// Alarm is one condition found.
type Alarm struct {
	// Kind says what it is; By and Key the scope it is about (ByCountry "GB", ByPrefix "+4474001234",
	// ByCLI "+44741834••••", or "" and "all" for the whole service).
	Kind Kind
	By   stats.Dimension
	Key  string
	// Window and Baseline are the scope's counts in each span (Baseline zero for the kinds without one).
	Window, Baseline stats.Counts
	// Detail says it in words, with the figures and the thresholds.
	Detail string
}

// ID names the alarm's condition, the same for as long as it lasts: kind, scope and key.
func (a Alarm) ID() string {
	by := string(a.By)
	if by == "" {
		by = "all"
	}
	return string(a.Kind) + " " + by + " " + a.Key
}

// FromID is the alarm an ID names, without its figures or words (ID's inverse): what an instance knows of an
// alarm another one raised.
func FromID(id string) Alarm {
	kind, rest, _ := strings.Cut(id, " ")
	by, key, _ := strings.Cut(rest, " ")
	if by == "all" {
		by = ""
	}
	return Alarm{Kind: Kind(kind), By: stats.Dimension(by), Key: key, Detail: id}
}

// Dimensions are the breakdowns Evaluate needs in the window's figures (the baseline's need the first two).
var Dimensions = []stats.Dimension{stats.ByCountry, stats.ByPrefix, stats.ByCLI}

// Evaluate returns the alarms that window's figures raise against baseline's, in a stable order (by kind,
// then scope, then key). window must be computed with Dimensions, baseline with ByCountry and ByPrefix.
func Evaluate(window, baseline stats.Figures, s Settings) []Alarm {
	var out []Alarm
	if s.ConversionDrop > 0 {
		for _, d := range []stats.Dimension{stats.ByCountry, stats.ByPrefix} {
			base := index(baseline.By[d])
			for _, r := range window.By[d] {
				if a, ok := conversionDrop(d, r, base[r.Key], baseline.Total, s); ok {
					out = append(out, a)
				}
			}
		}
	}
	if s.AnsweredRate > 0 {
		if t := window.Total; t.Ended >= s.MinCalls && t.AnsweredRate() > s.AnsweredRate {
			out = append(out, answered("", "all", t, s))
		}
		for _, r := range window.By[stats.ByCountry] {
			if r.Ended >= s.MinCalls && r.AnsweredRate() > s.AnsweredRate {
				out = append(out, answered(stats.ByCountry, r.Key, r.Counts, s))
			}
		}
	}
	if s.CallerIDDrop > 0 {
		pool := window.Total.DeliveredRate()
		for _, r := range window.By[stats.ByCLI] {
			if r.Key == "none" || r.Ended < s.MinCalls || pool == 0 {
				continue
			}
			if got := r.DeliveredRate(); got < pool*s.CallerIDDrop {
				out = append(out, Alarm{Kind: CallerIDBlocked, By: stats.ByCLI, Key: r.Key, Window: r.Counts,
					Detail: fmt.Sprintf("caller IDs %s: %s of %d calls delivered in the last %s against %s for the "+
						"whole pool (alarm below %s of it): a carrier has probably blocked them",
						r.Key, stats.Percent(got), r.Ended, span(s.Window), stats.Percent(pool), stats.Percent(s.CallerIDDrop))})
			}
		}
	}
	slices.SortFunc(out, func(a, b Alarm) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.By, b.By), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// conversionDrop judges one country or prefix: enough calls, conversion below the share of its baseline's
// (the whole baseline's when the scope had too few verifications to have one of its own), and calls per hour
// up by the multiple.
func conversionDrop(d stats.Dimension, r stats.Row, base, baseTotal stats.Counts, s Settings) (Alarm, bool) {
	if r.Calls < s.MinCalls || r.Verifications == 0 {
		return Alarm{}, false
	}
	ref, whose := base.VerifiedRate(), "its own"
	if base.Verifications < s.MinCalls {
		ref, whose = baseTotal.VerifiedRate(), "the whole service's"
	}
	if ref == 0 || r.VerifiedRate() >= ref*s.ConversionDrop {
		return Alarm{}, false
	}
	perHour := float64(r.Calls) / s.Window.Hours()
	basePerHour := float64(base.Calls) / s.Baseline.Hours()
	if s.VolumeRise > 0 && basePerHour > 0 && perHour < basePerHour*s.VolumeRise {
		return Alarm{}, false
	}
	rise := "from none"
	if basePerHour > 0 {
		rise = fmt.Sprintf("%.1f times its %.1f an hour", perHour/basePerHour, basePerHour)
	}
	return Alarm{Kind: ConversionDrop, By: d, Key: r.Key, Window: r.Counts, Baseline: base,
		Detail: fmt.Sprintf("%s %s: conversion %s over %d verifications in the last %s against %s %s in the %s "+
			"before (alarm below %s of it), while its calls rose to %.1f an hour (%s)", d, r.Key, stats.Percent(r.VerifiedRate()),
			r.Verifications, span(s.Window), whose, stats.Percent(ref), span(s.Baseline), stats.Percent(s.ConversionDrop), perHour, rise)}, true
}

// answered is the answered-rate alarm of a scope.
func answered(d stats.Dimension, key string, c stats.Counts, s Settings) Alarm {
	what := "all calls"
	if d != "" {
		what = string(d) + " " + key
	}
	return Alarm{Kind: AnsweredRate, By: d, Key: key, Window: c,
		Detail: fmt.Sprintf("%s: %s of %d calls answered in the last %s (alarm above %s): a flash call is "+
			"meant to be missed, and toll-fraud ranges answer at once", what, stats.Percent(c.AnsweredRate()), c.Ended,
			span(s.Window), stats.Percent(s.AnsweredRate))}
}

// index maps a breakdown's rows by key.
func index(rows []stats.Row) map[string]stats.Counts {
	m := make(map[string]stats.Counts, len(rows))
	for _, r := range rows {
		m[r.Key] = r.Counts
	}
	return m
}

// span renders a duration the way the alarms' settings are written ("1h", "7d").
func span(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
