package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet builds a subcommand's flag set with the --config flag every subcommand accepts.
func flagSet(name, synopsis string, w io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	cfg := fs.String("config", "", "configuration file (default $FLASHCALL_CONFIG or $XDG_CONFIG_HOME/flashcall/config.toml)")
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: flashcall %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, cfg
}

// parseArgs parses flags that may come before or after positional arguments ("call NUMBER --json" and
// "call --json NUMBER" alike) and returns the positional ones. help reports --help, which is not an error.
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, help bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, false, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), false, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError prints a usage problem and the command's usage, and returns the usage exit code.
func usageError(fs *flag.FlagSet, w io.Writer, format string, a ...any) int {
	fmt.Fprintf(w, "flashcall %s: %s\n\n", fs.Name(), strings.TrimSpace(fmt.Sprintf(format, a...)))
	fs.Usage()
	return exitUsage
}

// parseNoArgs parses the flags of a subcommand that takes no positional arguments. done reports that the
// command must return code at once: --help was shown, or the arguments were wrong.
func parseNoArgs(fs *flag.FlagSet, args []string, w io.Writer) (code int, done bool) {
	pos, help, err := parseArgs(fs, args)
	switch {
	case help:
		return exitOK, true
	case err != nil:
		return exitUsage, true
	case len(pos) > 0:
		return usageError(fs, w, "unexpected argument %q", pos[0]), true
	}
	return exitOK, false
}
