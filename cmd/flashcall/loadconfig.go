package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/flashcall/flashcall/internal/config"
)

// loadConfig finds, loads and validates the configuration. On failure it prints why to stderr and returns a
// non-zero exit code; warnings (a token file others can read) are printed and do not stop anything.
func loadConfig(flagPath string, e env) (*config.Config, int) {
	cfg, code := loadConfigQuiet(flagPath, e)
	if cfg != nil {
		for _, w := range cfg.Warnings() {
			fmt.Fprintf(e.stderr, "flashcall: warning: %s\n", w)
		}
	}
	return cfg, code
}

// loadConfigQuiet is loadConfig without printing the warnings, for the console, which shows them on screen.
func loadConfigQuiet(flagPath string, e env) (*config.Config, int) {
	path, explicit := config.Locate(flagPath, e.getenv)
	named, without := "--config", "leave --config out"
	if flagPath == "" {
		named, without = "$FLASHCALL_CONFIG", "unset $FLASHCALL_CONFIG"
	}
	if path == "" && explicit {
		fmt.Fprintf(e.stderr, "flashcall: %s names no file: give the configuration file's path, or %s to run "+
			"against the embedded simulator\n", named, without)
		return nil, exitUsage
	}
	if path != "" && explicit {
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(e.stderr, "flashcall: %s\n", missingConfig(path, named, without, err))
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
	return cfg, exitOK
}

// missingConfig words why the configuration file that --config or $FLASHCALL_CONFIG names cannot be used,
// without the raw stat error.
func missingConfig(path, named, without string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("the configuration file %s (named by %s) does not exist: check the path, or %s to run "+
			"against the embedded simulator (config.example.toml lists every key)", path, named, without)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("the configuration file %s (named by %s) cannot be read: you lack permission on it or a "+
			"directory above it", path, named)
	}
	return fmt.Sprintf("the configuration file %s (named by %s) cannot be used: %v", path, named, errors.Unwrap(err))
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
