package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/flashcall/flashcall/internal/config"
)

// OpenLog opens the configured log file (log.path, else flashcall.log in the data directory) and returns a
// logger and a closer. Logs never go to the terminal the console draws on.
func OpenLog(cfg *config.Config, getenv func(string) string) (*slog.Logger, func(), error) {
	path := cfg.Log.Path
	if path == "" {
		path = filepath.Join(cfg.DataDir(getenv), "flashcall.log")
	}
	lg, closeLog, err := OpenLogFile(path, cfg.Log.Level)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (set log.path to a writable file)", err)
	}
	return lg, closeLog, nil
}

// OpenLogFile appends to the log file at path (mode 0600, its directory 0700) at the named level.
func OpenLogFile(path, level string) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	return NewLogger(f, level), func() { _ = f.Close() }, nil
}

// NewLogger builds a text logger at the named level (debug, info, warn, error; anything else is info).
func NewLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}

func defaultGetenv(k string) string { return os.Getenv(k) }
