// Command flashcall is a terminal console for verifying customers' phone numbers by flash call through
// Restcomm. With no configuration it runs against an embedded Restcomm simulator.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes shared by every subcommand; `flashcall call` documents them in its help.
const (
	exitOK       = 0
	exitNotDone  = 1 // not delivered, or not verified
	exitUsage    = 2 // usage or configuration error
	exitPolicy   = 3 // refused by policy or number intake
	exitAPI      = 4 // Restcomm API error
	exitUnknown  = 5 // outcome unknown
	exitInternal = 1
)

// env is what a subcommand gets from the process: arguments, streams and the environment.
type env struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) int
}

func commands() []command {
	return []command{
		{"console", "run the operator console (the default)", runConsole},
		{"serve", "serve the console to a team over SSH (ssh -p 2222 HOST)", runServe},
		{"call", "place one flash call without the screen (scripts)", runCall},
		{"history", "export the history: history export --format csv|json [--since DATE] [--reveal]", runHistory},
		{"report", "the supervisor's figures over a span, by country, caller ID, operator, hour, day, line type or result", runReport},
		{"alarms", "the pauses alarms put in force; alarms resume ID lets calls through again (supervisors)", runAlarms},
		{"override", "lift one rule for the next call to a number: override NUMBER --rule RULE --reason TEXT (supervisors)", runOverride},
		{"audit", "export or verify the audit log: audit export --format csv|json [--since DATE]; audit verify", runAuditCommand},
		{"rcml", "print the RCML document Restcomm plays when a customer answers", runRCML},
		{"doctor", "check configuration, credentials and the RCML URL", runDoctor},
		{"sim", "run the Restcomm simulator standalone", runSim},
		{"version", "print flashcall's version and source revision (also --version)", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env{args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand; with none, or with only flags, it runs the console.
func run(ctx context.Context, e env) int {
	e.args = configFirst(e.args)
	if len(e.args) > 0 {
		switch e.args[0] {
		case "help", "-h", "--help", "-help":
			usage(e.stdout)
			return exitOK
		case "--version", "-version", "-V":
			e.args = e.args[1:]
			return runVersion(ctx, e)
		}
		for _, c := range commands() {
			if e.args[0] == c.name {
				e.args = e.args[1:]
				return c.run(ctx, e)
			}
		}
		if e.args[0] != "" && e.args[0][0] != '-' {
			fmt.Fprintf(e.stderr, "flashcall: unknown command %q\n\n", e.args[0])
			usage(e.stderr)
			return exitUsage
		}
	}
	return runConsole(ctx, e)
}

// configFirst lets --config come before the command too ("flashcall --config X call N"): it moves a leading
// --config PATH (or --config=PATH) behind the command name, where the command's own flags parse it.
func configFirst(args []string) []string {
	n := 0
	switch {
	case len(args) >= 2 && (args[0] == "--config" || args[0] == "-config"):
		n = 2
	case len(args) >= 1 && (strings.HasPrefix(args[0], "--config=") || strings.HasPrefix(args[0], "-config=")):
		n = 1
	}
	if n == 0 || len(args) == n {
		return args
	}
	for _, c := range commands() {
		if args[n] == c.name {
			out := append([]string{c.name}, args[:n]...)
			return append(out, args[n+1:]...)
		}
	}
	return args
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "flashcall: verify customers' phone numbers by flash call through Restcomm.")
	fmt.Fprintln(w, "\nUsage: flashcall [command] [--config PATH] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nWith no configuration file, calls go to an embedded simulator and nothing reaches a real phone.")
	fmt.Fprintln(w, "Configuration: --config PATH, $FLASHCALL_CONFIG, or $XDG_CONFIG_HOME/flashcall/config.toml.")
	fmt.Fprintln(w, "Run 'flashcall COMMAND --help' for a command's flags.")
}
