package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

const historySynopsis = `history export [--format csv|json] [--since DATE] [--reveal] [--config PATH]

Writes every attempt to stdout, oldest first. DATE is YYYY-MM-DD or an RFC 3339 time. Numbers are masked
(country code and last 3 digits) unless --reveal is given; every export is recorded in the audit log.`

const auditSynopsis = `audit export [--format csv|json] [--since DATE] [--config PATH]

Writes the audit log (who did what, when, from where) to stdout, oldest first. The export itself is audited.`

// exportFlags are the flags shared by history export and audit export.
type exportFlags struct {
	cfgPath, format, since *string
	reveal                 *bool
}

// parseExport parses `<name> export` flags; done reports that the command must return code at once.
func parseExport(name, synopsis string, withReveal bool, e env) (f exportFlags, from time.Time, code int, done bool) {
	fs, cfgPath := flagSet(name, synopsis, e.stderr)
	f.cfgPath = cfgPath
	f.format = fs.String("format", "csv", "csv or json")
	f.since = fs.String("since", "", "only entries at or after DATE (YYYY-MM-DD or RFC 3339)")
	if withReveal {
		f.reveal = fs.Bool("reveal", false, "write full phone numbers (audited)")
	} else {
		f.reveal = new(bool)
	}
	pos, help, err := parseArgs(fs, e.args)
	switch {
	case help:
		return f, from, exitOK, true
	case err != nil:
		return f, from, exitUsage, true
	case len(pos) != 1 || pos[0] != "export":
		return f, from, usageError(fs, e.stderr, "the only %s command is: %s export", name, name), true
	}
	*f.format = strings.ToLower(*f.format)
	if *f.format != "csv" && *f.format != "json" {
		return f, from, usageError(fs, e.stderr, "--format must be csv or json, not %q", *f.format), true
	}
	if *f.since != "" {
		if from, err = parseSince(*f.since); err != nil {
			return f, from, usageError(fs, e.stderr, "%v", err), true
		}
	}
	return f, from, exitOK, false
}

// openHistory loads the configuration and opens the history it names: the SQLite file, or the PostgreSQL
// database of history.url.
func openHistory(ctx context.Context, cfgPath string, e env) (*config.Config, app.History, int) {
	cfg, code := loadConfig(cfgPath, e)
	if cfg == nil {
		return nil, nil, code
	}
	st, err := app.OpenHistory(ctx, cfg, e.getenv, false)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall: %v\n", err)
		return nil, nil, exitUsage
	}
	return cfg, st, exitOK
}

// runHistory implements `flashcall history export`.
func runHistory(ctx context.Context, e env) int {
	return runExport(ctx, e, "history", historySynopsis, true,
		func(f exportFlags, cfg *config.Config) (string, func(app.History, time.Time) error) {
			mask, what := record.MaskNumber, "history export ("+*f.format+", numbers masked)"
			if *f.reveal {
				mask, what = nil, "history export ("+*f.format+", numbers REVEALED)"
			}
			// The caller ID's last digits are an open verification's code, not the customer's number:
			// --reveal does not show them either.
			digits := cfg.Call.CodeDigits
			hideCode := func(from string) string { return record.MaskCode(from, digits) }
			return what, func(st app.History, from time.Time) error {
				return st.Export(ctx, e.stdout, store.ExportOptions{Format: *f.format, Since: from, Mask: mask, MaskCode: hideCode})
			}
		})
}

// runAudit implements `flashcall audit export`.
func runAudit(ctx context.Context, e env) int {
	return runExport(ctx, e, "audit", auditSynopsis, false,
		func(f exportFlags, _ *config.Config) (string, func(app.History, time.Time) error) {
			return "audit log export (" + *f.format + ")", func(st app.History, from time.Time) error {
				return st.ExportAudit(ctx, e.stdout, *f.format, record.AuditQuery{Since: from})
			}
		})
}

// runExport parses an export command, opens the history, records the export in the audit log, then writes
// it. plan says, from the flags, what the audit entry calls the export and how to write it. An export that
// cannot be audited does not happen.
func runExport(ctx context.Context, e env, name, synopsis string, withReveal bool,
	plan func(exportFlags, *config.Config) (string, func(app.History, time.Time) error)) int {
	f, from, code, done := parseExport(name, synopsis, withReveal, e)
	if done {
		return code
	}
	cfg, st, code := openHistory(ctx, *f.cfgPath, e)
	if st == nil {
		return code
	}
	defer st.Close()
	what, write := plan(f, cfg)
	if err := auditExport(ctx, st, cfg, e, what); err != nil {
		fmt.Fprintf(e.stderr, "flashcall %s: %v\n", name, err)
		return exitNotDone
	}
	if err := write(st, from); err != nil {
		fmt.Fprintf(e.stderr, "flashcall %s: %v\n", name, err)
		return exitNotDone
	}
	return exitOK
}

// auditExport records an export in the audit log.
func auditExport(ctx context.Context, st app.History, cfg *config.Config, e env, what string) error {
	op := localOperator(cfg, e.getenv)
	return st.AddAudit(ctx, &record.AuditEntry{At: time.Now(), Operator: op.String(), Remote: op.Remote,
		Action: record.AuditExport, Detail: what})
}

// parseSince reads --since as a local date or an RFC 3339 time.
func parseSince(s string) (time.Time, error) { return parseDate("--since", s) }
