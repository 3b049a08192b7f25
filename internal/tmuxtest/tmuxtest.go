// Package tmuxtest drives a terminal program in a private tmux server for end-to-end tests: start it at a
// size, type, resize, and wait for what the screen shows. Waiting is driven by the program's output (tmux
// pipes it into a FIFO), so tests never sleep to synchronise.
package tmuxtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Session is one tmux server with one window running the program.
type Session struct {
	t       testing.TB
	socket  string
	changed chan struct{}
}

// Available reports whether tmux is installed; tests skip with a clear message when it is not.
func Available() bool {
	_, err := exec.LookPath("tmux")
	return err == nil
}

// Start runs argv in a new tmux server of its own, in a window of the given size, with exactly env as the
// environment. The server is killed when the test ends.
func Start(t testing.TB, width, height int, env []string, argv ...string) *Session {
	t.Helper()
	if !Available() {
		t.Skip("tmux is not installed: install it (apt-get install tmux) to run the end-to-end console tests")
	}
	dir := t.TempDir()
	s := &Session{t: t, socket: filepath.Join(dir, "tmux.sock"), changed: make(chan struct{}, 1)}
	fifo := filepath.Join(dir, "pane.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	args := []string{"new-session", "-d", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, "--")
	args = append(args, argv...)
	cmd := exec.Command("tmux", append([]string{"-S", s.socket, "-f", "/dev/null"}, args...)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	s.tmux("set-option", "-g", "remain-on-exit", "on")
	// Every byte the program writes goes through the FIFO; each read wakes Wait.
	go s.watch(fifo)
	s.tmux("pipe-pane", "-O", "-t", "0", "cat > "+shellQuote(fifo))
	return s
}

func (s *Session) watch(fifo string) {
	f, err := os.Open(fifo) // blocks until tmux opens the writing end
	if err != nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 32<<10)
	for {
		if _, err := f.Read(buf); err != nil {
			return
		}
		select {
		case s.changed <- struct{}{}:
		default:
		}
	}
}

// tmux runs a tmux command against the session's server and returns its output.
func (s *Session) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Type sends literal text.
func (s *Session) Type(text string) { s.tmux("send-keys", "-t", "0", "-l", text) }

// Keys sends tmux key names such as Enter, Tab, Escape, C-c.
func (s *Session) Keys(keys ...string) { s.tmux(append([]string{"send-keys", "-t", "0"}, keys...)...) }

// Resize changes the window size.
func (s *Session) Resize(width, height int) {
	s.tmux("resize-window", "-t", "0", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height))
}

// Screen returns what the pane shows now, one string per line.
func (s *Session) Screen() string { return s.tmux("capture-pane", "-p", "-t", "0") }

// Width returns the widest line of the screen in columns (runes).
func (s *Session) Width() int {
	w := 0
	for _, l := range strings.Split(s.Screen(), "\n") {
		w = max(w, len([]rune(l)))
	}
	return w
}

// Wait returns the screen once it matches pattern (a regular expression), failing the test with the last
// screen after timeout. It re-reads the screen whenever the program writes.
func (s *Session) Wait(pattern string, timeout time.Duration) string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// A slow tick guards against output that tmux had drawn before the FIFO reader was attached.
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		screen := s.Screen()
		if re.MatchString(screen) {
			return screen
		}
		select {
		case <-s.changed:
		case <-tick.C:
		case <-deadline.C:
			s.t.Fatalf("screen never matched %q within %s (%s); it shows:\n%s", pattern, timeout, s.state(), screen)
			return ""
		}
	}
}

// Watch calls done with the screen now and again whenever the program writes (or every 100 ms, so that a
// screen drawn before the FIFO reader attached is read too) until done returns true, failing the test with
// the last screen after timeout. It is for tests that must see every screen of a fast-changing console, not
// just a final one.
func (s *Session) Watch(timeout time.Duration, what string, done func(screen string) bool) {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		screen := s.Screen()
		if done(screen) {
			return
		}
		select {
		case <-s.changed:
		case <-tick.C:
		case <-deadline.C:
			s.t.Fatalf("%s: not within %s (%s); the screen shows:\n%s", what, timeout, s.state(), screen)
			return
		}
	}
}

// WaitExit waits until the program in the pane has exited, failing the test after timeout.
func (s *Session) WaitExit(timeout time.Duration) {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !s.Dead() {
		select {
		case <-s.changed:
		case <-tick.C:
		case <-deadline.C:
			s.t.Fatalf("the program did not exit within %s; the screen shows:\n%s", timeout, s.Screen())
		}
	}
}

// state describes the pane's process for failure messages.
func (s *Session) state() string {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0",
		"pane dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal} pid=#{pane_pid}"))
}

// Dead reports whether the program in the pane has exited.
func (s *Session) Dead() bool {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{pane_dead}")) == "1"
}

// PID returns the process ID of the program in the pane.
func (s *Session) PID() int {
	var pid int
	fmt.Sscan(strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{pane_pid}")), &pid)
	return pid
}

func shellQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", `'\''`))
	b.WriteByte('\'')
	return b.String()
}
