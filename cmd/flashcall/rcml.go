package main

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/rcml"
)

// runRCML prints the flash-call RCML document built from the configuration.
func runRCML(_ context.Context, e env) int {
	fs, cfgPath := flagSet("rcml", "rcml [--config PATH]", e.stderr)
	pos, help, err := parseArgs(fs, e.args)
	if help {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(pos) > 0 {
		return usageError(fs, e.stderr, "unexpected argument %q", pos[0])
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	doc := rcml.FlashDocument(app.FlashOptions(cfg))
	out, err := rcml.Encode(doc)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall rcml: %v\n", err)
		return exitUsage
	}
	fmt.Fprint(e.stdout, string(out))
	return exitOK
}
