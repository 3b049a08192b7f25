package main

import (
	"context"
	"fmt"
	"os/user"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
)

// localOperator is the operator of a local console or command: console.operator, else the OS user.
func localOperator(cfg *config.Config, getenv func(string) string) record.Operator {
	name := cfg.Console.Operator
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = getenv("USER")
	}
	return record.Operator{Name: name, Remote: "local"}
}

// auditConfig records in the audit log which configuration a run loaded; a failure is reported, not fatal.
func auditConfig(ctx context.Context, e env, a *app.App, op record.Operator) {
	if err := a.Service.AuditConfigLoaded(ctx, op, a.Config.Source()); err != nil {
		fmt.Fprintf(e.stderr, "flashcall: warning: the audit log could not record the configuration: %v\n", err)
	}
}
