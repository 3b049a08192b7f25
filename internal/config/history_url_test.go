package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryURLSelectsPostgres(t *testing.T) {
	c := Default()
	if c.HistoryEngine() != EngineSQLite {
		t.Fatalf("default engine %s, want SQLite", c.HistoryEngine())
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "flashcall.toml")
	if err := os.WriteFile(path, []byte("[history]\nurl = \"postgres://a:FilePassw0rd@db/fc\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HistoryEngine() != EnginePostgres || c.HistoryURL() != "postgres://a:FilePassw0rd@db/fc" {
		t.Fatalf("engine %s, url %s", c.HistoryEngine(), c.RedactedHistoryURL())
	}
	env := map[string]string{EnvHistoryURL: " postgresql:///fc?host=/run/postgresql&password=EnvPassw0rd "}
	c, err = Load(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := c.HistoryURL(); got != "postgresql:///fc?host=/run/postgresql&password=EnvPassw0rd" {
		t.Fatalf("the environment does not override history.url: %s", c.RedactedHistoryURL())
	}
	if got := c.RedactedHistoryURL(); strings.Contains(got, "EnvPassw0rd") || !strings.Contains(got, "password=xxxxx") {
		t.Fatalf("redacted %q", got)
	}
}

func TestHistoryURLProblems(t *testing.T) {
	for _, u := range []string{"mysql://a:Secr3tPassword@db/fc", "postgres://a:Secr3tPassword@db/f c", "/var/lib/history.db"} {
		c := Default()
		c.History.URL = Secret(u)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "history.url") {
			t.Errorf("%q: %v", u, err)
			continue
		}
		if strings.Contains(err.Error(), "Secr3tPassword") {
			t.Errorf("the problem echoes the password: %v", err)
		}
	}
	for _, u := range []string{"postgres://a:b@db:5432/fc?sslmode=verify-full", "postgresql:///fc?host=/tmp/s", "postgres://h1,h2/fc"} {
		c := Default()
		c.History.URL = Secret(u)
		if err := c.Validate(); err != nil {
			t.Errorf("%q refused: %v", u, err)
		}
	}
}

func TestRedactHidesTheHistoryPassword(t *testing.T) {
	c := Default()
	c.History.URL = "postgres:///fc?host=/tmp/s&password=Hidden4Ever"
	msg := c.Redact("open postgres:///fc?host=/tmp/s&password=Hidden4Ever: refused (Hidden4Ever)")
	if strings.Contains(msg, "Hidden4Ever") {
		t.Fatalf("the password shows: %s", msg)
	}
	c.History.URL = "postgres://alice:Hidden4Ever@db/fc"
	if msg := c.Redact("postgres://alice:Hidden4Ever@db/fc said Hidden4Ever"); strings.Contains(msg, "Hidden4Ever") {
		t.Fatalf("the password shows: %s", msg)
	}
}

func TestWorldReadableFileWithTheDatabasePasswordWarns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flashcall.toml")
	if err := os.WriteFile(path, []byte("[history]\nurl = \"postgres://a:Readable4All@db/fc\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := strings.Join(c.Warnings(), "\n")
	if !strings.Contains(ws, "history.url holds the database password") || strings.Contains(ws, "Readable4All") {
		t.Fatalf("warnings: %s", ws)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _ := Load(path, nil); strings.Contains(strings.Join(c.Warnings(), "\n"), "history.url") {
		t.Fatalf("a private file warns: %v", c.Warnings())
	}
}
