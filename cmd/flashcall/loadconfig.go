package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/flashcall/flashcall/internal/config"
)

// loadConfig finds, loads and validates the configuration. On failure it prints why to stderr and returns a
// non-zero exit code; warnings (a token file others can read) are printed and do not stop anything.
func loadConfig(flagPath string, e env) (*config.Config, int) {
	path, explicit := config.Locate(flagPath, e.getenv)
	if path == "" && explicit {
		fmt.Fprintln(e.stderr, "flashcall: the configuration file named by --config or $FLASHCALL_CONFIG does not exist")
		return nil, exitUsage
	}
	if path != "" && explicit {
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(e.stderr, "flashcall: %v\n", err)
			return nil, exitUsage
		}
	}
	cfg, err := config.Load(path, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall: %v\n", err)
		return nil, exitUsage
	}
	if err := cfg.Validate(); err != nil {
		where := "configuration"
		if cfg.Source() != "" {
			where = cfg.Source()
		}
		fmt.Fprintf(e.stderr, "flashcall: %s has problems:\n%v\n", where, indent(err.Error()))
		return nil, exitUsage
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(e.stderr, "flashcall: warning: %s\n", w)
	}
	return cfg, exitOK
}

// indent prefixes every line with two spaces and a dash. It is linear: a configuration with thousands of
// problems (a blocked-prefixes file of garbage) must print at once.
func indent(s string) string {
	body, nl := strings.CutSuffix(s, "\n")
	out := "  - " + strings.ReplaceAll(body, "\n", "\n  - ")
	if nl {
		out += "\n"
	}
	return out
}
