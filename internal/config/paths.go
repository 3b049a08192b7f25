package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Locate finds the configuration file. In order: flagPath (from --config), $FLASHCALL_CONFIG,
// $XDG_CONFIG_HOME/flashcall/config.toml, $HOME/.config/flashcall/config.toml. explicit is true when the
// flag or $FLASHCALL_CONFIG named the file: the caller must then treat a missing file as an error. Otherwise
// the first default location that exists is returned, or "" when none does (run with defaults: the simulator).
// getenv nil means no environment.
func Locate(flagPath string, getenv func(string) string) (path string, explicit bool) {
	getenv = orNoEnv(getenv)
	if flagPath != "" {
		return flagPath, true
	}
	if p := getenv(EnvConfig); p != "" {
		return p, true
	}
	var candidates []string
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		candidates = append(candidates, filepath.Join(x, "flashcall", "config.toml"))
	}
	if h := getenv("HOME"); h != "" {
		candidates = append(candidates, filepath.Join(h, ".config", "flashcall", "config.toml"))
	}
	for _, p := range candidates {
		// A file that exists but cannot be inspected is still returned, so that Load names the OS error.
		if _, err := os.Stat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return p, false
		}
	}
	return "", false
}

// DataDir is where flashcall keeps its data: $XDG_DATA_HOME/flashcall, else $HOME/.local/share/flashcall, else
// "" when neither variable is set (the caller then needs history.path and log.path).
func DataDir(getenv func(string) string) string {
	getenv = orNoEnv(getenv)
	if x := getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "flashcall")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "flashcall")
	}
	return ""
}

// DataDir is the package-level DataDir, offered on Config for callers that hold one.
func (c *Config) DataDir(getenv func(string) string) string { return DataDir(getenv) }

// HistoryPath returns history.path (a leading ~/ means $HOME), or DataDir/history.db when it is empty.
// It returns "" only when neither the key nor a data directory is available.
func (c *Config) HistoryPath(getenv func(string) string) string {
	return c.dataFile(c.History.Path, "history.db", getenv)
}

// LogPath returns log.path (a leading ~/ means $HOME), or DataDir/flashcall.log when it is empty.
func (c *Config) LogPath(getenv func(string) string) string {
	return c.dataFile(c.Log.Path, "flashcall.log", getenv)
}

func (c *Config) dataFile(set, name string, getenv func(string) string) string {
	getenv = orNoEnv(getenv)
	if set != "" {
		return expandHome(set, getenv)
	}
	if d := DataDir(getenv); d != "" {
		return filepath.Join(d, name)
	}
	return ""
}

// expandHome replaces a leading "~/" with $HOME, as a shell would.
func expandHome(p string, getenv func(string) string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, rest)
		}
	}
	return p
}

// orNoEnv turns a nil getenv into one that finds nothing.
func orNoEnv(getenv func(string) string) func(string) string {
	if getenv == nil {
		return func(string) string { return "" }
	}
	return getenv
}
