package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocateOrder(t *testing.T) {
	root := t.TempDir()
	xdg := filepath.Join(root, "xdg")
	home := filepath.Join(root, "home")
	xdgFile := filepath.Join(xdg, "flashcall", "config.toml")
	homeFile := filepath.Join(home, ".config", "flashcall", "config.toml")
	for _, p := range []string{xdgFile, homeFile} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	emptyXDG := filepath.Join(root, "empty-xdg")
	emptyHome := filepath.Join(root, "empty-home")

	tests := []struct {
		name         string
		flag         string
		env          map[string]string
		want         string
		wantExplicit bool
	}{
		{"flag wins, even when missing", "/nowhere/c.toml",
			map[string]string{EnvConfig: "/env/c.toml", "XDG_CONFIG_HOME": xdg, "HOME": home}, "/nowhere/c.toml", true},
		{"FLASHCALL_CONFIG next", "",
			map[string]string{EnvConfig: "/env/c.toml", "XDG_CONFIG_HOME": xdg, "HOME": home}, "/env/c.toml", true},
		{"XDG_CONFIG_HOME next", "",
			map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": home}, xdgFile, false},
		{"HOME when the XDG file is missing", "",
			map[string]string{"XDG_CONFIG_HOME": emptyXDG, "HOME": home}, homeFile, false},
		{"relative XDG_CONFIG_HOME is ignored", "",
			map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": home}, homeFile, false},
		{"nothing found", "",
			map[string]string{"XDG_CONFIG_HOME": emptyXDG, "HOME": emptyHome}, "", false},
		{"no environment at all", "", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, explicit := Locate(tt.flag, envMap(tt.env))
			if got != tt.want || explicit != tt.wantExplicit {
				t.Errorf("Locate = %q, %v; want %q, %v", got, explicit, tt.want, tt.wantExplicit)
			}
		})
	}
	if got, explicit := Locate("", nil); got != "" || explicit {
		t.Errorf("Locate with nil getenv = %q, %v", got, explicit)
	}
}

func TestDataPaths(t *testing.T) {
	c := Default()
	xdgEnv := envMap(map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/op"})
	homeEnv := envMap(map[string]string{"HOME": "/home/op"})
	if got := c.HistoryPath(xdgEnv); got != "/data/flashcall/history.db" {
		t.Errorf("HistoryPath with XDG_DATA_HOME = %q", got)
	}
	if got := c.HistoryPath(homeEnv); got != "/home/op/.local/share/flashcall/history.db" {
		t.Errorf("HistoryPath with HOME = %q", got)
	}
	if got := c.LogPath(homeEnv); got != "/home/op/.local/share/flashcall/flashcall.log" {
		t.Errorf("LogPath with HOME = %q", got)
	}
	if got := DataDir(nil); got != "" {
		t.Errorf("DataDir(nil) = %q", got)
	}
	if got := c.DataDir(xdgEnv); got != "/data/flashcall" {
		t.Errorf("DataDir with XDG_DATA_HOME = %q", got)
	}
	c.History.Path = "~/h/history.db"
	if got := c.HistoryPath(homeEnv); got != "/home/op/h/history.db" {
		t.Errorf("HistoryPath with ~ = %q", got)
	}
	c.History.Path = "/var/lib/flashcall/h.db"
	if got := c.HistoryPath(xdgEnv); got != "/var/lib/flashcall/h.db" {
		t.Errorf("HistoryPath with history.path = %q", got)
	}
}
