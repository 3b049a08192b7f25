package config

import (
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/flashcall/flashcall/internal/record"
)

// SSH defaults, also written in config.example.toml.
const (
	// DefaultSSHListen is where `flashcall serve` listens when ssh.listen is not set.
	DefaultSSHListen = ":2222"
	// DefaultSSHMaxSessions is how many console sessions `flashcall serve` runs at once by default.
	DefaultSSHMaxSessions = 50
	// DefaultSSHIdleTimeout is how long a session may go without input before it is closed.
	DefaultSSHIdleTimeout = 30 * time.Minute
)

// File names in the data directory used when the [ssh] paths are empty.
const (
	// HostKeyFile is the SSH host key's file name in the data directory.
	HostKeyFile = "ssh_host_ed25519_key"
	// AuthorizedKeysFile is the authorized keys' file name in the data directory.
	AuthorizedKeysFile = "authorized_keys"
)

// SSHConfig is the [ssh] table: `flashcall serve`, the console served over SSH.
type SSHConfig struct {
	// Listen is the host:port the SSH server listens on.
	Listen string `toml:"listen"`
	// AuthorizedKeys is an OpenSSH authorized_keys file listing who may log in; empty means
	// DataDir()/authorized_keys.
	AuthorizedKeys string `toml:"authorized_keys"`
	// AllowAnonymous lets anyone in without a listed key. Only with the simulator: for demos.
	AllowAnonymous bool `toml:"allow_anonymous"`
	// MaxSessions is how many console sessions may run at once.
	MaxSessions int `toml:"max_sessions"`
	// IdleTimeout closes a session that has had no input for this long; 0 never does.
	IdleTimeout Duration `toml:"idle_timeout"`
	// HostKey is the server's ed25519 private key file, created on first start; empty means
	// DataDir()/ssh_host_ed25519_key.
	HostKey string `toml:"host_key"`
	// LogFile is where the server logs; empty means standard error.
	LogFile string `toml:"log_file"`
	// Supervisors names the operators (by the name their authorized_keys line gives their key) who may
	// reveal full numbers, read the audit log and supersede verifications; everyone else is an operator.
	Supervisors []string `toml:"supervisors"`
}

// defaultSSH returns the [ssh] defaults.
func defaultSSH() SSHConfig {
	return SSHConfig{
		Listen:      DefaultSSHListen,
		MaxSessions: DefaultSSHMaxSessions,
		IdleTimeout: Duration{DefaultSSHIdleTimeout},
		Supervisors: []string{},
	}
}

// AuthorizedKeysPath returns ssh.authorized_keys (a leading ~/ means $HOME), or DataDir/authorized_keys when it
// is empty; "" when neither is available.
func (c *Config) AuthorizedKeysPath(getenv func(string) string) string {
	return c.dataFile(c.SSH.AuthorizedKeys, AuthorizedKeysFile, getenv)
}

// HostKeyPath returns ssh.host_key (a leading ~/ means $HOME), or DataDir/ssh_host_ed25519_key when it is
// empty; "" when neither is available.
func (c *Config) HostKeyPath(getenv func(string) string) string {
	return c.dataFile(c.SSH.HostKey, HostKeyFile, getenv)
}

// SSHLogPath returns ssh.log_file with a leading ~/ expanded, or "" for standard error.
func (c *Config) SSHLogPath(getenv func(string) string) string {
	if c.SSH.LogFile == "" {
		return ""
	}
	return expandHome(c.SSH.LogFile, orNoEnv(getenv))
}

// validateSSH checks the [ssh] table.
func (c *Config) validateSSH(ps *problems) {
	s := c.SSH
	host, port, err := net.SplitHostPort(s.Listen)
	if err != nil {
		ps.add("ssh.listen", "%q is not host:port: use e.g. \"127.0.0.1:2222\" (this machine only) or \":2222\" "+
			"(every interface)", s.Listen)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		ps.add("ssh.listen", "%q has no valid port: use a number from 0 to 65535, e.g. \"%s:2222\"", s.Listen, host)
	}
	if s.MaxSessions < 1 || s.MaxSessions > 1000 {
		ps.add("ssh.max_sessions", "is %d: allow 1 to 1000 sessions at once (%d is the default)",
			s.MaxSessions, DefaultSSHMaxSessions)
	}
	if d := s.IdleTimeout.Duration; d != 0 && (d < time.Minute || d > 24*time.Hour) {
		ps.add("ssh.idle_timeout", "is %s: use between 1m and 24h, e.g. \"30m\", or \"0s\" to never close idle "+
			"sessions", d)
	}
	if s.AllowAnonymous && !c.UsesSimulator() {
		ps.add("ssh.allow_anonymous", "is true with a real Restcomm account: anonymous access exists only for "+
			"demos on the simulator (restcomm.base_url = \"sim\"); set it to false and list the operators' keys "+
			"in ssh.authorized_keys")
	}
	seen := map[string]bool{}
	for i, name := range s.Supervisors {
		if err := record.CheckOperatorName(name); err != nil {
			ps.add("ssh.supervisors", "entry %d: %v: give operator names as in the comments of authorized_keys, "+
				"e.g. [\"alice\", \"bob@example.com\"]", i+1, err)
			continue
		}
		if seen[name] {
			ps.add("ssh.supervisors", "lists %q twice", name)
		}
		seen[name] = true
	}
	paths := []struct{ key, value string }{
		{"ssh.authorized_keys", s.AuthorizedKeys}, {"ssh.host_key", s.HostKey}, {"ssh.log_file", s.LogFile},
	}
	for _, p := range paths {
		if strings.ContainsFunc(p.value, unicode.IsControl) {
			ps.add(p.key, "contains control characters: give a plain file path")
		}
	}
}
