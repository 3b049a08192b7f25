package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
)

// runVersion prints flashcall's version, from the build information Go records in the binary: the module
// version (a release tag, or "(devel)" for a build from a work tree), the VCS revision and time, and whether
// the tree had uncommitted changes.
func runVersion(_ context.Context, e env) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: flashcall version (or flashcall --version)\n\nPrints flashcall's version, "+
			"its source revision and the Go release it was built with.")
	}
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
	}
	fmt.Fprintln(e.stdout, versionLine())
	return exitOK
}

// versionLine is "flashcall VERSION (revision REV, TIME[, modified]) GO", as much as the build recorded.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "flashcall (no build information recorded)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var parts []string
	if rev != "" {
		parts = append(parts, "revision "+rev[:min(len(rev), 12)])
	}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	line := "flashcall " + version
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	return line + " " + info.GoVersion
}
