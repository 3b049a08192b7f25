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
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
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
