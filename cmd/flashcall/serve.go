package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/sshserve"
)

// shutdownGrace is how long `flashcall serve` gives sessions to close after SIGTERM before cutting them off.
const shutdownGrace = 10 * time.Second

// runServe serves the console over SSH: one verification service shared by every session, with the RCML and
// callback server alongside. SIGHUP rereads the authorized keys (and ends the sessions of keys no longer
// listed); SIGTERM or SIGINT tells every session and
// shuts down, leaving calls still live recorded for reconciliation at the next start.
func runServe(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("serve", `serve [--config PATH]

Serves the console over SSH to a team (ssh -p 2222 HOST): every session shares one history, one call list
and one set of limits. Operators log in with the keys in ssh.authorized_keys, named by each key's comment;
ssh.supervisors names the supervisors. The file is reread when it changes and on SIGHUP; a removed key ends
its sessions. SIGTERM tells every session and stops; calls still live stay recorded and the next start
follows them up. See [ssh] in config.example.toml.`, e.stderr)
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	logger, closeLog, err := serveLogger(cfg, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall serve: %v\n", err)
		return exitUsage
	}
	defer closeLog()

	o := sshserve.OptionsFromConfig(cfg, e.getenv)
	o.Logger = logger
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv, Logger: logger, WatchAlarms: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall serve: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	o.Service = a.Service
	if src, ok := a.Store.(presence.Source); ok {
		// Who is connected, on every instance of the history (one instance alone lists its own).
		hub := presence.NewShared(presence.NewLocal(nil), src, a.Service.InstanceID(), nil, logger.With("component", "presence"))
		defer hub.Close()
		o.Presence = hub
	}
	srv, err := sshserve.New(o)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall serve: %v\n", err)
		return exitUsage
	}
	a.SetSessionCounter(srv.Sessions)
	ln, err := net.Listen("tcp", cfg.SSH.Listen)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall serve: ssh.listen %s: %v (another server running? pick a free port)\n",
			cfg.SSH.Listen, err)
		return exitUsage
	}
	printServeBanner(e, cfg, srv, ln.Addr().String(), o.HostKeyPath, o.AuthorizedKeysPath)
	printKeyProblems(e, srv.KeyProblems())

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for {
		select {
		case <-hup:
			set, err := srv.ReloadKeys()
			if err != nil {
				fmt.Fprintf(e.stderr, "flashcall serve: SIGHUP: authorized keys unreadable: %v\n", err)
				continue
			}
			fmt.Fprintf(e.stdout, "flashcall serve: SIGHUP: %d authorized keys, %d lines skipped\n", set.Len(),
				len(set.Problems()))
			printKeyProblems(e, set.Problems())
		case err := <-served:
			fmt.Fprintf(e.stderr, "flashcall serve: the SSH server stopped: %v\n", err)
			return exitInternal
		case <-ctx.Done():
			return shutdownServe(e, srv, a, served)
		}
	}
}

// shutdownServe tells every session, waits for them up to shutdownGrace, and reports the calls still live:
// the verification service keeps tracking them until it closes, and leaves them recorded for the next start.
func shutdownServe(e env, srv *sshserve.Server, a *app.App, served <-chan error) int {
	fmt.Fprintf(e.stdout, "flashcall serve: shutting down: closing %d sessions\n", srv.Sessions())
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(e.stderr, "flashcall serve: some sessions did not close within %s and were cut off\n", shutdownGrace)
	}
	<-served
	if live := len(a.Service.Live()); live > 0 {
		fmt.Fprintf(e.stdout, "flashcall serve: %d calls still live stay recorded and are reconciled at the next start\n", live)
	}
	fmt.Fprintln(e.stdout, "flashcall serve: stopped")
	return exitOK
}

// supervisorList names the supervisors for the banner.
func supervisorList(names []string) string {
	if len(names) == 0 {
		return "none (ssh.supervisors)"
	}
	return strings.Join(names, ", ")
}

// printServeBanner says where the server listens, how to check its host key, and who may log in.
func printServeBanner(e env, cfg *config.Config, srv *sshserve.Server, addr, hostKey, keys string) {
	state := ""
	if srv.HostKeyCreated() {
		state = ", new"
	}
	fmt.Fprintf(e.stdout, "flashcall serve: SSH host key %s (%s%s)\n", srv.Fingerprint(), hostKey, state)
	backend := "the simulator"
	if !cfg.UsesSimulator() {
		backend = "Restcomm at " + cfg.Restcomm.BaseURL
	}
	fmt.Fprintf(e.stdout, "flashcall serve: listening on %s (calls go to %s)\n", addr, backend)
	if srv.Anonymous() {
		fmt.Fprintln(e.stdout, "flashcall serve: DEMO: anyone can log in (ssh.allow_anonymous, simulator only)")
	} else {
		fmt.Fprintf(e.stdout, "flashcall serve: operators log in with the keys in %s, each named by its line's "+
			"comment (reread when it changes, or on SIGHUP); supervisors: %s\n", keys, supervisorList(cfg.SSH.Supervisors))
	}
}

// printKeyProblems names each authorized_keys line that was skipped, as FILE:LINE: reason, on standard
// error: a key that does not work should be noticed when the server starts, not when its operator calls.
func printKeyProblems(e env, problems []sshserve.KeyProblem) {
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "flashcall serve: warning: %s\n", p)
	}
}

// serveLogger logs to ssh.log_file (mode 0600) or, when it is empty, to standard error.
func serveLogger(cfg *config.Config, e env) (*slog.Logger, func(), error) {
	path := cfg.SSHLogPath(e.getenv)
	if path == "" {
		return app.NewLogger(e.stderr, cfg.Log.Level), func() {}, nil
	}
	lg, closeLog, err := app.OpenLogFile(path, cfg.Log.Level)
	if err != nil {
		return nil, nil, fmt.Errorf("ssh.log_file: %w (set it to a writable file, or empty for standard error)", err)
	}
	return lg, closeLog, nil
}
