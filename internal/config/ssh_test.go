package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSSHDefaults(t *testing.T) {
	c := Default()
	if c.SSH.Listen != ":2222" || c.SSH.MaxSessions != 50 || c.SSH.IdleTimeout.Duration != 30*time.Minute ||
		c.SSH.AllowAnonymous || c.SSH.AuthorizedKeys != "" || c.SSH.HostKey != "" || c.SSH.LogFile != "" ||
		len(c.SSH.Supervisors) != 0 || !c.Console.Supervisor {
		t.Fatalf("Default().SSH = %+v", c.SSH)
	}
	env := mapEnv(map[string]string{"HOME": "/home/op"})
	if got, want := c.HostKeyPath(env), "/home/op/.local/share/flashcall/ssh_host_ed25519_key"; got != want {
		t.Errorf("HostKeyPath = %q, want %q", got, want)
	}
	if got, want := c.AuthorizedKeysPath(env), "/home/op/.local/share/flashcall/authorized_keys"; got != want {
		t.Errorf("AuthorizedKeysPath = %q, want %q", got, want)
	}
	if got := c.SSHLogPath(env); got != "" {
		t.Errorf("SSHLogPath = %q, want standard error (\"\")", got)
	}
	c.SSH.HostKey, c.SSH.AuthorizedKeys, c.SSH.LogFile = "~/k/host", "/etc/fc/keys", "~/serve.log"
	if got := c.HostKeyPath(env); got != "/home/op/k/host" {
		t.Errorf("HostKeyPath with ~/ = %q", got)
	}
	if got := c.AuthorizedKeysPath(env); got != "/etc/fc/keys" {
		t.Errorf("AuthorizedKeysPath = %q", got)
	}
	if got := c.SSHLogPath(env); got != "/home/op/serve.log" {
		t.Errorf("SSHLogPath = %q", got)
	}
}

func TestSSHTableLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	body := "[ssh]\nlisten = \"127.0.0.1:0\"\nauthorized_keys = \"/k\"\nallow_anonymous = true\nmax_sessions = 3\n" +
		"idle_timeout = \"0s\"\nhost_key = \"/h\"\nlog_file = \"/l\"\nsupervisors = [\"alice\", \"bob@example.com\"]\n" +
		"[console]\nsupervisor = false\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := SSHConfig{Listen: "127.0.0.1:0", AuthorizedKeys: "/k", AllowAnonymous: true, MaxSessions: 3,
		HostKey: "/h", LogFile: "/l", Supervisors: []string{"alice", "bob@example.com"}}
	if !reflect.DeepEqual(c.SSH, want) {
		t.Fatalf("SSH = %+v, want %+v", c.SSH, want)
	}
	if c.Console.Supervisor {
		t.Error("console.supervisor = false was not read")
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestSSHTableTypeAndKeyErrors(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"quoted bool": {"[ssh]\nallow_anonymous = \"yes\"\n", `:2: ssh.allow_anonymous must be true or false`},
		"misspelt":    {"[ssh]\nmax_session = 3\n", `unknown key "ssh.max_session" (did you mean "ssh.max_sessions"?)`},
		"bare number": {"[ssh]\nidle_timeout = 30\n", `:2: `},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".toml")
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load error %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestValidateSSH(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		key    string
		want   string
	}{
		{"listen without port", func(c *Config) { c.SSH.Listen = "2222" }, "ssh.listen", `"2222" is not host:port`},
		{"listen bad port", func(c *Config) { c.SSH.Listen = "127.0.0.1:99999" }, "ssh.listen", "no valid port"},
		{"no sessions", func(c *Config) { c.SSH.MaxSessions = 0 }, "ssh.max_sessions", "is 0: allow 1 to 1000"},
		{"idle too short", func(c *Config) { c.SSH.IdleTimeout.Duration = time.Second }, "ssh.idle_timeout",
			"is 1s: use between 1m and 24h"},
		{"anonymous with a real account", func(c *Config) { *c = *realConfig(); c.SSH.AllowAnonymous = true },
			"ssh.allow_anonymous", "only for demos on the simulator"},
		{"control characters in a path", func(c *Config) { c.SSH.HostKey = "key\n" }, "ssh.host_key",
			"control characters"},
		{"supervisor with a space", func(c *Config) { c.SSH.Supervisors = []string{"alice", "bob smith"} },
			"ssh.supervisors", "entry 2: the name must be one word"},
		{"empty supervisor", func(c *Config) { c.SSH.Supervisors = []string{""} }, "ssh.supervisors", "entry 1: no name"},
		{"supervisor twice", func(c *Config) { c.SSH.Supervisors = []string{"alice", "alice"} }, "ssh.supervisors",
			`lists "alice" twice`},
	}
	for _, tt := range tests {
		c := Default()
		tt.change(c)
		err := c.Validate()
		var p *Problem
		if err == nil || !errors.As(err, &p) {
			t.Errorf("%s: Validate() = %v, want a problem", tt.name, err)
			continue
		}
		found := false
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			if errors.As(e, &p) && p.Key == tt.key && strings.Contains(p.Message, tt.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: Validate() = %v, want %s: ...%s...", tt.name, err, tt.key, tt.want)
		}
	}
	c := Default()
	c.SSH.AllowAnonymous = true
	if err := c.Validate(); err != nil {
		t.Errorf("anonymous access with the simulator: Validate() = %v", err)
	}
}

// mapEnv is a getenv over a map.
func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
