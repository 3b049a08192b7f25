package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

const alarmsSynopsis = `alarms [resume ID | restore RANGE] [--config PATH]

Lists what the alarms stopped: the pauses in force (the countries and number ranges whose new calls an alarm
stopped, [alarms] pause), with the pause's ID, since when and which alarm, and the rested caller IDs (the
caller-ID ranges a caller-ID alarm stopped picking, [alarms] rest_caller_ids). For a supervisor
(console.supervisor for this machine's user): "alarms resume ID" lets calls to one paused scope through again
(audited as calls-resumed), and "alarms restore RANGE" lets the caller-ID selection pick a rested range again
(RANGE as listed, e.g. "+44741834••••", or with x for the hidden digits, +44741834xxxx; audited as
caller-id-restored). The alarms themselves are in the audit log (alarm-raised, alarm-cleared) and on the
console's dashboard (D).`

// runAlarms implements `flashcall alarms`, `flashcall alarms resume ID` and `flashcall alarms restore RANGE`.
func runAlarms(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("alarms", alarmsSynopsis, e.stderr)
	pos, help, err := parseArgs(fs, e.args)
	switch {
	case help:
		return exitOK
	case err != nil:
		return exitUsage
	case len(pos) != 0 && (len(pos) != 2 || (pos[0] != "resume" && pos[0] != "restore")):
		return usageError(fs, e.stderr, "usage: flashcall alarms, flashcall alarms resume ID, or flashcall alarms restore RANGE")
	}
	var id int64
	var restore string
	switch {
	case len(pos) == 2 && pos[0] == "resume":
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil || id <= 0 {
			return usageError(fs, e.stderr, "%q is not a pause's ID: use the number flashcall alarms lists", pos[1])
		}
	case len(pos) == 2:
		if restore, err = verify.RestKey(pos[1]); err != nil {
			return usageError(fs, e.stderr, "%v", err)
		}
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	cfg.Alarms.Enabled = false // this run only reads, resumes and restores: the running consoles raise the alarms
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv, NoServer: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	switch {
	case id != 0:
		return resumePause(ctx, e, a, localOperator(cfg, e.getenv), id)
	case restore != "":
		return restoreCallerID(ctx, e, a, localOperator(cfg, e.getenv), restore)
	}
	return listAlarms(ctx, e, a)
}

// resumePause ends pause id for op.
func resumePause(ctx context.Context, e env, a *app.App, op record.Operator, id int64) int {
	p, err := a.Service.ResumePause(ctx, op, id)
	if err != nil {
		return supervisorActionFailed(e, err, fmt.Sprintf("no pause %d is in force", id))
	}
	fmt.Fprintf(e.stdout, "resumed: calls to %s %s go through again (pause %d)\n", p.Scope, p.Key, p.ID)
	return exitOK
}

// restoreCallerID ends the rest of a caller-ID range for op.
func restoreCallerID(ctx context.Context, e env, a *app.App, op record.Operator, key string) int {
	r, err := a.Service.RestoreCallerID(ctx, op, key)
	if err != nil {
		return supervisorActionFailed(e, err, fmt.Sprintf("caller IDs %s are not rested", key))
	}
	fmt.Fprintf(e.stdout, "restored: calls may ring from caller IDs %s again (rest %d)\n", r.Key, r.ID)
	return exitOK
}

// supervisorActionFailed says why a resume or a restore did not happen and returns the exit code: a
// non-supervisor's refusal exits as a policy refusal, nothing to act on (notFound says what) or a history
// fault as not done.
func supervisorActionFailed(e env, err error, notFound string) int {
	var role *verify.RoleError
	switch {
	case errors.As(err, &role):
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitPolicy
	case errors.Is(err, store.ErrNotFound):
		fmt.Fprintf(e.stderr, "flashcall alarms: %s: flashcall alarms lists those that are\n", notFound)
		return exitNotDone
	}
	fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
	return exitNotDone
}

// listAlarms prints the pauses in force and the rested caller IDs.
func listAlarms(ctx context.Context, e env, a *app.App) int {
	ps, err := a.Service.Pauses(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitNotDone
	}
	rs, err := a.Service.RestedCallerIDs(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall alarms: %v\n", err)
		return exitNotDone
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stdout, "no pause in force: calls go to every country and range the policy allows")
	}
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "pause %d: %s %s since %s, by the alarm %s\n", p.ID, p.Scope, p.Key,
			p.CreatedAt.Local().Format("2006-01-02 15:04 MST"), p.Alarm)
	}
	if len(rs) == 0 {
		fmt.Fprintln(e.stdout, "no caller ID rested: calls ring from the whole pool")
	}
	for _, r := range rs {
		fmt.Fprintf(e.stdout, "rested caller IDs %s since %s, by the alarm %s (flashcall alarms restore %s)\n", r.Key,
			r.CreatedAt.Local().Format("2006-01-02 15:04 MST"), r.Alarm, r.Key)
	}
	return exitOK
}
