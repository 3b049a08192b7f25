package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/store"
)

const historySynopsis = `history export [--format csv|json] [--since DATE] [--config PATH]

Writes every attempt to stdout, newest first. DATE is YYYY-MM-DD or an RFC 3339 time.`

// runHistory implements `flashcall history export`.
func runHistory(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("history", historySynopsis, e.stderr)
	format := fs.String("format", "csv", "csv or json")
	since := fs.String("since", "", "only attempts at or after DATE (YYYY-MM-DD or RFC 3339)")
	pos, help, err := parseArgs(fs, e.args)
	if help {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 || pos[0] != "export" {
		return usageError(fs, e.stderr, "the only history command is: history export")
	}
	f := strings.ToLower(*format)
	if f != "csv" && f != "json" {
		return usageError(fs, e.stderr, "--format must be csv or json, not %q", *format)
	}
	var from time.Time
	if *since != "" {
		from, err = parseSince(*since)
		if err != nil {
			return usageError(fs, e.stderr, "%v", err)
		}
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	path := cfg.History.Path
	if path == "" {
		path = cfg.HistoryPath(e.getenv)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall history: %v\n", err)
		return exitUsage
	}
	defer st.Close()
	if err := st.Export(ctx, e.stdout, store.ExportOptions{Format: f, Since: from}); err != nil {
		fmt.Fprintf(e.stderr, "flashcall history: %v\n", err)
		return exitNotDone
	}
	return exitOK
}

// parseSince reads --since as a local date or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: use YYYY-MM-DD or an RFC 3339 time such as 2026-11-26T09:00:00Z", s)
}
