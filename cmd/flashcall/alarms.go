package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

const alarmsSynopsis = `alarms [resume ID] [--config PATH]

Lists the pauses in force: the countries and number ranges whose new calls an alarm stopped ([alarms] pause),
with the pause's ID, since when and which alarm. "alarms resume ID" lets calls to that one through again, for
a supervisor (console.supervisor for this machine's user; audited as calls-resumed). The alarms themselves
are in the audit log (alarm-raised, alarm-cleared) and on the console's dashboard (D).`

// runAlarms implements `flashcall alarms` and `flashcall alarms resume ID`.
func runAlarms(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("alarms", alarmsSynopsis, e.stderr)
	pos, help, err := parseArgs(fs, e.args)
	switch {
	case help:
		return exitOK
	case err != nil:
		return exitUsage
	case len(pos) != 0 && (len(pos) != 2 || pos[0] != "resume"):
		return usageError(fs, e.stderr, "usage: flashcall alarms, or flashcall alarms resume ID")
	}
	var id int64
	if len(pos) == 2 {
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil || id <= 0 {
			return usageError(fs, e.stderr, "%q is not a pause's ID: use the number flashcall alarms lists", pos[1])
		}
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	cfg.Alarms.Enabled = false // this run only reads and resumes: the running consoles raise the alarms
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv, NoServer: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	if id != 0 {
		p, err := a.Service.ResumePause(ctx, localOperator(cfg, e.getenv), id)
		var role *verify.RoleError
		switch {
		case errors.As(err, &role):
			fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
			return exitPolicy
		case errors.Is(err, store.ErrNotFound):
			fmt.Fprintf(e.stderr, "flashcall alarms: no pause %d is in force: flashcall alarms lists those that are\n", id)
			return exitNotDone
		case err != nil:
			fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
			return exitNotDone
		}
		fmt.Fprintf(e.stdout, "resumed: calls to %s %s go through again (pause %d)\n", p.Scope, p.Key, p.ID)
		return exitOK
	}
	ps, err := a.Service.Pauses(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitNotDone
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stdout, "no pause in force: calls go to every country and range the policy allows")
		return exitOK
	}
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "pause %d: %s %s since %s, by the alarm %s\n", p.ID, p.Scope, p.Key,
			p.CreatedAt.Local().Format("2006-01-02 15:04 MST"), p.Alarm)
	}
	return exitOK
}
