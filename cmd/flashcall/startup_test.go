package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartUpFailuresAreMessagesNotPanics: every way the history, the log or a port can be unusable at start
// ends with exit 2 and a message naming the path or address, never a panic or a goroutine dump, and nothing
// is dialled.
func TestStartUpFailuresAreMessagesNotPanics(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, c := range []struct {
		name  string
		setup func(h *home) string // returns the extra config
		args  []string
		want  string // what the message names; "" for the test's home directory
	}{
		{"corrupt history", func(h *home) string {
			p := filepath.Join(h.dir, "corrupt.db")
			_ = os.WriteFile(p, []byte(strings.Repeat("not a database ", 400)), 0o600)
			return "[history]\npath = \"" + p + "\"\n"
		}, []string{"call"}, "corrupt.db"},
		{"history is a directory", func(h *home) string {
			return "[history]\npath = \"" + h.dir + "\"\n"
		}, []string{"call"}, ""},
		{"history under a file", func(h *home) string {
			f := filepath.Join(h.dir, "plain")
			_ = os.WriteFile(f, []byte("x"), 0o600)
			return "[history]\npath = \"" + filepath.Join(f, "history.db") + "\"\n"
		}, []string{"call"}, "plain"},
		{"history where nothing can be written", func(h *home) string {
			return "[history]\npath = \"/proc/flashcall-history.db\"\n"
		}, []string{"call"}, "/proc/flashcall-history.db"},
		{"log under a file", func(h *home) string {
			f := filepath.Join(h.dir, "plainlog")
			_ = os.WriteFile(f, []byte("x"), 0o600)
			return "[log]\npath = \"" + filepath.Join(f, "flashcall.log") + "\"\n"
		}, []string{"call"}, "plainlog"},
		{"log is a directory", func(h *home) string {
			return "[log]\npath = \"" + h.dir + "\"\n"
		}, []string{"call"}, ""},
		{"SSH port busy", func(h *home) string {
			return "[ssh]\nlisten = \"" + busy.Addr().String() + "\"\nallow_anonymous = true\n"
		}, []string{"serve"}, busy.Addr().String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHome(t)
			cfg := h.fastConfig(t, c.setup(h))
			args := append([]string{c.args[0], "--config", cfg}, c.args[1:]...)
			if c.args[0] == "call" {
				args = append(args, "+447400123450")
			}
			out, errOut, code := h.run(t, "", args...)
			all := out + errOut
			want := c.want
			if want == "" {
				want = h.dir
			}
			if code != 2 || !strings.Contains(all, want) || strings.Contains(all, "panic") || strings.Contains(all, "goroutine ") {
				t.Fatalf("exit %d, want 2 and a message naming %q, no panic:\n%s", code, want, all)
			}
		})
	}
}

// TestDoctorWhileServeRuns: `flashcall doctor` on the configuration a running `flashcall serve` uses (the same
// history, the same RCML port) reports, without a panic, and leaves the server serving.
func TestDoctorWhileServeRuns(t *testing.T) {
	h := newHome(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rcmlAddr := ln.Addr().String()
	ln.Close()
	cfg := h.fastConfig(t, "")
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(body), `listen = "127.0.0.1:0"`, `listen = "`+rcmlAddr+`"`, 1) +
		"[ssh]\nlisten = \"127.0.0.1:0\"\nallow_anonymous = true\nhost_key = \"" + filepath.Join(h.dir, "host_key") + "\"\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, h, cfg)
	out, errOut, code := h.run(t, "", "doctor", "--config", cfg)
	all := out + errOut
	if strings.Contains(all, "panic") || strings.Contains(all, "goroutine ") || code > 2 {
		t.Fatalf("doctor beside serve: exit %d\n%s", code, all)
	}
	if !strings.Contains(all, "history") {
		t.Fatalf("doctor said nothing of the history:\n%s", all)
	}
	select {
	case <-s.exited:
		t.Fatalf("serve exited while doctor ran:\n%s", s.stderr.String())
	default:
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+s.port); err != nil {
		t.Fatalf("serve stopped accepting SSH connections: %v", err)
	} else {
		c.Close()
	}
}
