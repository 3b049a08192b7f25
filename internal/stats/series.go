package stats

import "time"

// Series returns the figures of d (ByHour or ByDay) for every hour or day of [f.Since, f.Until), in time order,
// those with nothing counted as zero, so that a chart's bars are evenly spaced in time. It returns nil for
// any other dimension, or when f was computed without d. loc is the zone of the keys (UTC when nil): the one
// Compute was given.
func Series(f Figures, d Dimension, loc *time.Location) []Row {
	if d != ByHour && d != ByDay {
		return nil
	}
	rows, ok := f.By[d]
	if !ok {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	have := make(map[string]Counts, len(rows))
	for _, r := range rows {
		have[r.Key] = r.Counts
	}
	var out []Row
	start := f.Since.In(loc)
	step := func(t time.Time) time.Time { return t.Add(time.Hour) }
	layout := "2006-01-02 15:00"
	start = time.Date(start.Year(), start.Month(), start.Day(), start.Hour(), 0, 0, 0, loc)
	if d == ByDay {
		step = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
		layout = "2006-01-02"
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	}
	for t := start; t.Before(f.Until) && len(out) < maxSeries; t = step(t) {
		k := t.Format(layout)
		out = append(out, Row{Key: k, Counts: have[k]})
	}
	return out
}

// maxSeries bounds a series: 31 days of days, or a few weeks of hours.
const maxSeries = 1000
