//go:build unix

package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPrefixFileNamedPipe: a named pipe as the blocked-prefixes file would block whoever opens it until a
// writer comes; it is refused without being opened.
func TestPrefixFileNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	p := writeFile(t, dir, "c.toml", "[policy]\nblocked_prefixes_file = \"pipe\"\n", 0o600)
	got := seesWithin(t, p, nil)
	want := "policy.blocked_prefixes_file: " + filepath.Join(dir, "pipe") + " is a named pipe, not a regular file"
	if !strings.Contains(got, want) {
		t.Errorf("got %q, want it to contain %q", got, want)
	}
}
