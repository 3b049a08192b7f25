package main

import (
	"context"
	"fmt"
	"os/user"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
)

// localOperator is the operator of a local console or command: console.operator, else the OS user. It is a
// supervisor unless console.supervisor is false: whoever runs flashcall locally holds its database file and
// configuration anyway, so the role only matters as a deliberate restriction of a shared terminal.
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
	role := record.RoleOperator
	if cfg.Console.Supervisor {
		role = record.RoleSupervisor
	}
	return record.Operator{Name: name, Remote: "local", Role: role}
}

// auditConfig records in the audit log which configuration a run loaded; a failure is reported, not fatal.
func auditConfig(ctx context.Context, e env, a *app.App, op record.Operator) {
	if err := a.Service.AuditConfigLoaded(ctx, op, a.Config.Source()); err != nil {
		fmt.Fprintf(e.stderr, "flashcall: warning: the audit log could not record the configuration: %v\n", err)
	}
}
