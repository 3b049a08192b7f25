package main

import (
	"context"
	"fmt"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/rcml"
)

// runRCML prints the flash-call RCML document built from the configuration.
func runRCML(_ context.Context, e env) int {
	fs, cfgPath := flagSet("rcml", `rcml [--config PATH]

Prints the RCML document Restcomm plays to a customer who answers the flash call (rcml.text, voice,
language, loop), for hosting it yourself at call.rcml_url. With "{code}" in rcml.text the document printed
carries a placeholder: the code is spoken only from flashcall's own per-call address.`, e.stderr)
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
