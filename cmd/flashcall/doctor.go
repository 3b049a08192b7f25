package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/restcomm"
)

// serverSettingNotes explain the two Restcomm server settings (runtime-settings in restcomm.xml) that break
// flash calls and cannot be read through the API. The first is spelt as in Restcomm's configuration.
var serverSettingNotes = []string{
	"note Restcomm setting outboudproxy-user-at-from-header (restcomm.xml runtime-settings/outbound-proxy, on by " +
		"default) must be false: when on, callees see the proxy user instead of your From, so the last digits " +
		"are not the code and look-ups by From fail",
	"note Restcomm setting normalize-numbers-for-outbound-calls (restcomm.xml runtime-settings): when true, " +
		"From/To are read as US numbers; flashcall sends From with a leading + so it survives: check the caller " +
		"ID shown on a test call",
}

// doctorOut prints the doctor's lines with every secret it knows masked, whatever the line quotes: redact
// (config.Config.Redact) hides the auth token and any value that looks like it, whichever key holds it, and
// the user:password of URLs; secrets are further values masked wherever they occur (the simulator's token).
type doctorOut struct {
	w       io.Writer
	redact  func(string) string
	secrets []string
}

func (o *doctorOut) printf(format string, a ...any) {
	s := fmt.Sprintf(format, a...)
	if o.redact != nil {
		s = o.redact(s)
	}
	for _, sec := range o.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "********")
		}
	}
	fmt.Fprintln(o.w, strings.TrimRight(s, "\n"))
}

// runDoctor checks the configuration, the credentials and the RCML URL, and says how to fix what fails:
// "ok   " lines for what works, "warn " for what works but not as meant, "FAIL " for what breaks calls
// (exit 1, or 4 when the credentials fail, 2 when the configuration does), and "note " for what only the
// Restcomm administrator can check.
func runDoctor(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("doctor", `doctor [--config PATH]

Checks what flashcall would use, without placing a call: the configuration (file and line of each problem),
the caller-ID pools and their guess odds, the destination policy, the history database, the Restcomm
credentials, and the RCML document fetched as Restcomm would fetch it (status, content type, XML, length of
the spoken text against the ring). Each line is "ok", "warn" (works, not as meant), "FAIL" (breaks calls,
with what to do) or "note" (only the Restcomm administrator can check). Exit 0 when nothing fails, 1 when
something does, 4 when Restcomm refuses the credentials, 2 for a broken configuration. The auth token is
never printed.`, e.stderr)
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		fmt.Fprintln(e.stdout, "FAIL configuration (see above)")
		return code
	}
	out := &doctorOut{w: e.stdout, redact: cfg.Redact, secrets: []string{cfg.Restcomm.AuthToken.Reveal()}}
	src := cfg.Source()
	if src == "" {
		src = "no file: defaults and environment (embedded simulator)"
	}
	out.printf("ok   configuration: %s", src)
	reportGuessOdds(out, cfg)
	for _, l := range cfg.PolicyRules(e.getenv).Describe() {
		out.printf("ok   policy %s", l)
	}
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv})
	if err != nil {
		out.printf("FAIL start-up: %v", err)
		return exitUsage
	}
	defer a.Close()
	if a.Sim != nil {
		out.secrets = append(out.secrets, a.Sim.AuthToken())
	}
	reportHistory(ctx, out, a.Store)
	worst := exitOK

	cctx, cancel := context.WithTimeout(ctx, cfg.Restcomm.RequestTimeout.Duration)
	_, err = a.Client.ListCallsPage(cctx, restcomm.ListFilter{PageSize: 1}, 0)
	cancel()
	backend := a.Service.Info().Backend
	if err != nil {
		out.printf("FAIL credentials for %s: %v", backend, err)
		worst = exitAPI
	} else {
		out.printf("ok   credentials: %s accepted account %s", backend, a.Service.Info().AccountSID)
	}

	probe := rcmlProbe{url: a.RCMLURL, method: cfg.Call.RCMLMethod, ringTimeout: cfg.Call.Timeout}
	if !reportRCML(out, probe.check(ctx), displayURL(a.RCMLURL)) && worst == exitOK {
		worst = exitNotDone
	}
	if cfg.Server.PublicURL == "" && a.Sim == nil {
		out.printf("note status callbacks are off (server.public_url is empty): calls are tracked by polling only")
	}
	for _, n := range serverSettingNotes {
		out.printf("%s", n)
	}
	return worst
}

// reportGuessOdds prints, for the default caller-ID pool and each per-country one, the chance that a caller
// who never got the call passes a verification by guessing the code: an ok line at 1 in 1,000 or better,
// else a warn line with the fix on a real account, a note on the simulator (which calls no real phone).
func reportGuessOdds(out *doctorOut, cfg *config.Config) {
	gs, err := cfg.PoolGuesses()
	if err != nil { // Validate already refused such a configuration
		out.printf("FAIL caller IDs: %v", err)
		return
	}
	for _, g := range gs {
		line := fmt.Sprintf("caller IDs %s: %s, %s: a guess passes %s per verification (verify.max_checks = %d)",
			g.Key, g.Pool, g.CodesText(), g.Odds(), cfg.Verify.MaxChecks)
		switch {
		case !g.Weak():
			out.printf("ok   %s", line)
		case cfg.UsesSimulator():
			out.printf("note %s, above 1 in 1,000: fine for the simulator; with a real account %s", line,
				cfg.GuessFix(g.Key))
		default:
			out.printf("warn %s, above 1 in 1,000: %s", line, cfg.GuessFix(g.Key))
		}
	}
}

// reportRCML prints the findings of the RCML check: a FAIL line per failure, a warn line per warning, and,
// when nothing failed, one ok line carrying the informational findings. It reports whether nothing failed.
func reportRCML(out *doctorOut, fs []finding, where string) bool {
	failed := false
	var infos []string
	for _, f := range fs {
		switch f.sev {
		case sevFail:
			failed = true
			out.printf("FAIL RCML document at %s: %s", where, f.msg)
		case sevWarn:
			out.printf("warn RCML document: %s", f.msg)
		default:
			infos = append(infos, f.msg)
		}
	}
	if failed {
		return false
	}
	line := fmt.Sprintf("ok   RCML document: %s serves a valid document", where)
	if len(infos) > 0 {
		line += " (" + strings.Join(infos, "; ") + ")"
	}
	out.printf("%s", line)
	return true
}
