package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/barchart"
	"github.com/charmbracelet/lipgloss"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
)

// The supervisor's dashboard: the figures of a window (stats.Compute, the same code as `flashcall report`)
// as tiles, two charts over time (verifications started, and the share verified) and a breakdown with bars.
// Every figure is written as a number too, so it reads the same without colour; the charts are
// ntcharts bar charts drawn with the session's own styles.

// dashboardData is what the dashboard shows: the figures of its window and what is live now.
type dashboardData struct {
	// Figures are the window's figures, with the breakdown and the window's series (hours or days).
	Figures stats.Figures
	// Window is the span the figures cover; By the breakdown shown.
	Window stats.Window
	By     stats.Dimension
	// Live is how many calls are live now; Operators how many operators are connected.
	Live, Operators int
	// Alarms are the alarms raised now, in words (empty: none).
	Alarms []string
	// Cost prices the window's calls (no tile when nothing is priced).
	Cost policy.Cost
}

// dashPauses is the pauses the dashboard lists, and which is selected.
type dashPauses struct {
	list       []record.Pause
	sel        int
	supervisor bool // who looks may resume them
}

// dashboard renders dashboardData at a size.
type dashboard struct {
	styles        Styles
	loc           *time.Location
	data          dashboardData
	pauses        dashPauses
	loaded        bool
	width, height int
}

// newDashboard returns an empty dashboard drawn with styles, its times in loc.
func newDashboard(styles Styles, loc *time.Location) dashboard {
	if loc == nil {
		loc = time.UTC
	}
	return dashboard{styles: styles, loc: loc}
}

// SetSize sets the area the dashboard fills.
func (d *dashboard) SetSize(w, h int) { d.width, d.height = w, h }

// SetData replaces what the dashboard shows.
func (d *dashboard) SetData(data dashboardData) { d.data, d.loaded = data, true }

// SetPauses replaces the pauses listed, sel the selected one; supervisor says whether who looks may resume
// them.
func (d *dashboard) SetPauses(ps []record.Pause, sel int, supervisor bool) {
	d.pauses = dashPauses{list: ps, sel: sel, supervisor: supervisor}
}

// maxPauseLines is how many pauses the dashboard lists at once (the selected one always among them).
const maxPauseLines = 3

// pauseLines lists the pauses in force under a title that says how to resume them; none when there are none.
func (d dashboard) pauseLines() []string {
	ps := d.pauses.list
	if len(ps) == 0 {
		return nil
	}
	how := "↑↓ select · u resume"
	if !d.pauses.supervisor {
		how = "a supervisor resumes them (u)"
	}
	out := []string{d.styles.Bad.Render(clip(fmt.Sprintf("%d pause(s) in force: new calls there are refused · %s", len(ps), how), d.width))}
	first := min(max(d.pauses.sel-maxPauseLines+1, 0), max(len(ps)-maxPauseLines, 0))
	for i := first; i < min(first+maxPauseLines, len(ps)); i++ {
		p := ps[i]
		mark := "  "
		if i == d.pauses.sel {
			mark = "› "
		}
		text := clip(fmt.Sprintf("%spause %d: %s %s since %s, by the alarm %s", mark, p.ID, p.Scope, p.Key,
			p.CreatedAt.In(d.loc).Format("Jan 2 15:04"), p.Alarm), d.width)
		if i == d.pauses.sel {
			text = d.styles.Selected.Render(fit(text, d.width))
		}
		out = append(out, text)
	}
	return out
}

// View renders the dashboard in exactly its size.
func (d dashboard) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	f, t := d.data.Figures, d.data.Figures.Total
	lines := []string{d.styles.FocusedTitle.Render(clip(fmt.Sprintf("Dashboard · %s · %s to %s", d.data.Window,
		f.Since.In(d.loc).Format("Jan 2 15:04"), f.Until.In(d.loc).Format("Jan 2 15:04")), d.width))}
	if !d.loaded {
		return frame(append(lines, d.styles.Muted.Render("counting…")), d.width, d.height)
	}
	median := "–"
	if t.Verified > 0 {
		median = f.MedianToVerified.Round(time.Second).String()
	}
	answered := d.styles.Good
	if t.Ended > 0 && t.AnsweredRate() > answeredGoal {
		answered = d.styles.Bad
	}
	tiles := []tile{
		{"verifications", strconv.Itoa(t.Verifications), d.styles.Text},
		{"calls placed", strconv.Itoa(t.Calls), d.styles.Text},
		{"delivered", stats.Percent(t.DeliveredRate()), d.styles.Text},
		{"answered (goal ≤3%)", stats.Percent(t.AnsweredRate()), answered},
		{"verified", stats.Percent(t.VerifiedRate()), d.styles.Good},
		{"median to verified", median, d.styles.Text},
		{"blocked by policy", strconv.Itoa(t.Blocked), d.styles.Warn},
		{"locked", strconv.Itoa(t.Locked), d.styles.Bad},
	}
	if c := d.data.Cost; c.PerCall > 0 || c.PerMinute > 0 {
		tiles = append(tiles, d.costTile(c, f.Billed))
	}
	lines = append(lines, d.tileRows(tiles)...)
	lines = append(lines, d.pauseLines()...)
	footer := d.liveLine()
	rest := d.height - len(lines) - 1
	chartH := min(max(rest/2, 0), 14)
	if chartH >= 5 {
		lines = append(lines, d.charts(chartH)...)
		rest -= chartH
	}
	if rest >= 2 {
		lines = append(lines, d.breakdown(rest)...)
	}
	lines = pad(lines, d.height-1)
	return frame(append(lines, footer), d.width, d.height)
}

// answeredGoal is the answered rate above which the tile turns red: a flash call should be missed, and
// 2-3 % of customers answer before it stops ringing.
const answeredGoal = 0.03

// tile is one figure on the dashboard.
type tile struct {
	label, value string
	style        lipgloss.Style
}

// costTile prices the window's calls as the daily cost cap does (every call not over yet at its worst
// case); over today it also says the cap and turns to a warning from four fifths of it.
func (d dashboard) costTile(c policy.Cost, b stats.Billed) tile {
	spend := c.Spend(b.Calls, b.Minutes)
	t := tile{"cost", c.Format(spend), d.styles.Text}
	if c.DailyCap > 0 && d.data.Window == stats.Today {
		t.label = "cost (cap " + c.DailyCap.String() + ")"
		if spend*5 >= c.DailyCap*4 {
			t.style = d.styles.Bad
		}
	}
	return t
}

// tileRows lays the tiles out in rows of as many as fit (two lines each: the label, then the value).
func (d dashboard) tileRows(tiles []tile) []string {
	const tileW = 20
	per := max(d.width/tileW, 1)
	var out []string
	for i := 0; i < len(tiles); i += per {
		var labels, values strings.Builder
		for _, t := range tiles[i:min(i+per, len(tiles))] {
			labels.WriteString(d.styles.Muted.Render(fit(t.label, tileW)))
			values.WriteString(t.style.Bold(true).Render(fit(t.value, tileW)))
		}
		out = append(out, labels.String(), values.String())
	}
	return out
}

// charts draws, side by side, the verifications started per bucket and the share of them verified, h lines
// high in all (a title, the bars, and the span under them).
func (d dashboard) charts(h int) []string {
	bucket := d.data.Window.Bucket()
	series := stats.Series(d.data.Figures, bucket, d.loc)
	unit := "hour"
	if bucket == stats.ByDay {
		unit = "day"
	}
	w := (d.width - 3) / 2
	barsH := h - 2
	started := make([]barchart.BarData, len(series))
	verified := make([]barchart.BarData, len(series))
	top, topN := 0, 0
	for i, r := range series {
		started[i] = barchart.BarData{Values: []barchart.BarValue{{Name: "started", Value: float64(r.Verifications), Style: d.styles.Spinner}}}
		verified[i] = barchart.BarData{Values: []barchart.BarValue{{Name: "verified", Value: 100 * r.VerifiedRate(), Style: d.styles.Good}}}
		if r.Verifications > topN {
			top, topN = i, r.Verifications
		}
	}
	left := d.barChart(w, barsH, started, 0)
	right := d.barChart(w, barsH, verified, 100)
	// Hours are shown by their time of day, days by their date.
	short := func(k string) string {
		if _, clock, ok := strings.Cut(k, " "); ok {
			return clock
		}
		return k
	}
	span := ""
	if n := len(series); n > 0 {
		span = short(series[0].Key) + " … " + short(series[n-1].Key)
	}
	peak := "nothing started"
	if topN > 0 {
		peak = fmt.Sprintf("peak %d at %s", topN, short(series[top].Key))
	}
	titleL := fit(fmt.Sprintf("verifications per %s (%s)", unit, peak), w)
	titleR := fit(fmt.Sprintf("verified %% per %s (0-100)", unit), w)
	out := []string{d.styles.Title.Render(titleL) + " │ " + d.styles.Title.Render(titleR)}
	lb, rb := strings.Split(left, "\n"), strings.Split(right, "\n")
	for i := 0; i < barsH; i++ {
		out = append(out, fit(line(lb, i), w)+" │ "+fit(line(rb, i), w))
	}
	out = append(out, d.styles.Muted.Render(fit(span, w)+" │ "+fit(span, w)))
	return out
}

// line is lines[i], or "" past the end.
func line(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// barChart draws data as vertical bars w cells wide and h lines high; top fixes the top of the scale (0:
// the largest value).
func (d dashboard) barChart(w, h int, data []barchart.BarData, top float64) string {
	if w < 2 || h < 1 {
		return ""
	}
	opts := []barchart.Option{barchart.WithNoAxis(), barchart.WithBarGap(0), barchart.WithDataSet(data),
		barchart.WithStyles(d.styles.Muted, d.styles.Muted)}
	if n := len(data); n > 0 {
		opts = append(opts, barchart.WithNoAutoBarWidth(), barchart.WithBarWidth(max(w/n, 1)))
	}
	if top > 0 {
		opts = append(opts, barchart.WithNoAutoMaxValue(), barchart.WithMaxValue(top))
	}
	c := barchart.New(w, h, opts...)
	c.Draw()
	return c.View()
}

// breakdown draws the breakdown by d.data.By in h lines: a title, a header, then one row per key with a bar
// of its calls.
func (d dashboard) breakdown(h int) []string {
	rows := d.data.Figures.By[d.data.By]
	keyW := 16
	cols := fmt.Sprintf("%-*s %6s %6s %9s %9s %8s ", keyW, d.data.By.Label(), "verif", "calls", "delivered", "verified", "blocked")
	barW := d.width - len(cols)
	out := []string{d.styles.Title.Render(clip(fmt.Sprintf("by %s (b changes)", d.data.By.Label()), d.width)),
		d.styles.ColumnHeader.Render(clip(cols, d.width))}
	n := min(len(rows), h-2)
	if n <= 0 {
		if len(rows) == 0 && h > 2 {
			out = append(out, d.styles.Muted.Render("nothing in this window"))
		}
		return out
	}
	bars := make([]barchart.BarData, n)
	for i, r := range rows[:n] {
		bars[i] = barchart.BarData{Values: []barchart.BarValue{{Name: "calls", Value: float64(r.Calls + r.Blocked), Style: d.styles.Spinner}}}
	}
	var barLines []string
	if barW >= 4 {
		c := barchart.New(barW, n, barchart.WithHorizontalBars(), barchart.WithNoAxis(), barchart.WithNoAutoBarWidth(),
			barchart.WithBarWidth(1), barchart.WithBarGap(0), barchart.WithDataSet(bars))
		c.Draw()
		barLines = strings.Split(c.View(), "\n")
	}
	for i, r := range rows[:n] {
		text := fmt.Sprintf("%-*s %6d %6d %9s %9s %8d ", keyW, clip(r.Key, keyW), r.Verifications, r.Calls,
			stats.Percent(r.DeliveredRate()), stats.Percent(r.VerifiedRate()), r.Blocked)
		out = append(out, clip(text+line(barLines, i), d.width))
	}
	if len(rows) > n {
		out[len(out)-1] = d.styles.Muted.Render(clip(fmt.Sprintf("… %d more", len(rows)-n+1), d.width))
	}
	return out
}

// liveLine is the dashboard's last line: what is happening now.
func (d dashboard) liveLine() string {
	alarms := d.styles.Good.Render("no alarm")
	if n := len(d.data.Alarms); n > 0 {
		alarms = d.styles.Bad.Render(fmt.Sprintf("%d alarm(s): %s", n, strings.Join(d.data.Alarms, "; ")))
	}
	return clip(fmt.Sprintf("live now: %d call(s) · %d operator(s) connected · ", d.data.Live, d.data.Operators)+alarms, d.width)
}
