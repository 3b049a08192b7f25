package main

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/tui"
)

// runConsole runs the operator console on this terminal.
func runConsole(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("console", `[console] [--config PATH]

Runs the operator console in this terminal: type a number, enter calls it, the live calls and the history
show what happens, and c reads the customer's digits back when a call was delivered. ? lists every key.
With no configuration it runs against the embedded Restcomm simulator (said on screen); nothing reaches a
real phone. The console of a team is flashcall serve.`, e.stderr)
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
	}
	cfg, code := loadConfigQuiet(*cfgPath, e)
	if cfg == nil {
		return code
	}
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv, WatchAlarms: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	op := localOperator(cfg, e.getenv)
	auditConfig(ctx, e, a, op)
	m := tui.New(a.Service, tui.Options{Operator: op, Bell: cfg.Console.Bell, Warnings: cfg.Warnings()})
	defer m.Close()
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(e.stderr, "flashcall: %v\n", err)
		return exitInternal
	}
	return exitOK
}
