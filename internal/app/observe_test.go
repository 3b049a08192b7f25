package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/syncbuf"
)

// TestOnlyLongRunningCommandsWatchAlarms: the alarm watch runs only when asked for (console, serve); a
// one-off command (call, alarms, doctor) never judges the alarms, which would raise them anew on each run.
func TestOnlyLongRunningCommandsWatchAlarms(t *testing.T) {
	for _, watch := range []bool{false, true} {
		cfg := config.Default()
		cfg.History.Path = filepath.Join(t.TempDir(), "history.db")
		cfg.Server.Listen = "127.0.0.1:0"
		a, err := Open(context.Background(), cfg, Options{
			Getenv:      func(string) string { return "" },
			Logger:      slog.New(slog.NewTextHandler(&syncbuf.Buffer{}, nil)),
			Clock:       clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)),
			WatchAlarms: watch,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Alarms != nil; got != watch {
			t.Errorf("WatchAlarms %v: an alarm watch runs: %v", watch, got)
		}
		a.Close()
	}
}
