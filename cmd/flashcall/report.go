package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flashcall/flashcall/internal/stats"
)

const reportSynopsis = `report [--since DATE] [--until DATE] [--by country|cli|operator|hour|day|line-type|result] [--format table|csv|json] [--config PATH]

Prints the supervisor's figures for a span of the history, the same as the console's dashboard counts them:
verifications started and the share verified (conversion), calls placed and the shares delivered (rang) and
answered (billable), the median time from the first call to verified, attempts the policy blocked and
verifications locked after wrong read-backs, then a breakdown by what --by names. DATE is YYYY-MM-DD (local
midnight) or an RFC 3339 time; the span is [since, until), by default the last 7 days up to now. Caller IDs
show their range only (their code digits hidden); no phone number is printed.`

// reportFlags are the parsed flags of `flashcall report`.
type reportFlags struct {
	cfgPath      string
	since, until time.Time
	by           stats.Dimension
	format       string
}

// parseReport parses the flags; done reports that the command must return code at once.
func parseReport(e env, now time.Time) (f reportFlags, code int, done bool) {
	fs, cfgPath := flagSet("report", reportSynopsis, e.stderr)
	since := fs.String("since", "", "start of the span, YYYY-MM-DD or RFC 3339 (default: 7 days ago)")
	until := fs.String("until", "", "end of the span, not included (default: now)")
	by := fs.String("by", string(stats.ByCountry), "breakdown: country, cli, operator, hour, day, line-type or result")
	format := fs.String("format", "table", "table, csv or json")
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return f, code, true
	}
	f.cfgPath, f.until, f.since = *cfgPath, now, now.AddDate(0, 0, -7)
	var err error
	if *until != "" {
		if f.until, err = parseDate("--until", *until); err != nil {
			return f, usageError(fs, e.stderr, "%v", err), true
		}
	}
	if *since != "" {
		if f.since, err = parseDate("--since", *since); err != nil {
			return f, usageError(fs, e.stderr, "%v", err), true
		}
	}
	if !f.since.Before(f.until) {
		return f, usageError(fs, e.stderr, "--since %s is not before --until %s: the span would be empty",
			f.since.Format(time.RFC3339), f.until.Format(time.RFC3339)), true
	}
	if f.by, err = stats.ParseDimension(*by); err != nil {
		return f, usageError(fs, e.stderr, "--by: %v", err), true
	}
	f.format = strings.ToLower(*format)
	switch f.format {
	case "table", "csv", "json":
	default:
		return f, usageError(fs, e.stderr, "--format must be table, csv or json, not %q", *format), true
	}
	return f, exitOK, false
}

// runReport implements `flashcall report`.
func runReport(ctx context.Context, e env) int {
	f, code, done := parseReport(e, time.Now())
	if done {
		return code
	}
	cfg, st, code := openHistory(ctx, f.cfgPath, e)
	if st == nil {
		return code
	}
	defer st.Close()
	fig, err := stats.Compute(ctx, st, f.since, f.until, stats.Options{By: []stats.Dimension{f.by},
		CodeDigits: cfg.Call.CodeDigits, Location: time.Local})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall report: %v\n", err)
		return exitNotDone
	}
	switch f.format {
	case "csv":
		err = writeReportCSV(e.stdout, fig, f.by)
	case "json":
		err = writeReportJSON(e.stdout, fig, f.by)
	default:
		err = writeReportTable(e.stdout, fig, f.by)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall report: %v\n", err)
		return exitNotDone
	}
	return exitOK
}

// writeReportTable writes the figures for a terminal: the tiles, then the breakdown in aligned columns.
func writeReportTable(w io.Writer, f stats.Figures, by stats.Dimension) error {
	t := f.Total
	fmt.Fprintf(w, "flashcall report: %s to %s\n\n", f.Since.Local().Format("2006-01-02 15:04"), f.Until.Local().Format("2006-01-02 15:04 MST"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "verifications started\t%d\tverified %d (%s)\tlocked %d\n", t.Verifications, t.Verified, stats.Percent(t.VerifiedRate()), t.Locked)
	fmt.Fprintf(tw, "calls placed\t%d\tdelivered %d of %d ended (%s)\tanswered %d (%s)\n", t.Calls, t.Delivered, t.Ended,
		stats.Percent(t.DeliveredRate()), t.Answered, stats.Percent(t.AnsweredRate()))
	median := "none verified"
	if t.Verified > 0 {
		median = f.MedianToVerified.Round(time.Second).String()
	}
	fmt.Fprintf(tw, "blocked by policy\t%d\tmedian time to verified %s\t\n", t.Blocked, median)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tverifications\tverified\tconversion\tcalls\tdelivered\tdelivered %%\tanswered\tanswered %%\tblocked\tlocked\t\n", by.Label())
	for _, r := range f.By[by] {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%s\t%d\t%s\t%d\t%d\t\n", r.Key, r.Verifications, r.Verified, stats.Percent(r.VerifiedRate()),
			r.Calls, r.Delivered, stats.Percent(r.DeliveredRate()), r.Answered, stats.Percent(r.AnsweredRate()), r.Blocked, r.Locked)
	}
	if len(f.By[by]) == 0 {
		fmt.Fprintln(tw, "(nothing in this span)\t")
	}
	return tw.Flush()
}

// reportColumns are the CSV columns after the key.
var reportColumns = []string{"verifications", "verified", "verified_rate", "calls", "ended", "delivered", "delivered_rate",
	"answered", "answered_rate", "blocked", "locked"}

// countsRecord renders counts as the CSV columns' values (rates as fractions with 4 decimals).
func countsRecord(c stats.Counts) []string {
	f := func(r float64) string { return strconv.FormatFloat(r, 'f', 4, 64) }
	i := strconv.Itoa
	return []string{i(c.Verifications), i(c.Verified), f(c.VerifiedRate()), i(c.Calls), i(c.Ended), i(c.Delivered),
		f(c.DeliveredRate()), i(c.Answered), f(c.AnsweredRate()), i(c.Blocked), i(c.Locked)}
}

// writeReportCSV writes a spreadsheet's view: one row per key of the breakdown, then a "total" row.
func writeReportCSV(w io.Writer, f stats.Figures, by stats.Dimension) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{string(by)}, reportColumns...)); err != nil {
		return err
	}
	for _, r := range f.By[by] {
		if err := cw.Write(append([]string{r.Key}, countsRecord(r.Counts)...)); err != nil {
			return err
		}
	}
	if err := cw.Write(append([]string{"total"}, countsRecord(f.Total)...)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// reportCounts is the JSON form of stats.Counts, with the rates.
type reportCounts struct {
	Key           string  `json:"key,omitempty"`
	Verifications int     `json:"verifications"`
	Verified      int     `json:"verified"`
	VerifiedRate  float64 `json:"verified_rate"`
	Calls         int     `json:"calls"`
	Ended         int     `json:"ended"`
	Delivered     int     `json:"delivered"`
	DeliveredRate float64 `json:"delivered_rate"`
	Answered      int     `json:"answered"`
	AnsweredRate  float64 `json:"answered_rate"`
	Blocked       int     `json:"blocked"`
	Locked        int     `json:"locked"`
}

func jsonCounts(key string, c stats.Counts) reportCounts {
	return reportCounts{Key: key, Verifications: c.Verifications, Verified: c.Verified, VerifiedRate: c.VerifiedRate(),
		Calls: c.Calls, Ended: c.Ended, Delivered: c.Delivered, DeliveredRate: c.DeliveredRate(), Answered: c.Answered,
		AnsweredRate: c.AnsweredRate(), Blocked: c.Blocked, Locked: c.Locked}
}

// writeReportJSON writes a script's view: the span, the totals, the median and the breakdown's rows.
func writeReportJSON(w io.Writer, f stats.Figures, by stats.Dimension) error {
	rows := make([]reportCounts, 0, len(f.By[by]))
	for _, r := range f.By[by] {
		rows = append(rows, jsonCounts(r.Key, r.Counts))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Since             time.Time      `json:"since"`
		Until             time.Time      `json:"until"`
		By                string         `json:"by"`
		Total             reportCounts   `json:"total"`
		MedianToVerifiedS float64        `json:"median_to_verified_s"`
		Rows              []reportCounts `json:"rows"`
	}{f.Since.UTC(), f.Until.UTC(), string(by), jsonCounts("", f.Total), f.MedianToVerified.Seconds(), rows})
}
