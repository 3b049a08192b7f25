package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/store"
)

const auditVerifySynopsis = `audit verify [--head HASH] [--config PATH]

Walks the audit log's hash chain and says whether every entry is as it was written. Exits 1 naming the first
entry that was changed, removed or inserted. --head is a chain head from the log ("audit chain ... head"):
the chain must still hold it, or entries were cut from its end or the whole log was rewritten.`

// runAuditCommand dispatches `flashcall audit export` and `flashcall audit verify`.
func runAuditCommand(ctx context.Context, e env) int {
	if slices.Contains(e.args, "verify") {
		return runAuditVerify(ctx, e)
	}
	return runAudit(ctx, e)
}

// runAuditVerify implements `flashcall audit verify`.
func runAuditVerify(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("audit verify", auditVerifySynopsis, e.stderr)
	head := fs.String("head", "", "a chain head logged earlier, to be found in the chain")
	pos, help, err := parseArgs(fs, e.args)
	switch {
	case help:
		return exitOK
	case err != nil:
		return exitUsage
	case len(pos) != 1 || pos[0] != "verify":
		return usageError(fs, e.stderr, "usage: flashcall audit verify [--head HASH]")
	}
	var want [32]byte
	if *head != "" {
		b, err := hex.DecodeString(strings.TrimSpace(*head))
		if err != nil || len(b) != len(want) {
			return usageError(fs, e.stderr, "--head %q is not a chain head: 64 hex digits, as logged", *head)
		}
		copy(want[:], b)
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	st, err := app.OpenHistory(ctx, cfg, e.getenv, app.ReadOnly(true))
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall audit verify: %v\n", err)
		return exitUsage
	}
	defer st.Close()
	got, err := st.VerifyAudit(ctx)
	var ce *store.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(e.stderr, "flashcall audit verify: BROKEN: %v\n", ce)
		return exitNotDone
	case err != nil:
		fmt.Fprintf(e.stderr, "flashcall audit verify: %v\n", err)
		return exitNotDone
	}
	if *head != "" {
		ok, err := st.AuditHolds(ctx, want)
		if err != nil {
			fmt.Fprintf(e.stderr, "flashcall audit verify: %v\n", err)
			return exitNotDone
		}
		if !ok {
			fmt.Fprintf(e.stderr, "flashcall audit verify: BROKEN: the chain (%s) does not hold the head %s: "+
				"entries were removed from its end, or the log was rewritten or replaced\n", got, *head)
			return exitNotDone
		}
	}
	fmt.Fprintf(e.stdout, "audit log intact: %s\n", got)
	return exitOK
}
