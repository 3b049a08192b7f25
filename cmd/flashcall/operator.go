package main

import (
	"os/user"

	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/verify"
)

// localOperator is the operator of a local console or command: console.operator, else the OS user.
func localOperator(cfg *config.Config, getenv func(string) string) verify.Operator {
	name := cfg.Console.Operator
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = getenv("USER")
	}
	return verify.Operator{Name: name, Remote: "local"}
}
