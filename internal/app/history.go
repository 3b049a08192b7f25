package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/store/pgstore"
	"github.com/flashcall/flashcall/internal/verify"
)

// History is a history engine as the commands use it: the flow's contract, the audit chain, and what doctor
// reports. The SQLite file (*store.Store) and PostgreSQL (*pgstore.Store) both are one.
type History interface {
	verify.Store
	store.AuditLog
	stats.Source
	// Name is where the history is, as messages show it: the file's path, or the URL without its password.
	Name() string
	// Engine names the engine: "SQLite" or "PostgreSQL".
	Engine() string
	// ServerVersion is the engine's version: the SQLite library's, or the PostgreSQL server's.
	ServerVersion(ctx context.Context) (string, error)
	// Instances lists the processes whose heartbeat is at or after since.
	Instances(ctx context.Context, since time.Time) ([]store.Instance, error)
}

// Both engines are histories.
var (
	_ History = (*store.Store)(nil)
	_ History = (*pgstore.Store)(nil)

	// Both keep the pauses after alarms and the shared presence of flashcall serve.
	_ verify.PauseStore = (*store.Store)(nil)
	_ verify.PauseStore = (*pgstore.Store)(nil)
	_ presence.Source   = (*store.Store)(nil)
	_ presence.Source   = (*pgstore.Store)(nil)
)

// ReadOnly asks OpenHistory for a history that is only read (audit verify): the SQLite file is opened
// read-only; PostgreSQL relies on the role's rights.
type ReadOnly bool

// OpenHistory opens the history the configuration names: the PostgreSQL database of history.url (or
// $FLASHCALL_HISTORY_URL) when set, else the SQLite file of history.path. Its errors say what to do and never
// hold the database password.
func OpenHistory(ctx context.Context, cfg *config.Config, getenv func(string) string, ro ReadOnly) (History, error) {
	if getenv == nil {
		getenv = defaultGetenv
	}
	if cfg.HistoryEngine() == config.EnginePostgres {
		st, err := pgstore.Open(ctx, cfg.HistoryURL())
		if err != nil {
			return nil, fmt.Errorf("%s (history.url)", cfg.Redact(err.Error()))
		}
		return st, nil
	}
	path := cfg.HistoryPath(getenv)
	if path == "" {
		return nil, errors.New("no place for the history: set history.path (or $XDG_DATA_HOME or $HOME), " +
			"or history.url for PostgreSQL")
	}
	var (
		st  *store.Store
		err error
	)
	if ro {
		st, err = store.OpenReadOnly(ctx, path)
	} else {
		st, err = store.Open(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}
