package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/tmuxtest"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// serveToken is the auth token in the served configuration: no screen and no log line may show it.
const serveToken = "5eb7e4c0ffee5eb7e4c0ffee5eb7e4c0"

// lockedBuffer collects a process's output for the test to read while it runs.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{changed: make(chan struct{})} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.b.Write(p)
}

// Snapshot returns the output so far and a channel closed at the next write.
func (l *lockedBuffer) Snapshot() (string, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.changed
}

func (l *lockedBuffer) String() string {
	s, _ := l.Snapshot()
	return s
}

// served is a running `flashcall serve`.
type served struct {
	cmd         *exec.Cmd
	port        string
	fingerprint string
	stdout      *lockedBuffer
	stderr      *lockedBuffer
	exited      chan struct{}
}

// sshKit is a home with OpenSSH client keys and a known_hosts file of its own.
type sshKit struct {
	*home
	knownHosts string
}

// key generates an ed25519 key pair with ssh-keygen, named for its operator, and returns the private key's
// path.
func (k *sshKit) key(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(k.dir, name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	return path
}

// sshArgs is the OpenSSH command line for connecting to the server as user; extra options come first.
func (k *sshKit) sshArgs(s *served, user string, extra ...string) []string {
	args := []string{"ssh", "-F", "/dev/null", "-p", s.port, "-l", user,
		"-o", "UserKnownHostsFile=" + k.knownHosts, "-o", "StrictHostKeyChecking=accept-new",
		"-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"}
	args = append(args, extra...)
	return append(args, "127.0.0.1")
}

// startServe runs `flashcall serve` and waits until it says where it listens.
func startServe(t *testing.T, h *home, cfg string) *served {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--config", cfg)
	cmd.Env = h.env
	cmd.Dir = h.dir
	s := &served{cmd: cmd, stdout: newLockedBuffer(), stderr: newLockedBuffer(), exited: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = io.Copy(s.stdout, out)
		_ = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.exited
	})
	hostKey := regexp.MustCompile(`SSH host key (SHA256:[A-Za-z0-9+/]+) `)
	listening := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+) `)
	deadline := time.After(30 * time.Second)
	for s.port == "" {
		text, changed := s.stdout.Snapshot()
		if m := hostKey.FindStringSubmatch(text); m != nil {
			s.fingerprint = m[1]
		}
		if m := listening.FindStringSubmatch(text); m != nil {
			s.port = m[1]
			break
		}
		select {
		case <-changed:
		case <-s.exited:
			t.Fatalf("flashcall serve exited: %s\n%s", s.stdout.String(), s.stderr.String())
		case <-deadline:
			t.Fatalf("flashcall serve did not start listening: %s\n%s", s.stdout.String(), s.stderr.String())
		}
	}
	if s.fingerprint == "" {
		t.Fatalf("flashcall serve did not print its host key fingerprint: %s", s.stdout.String())
	}
	return s
}

// TestServeOverSSH drives `flashcall serve` with the real OpenSSH client in tmux: an authorized key gets the
// console and places a simulator call, which another operator's session shows live; a resize re-lays the
// screen; an unknown key and no key are refused; SIGTERM tells the sessions and leaves the live call recorded.
func TestServeOverSSH(t *testing.T) {
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: install openssh-client to run the SSH end-to-end test", tool)
		}
	}
	if !tmuxtest.Available() {
		t.Skip("tmux is not installed: install it (apt-get install tmux) to run the SSH end-to-end test")
	}
	k := &sshKit{home: newHome(t)}
	k.knownHosts = filepath.Join(k.dir, "known_hosts")
	alice, bob, mallory := k.key(t, "alice"), k.key(t, "bob"), k.key(t, "mallory")
	var keys bytes.Buffer
	keys.WriteString("# operators\nthis line is not a key\n")
	for _, p := range []string{alice, bob} {
		pub, err := os.ReadFile(p + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		keys.Write(pub)
	}
	keysPath := filepath.Join(k.dir, "authorized_keys")
	if err := os.WriteFile(keysPath, keys.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(k.dir, "serve.toml")
	body := "[restcomm]\nbase_url = \"sim\"\nauth_token = \"" + serveToken + "\"\n" +
		"[call]\ntimeout = 60\npoll_interval = \"200ms\"\n[server]\nlisten = \"127.0.0.1:0\"\n[sim]\nspeed = 5.0\n" +
		"[ssh]\nlisten = \"127.0.0.1:0\"\nauthorized_keys = \"" + keysPath + "\"\nhost_key = \"" +
		filepath.Join(k.dir, "host_key") + "\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, k.home, cfg)

	a := tmuxtest.Start(t, 120, 35, k.env, k.sshArgs(s, "alice", "-i", alice)...)
	a.Wait(`operator alice \(SHA256:`, 20*time.Second)
	known, err := exec.Command("ssh-keygen", "-l", "-f", k.knownHosts).CombinedOutput()
	if err != nil || !strings.Contains(string(known), s.fingerprint) {
		t.Fatalf("the host key ssh recorded (%s, %v) is not the fingerprint the server printed (%s)", known, err,
			s.fingerprint)
	}
	b := tmuxtest.Start(t, 120, 35, k.env, k.sshArgs(s, "bob", "-i", bob)...)
	b.Wait(`operator bob \(SHA256:`, 20*time.Second)

	a.Type("+447400123450")
	a.Wait(`United Kingdom`, 10*time.Second)
	a.Keys("Enter")
	a.Wait(`\+44\S*450.*ringing`, 15*time.Second)
	b.Wait(`\+44\S*450.*ringing`, 15*time.Second)

	before := a.Width()
	a.Resize(160, 35)
	wide := a.Wait(`operator alice`, 5*time.Second)
	waitFor(t, 10*time.Second, "the console to re-lay the screen at 160 columns", func() bool {
		wide = a.Screen()
		return a.Width() > before
	})
	if !strings.Contains(wide, "+44*******450") {
		t.Fatalf("after the resize the live call is gone:\n%s", wide)
	}

	for name, extra := range map[string][]string{
		"an unknown key": {"-i", mallory, "-o", "BatchMode=yes"},
		"no key": {"-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=no",
			"-o", "KbdInteractiveAuthentication=no", "-o", "BatchMode=yes"},
	} {
		args := k.sshArgs(s, "mallory", extra...)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = k.env
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 255 || !strings.Contains(string(out), "Permission denied") {
			t.Errorf("%s: ssh exited with %v: %s; want status 255 and Permission denied", name, err, out)
		}
	}

	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the server to reread its keys on SIGHUP", func() bool {
		return strings.Contains(s.stdout.String(), "SIGHUP: 2 authorized keys, 1 lines skipped")
	})

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	a.Wait(`server is shutting down`, 15*time.Second)
	b.Wait(`server is shutting down`, 15*time.Second)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("flashcall serve did not exit after SIGTERM:\n%s", s.stdout.String())
	}
	if out := s.stdout.String(); !strings.Contains(out, "1 calls still live stay recorded") || !strings.Contains(out, "stopped") {
		t.Errorf("shutdown report:\n%s", out)
	}
	logs := s.stderr.String()
	if !strings.Contains(logs, "flashcall serve: warning: "+keysPath+":2: not an OpenSSH public key") {
		t.Errorf("the skipped authorized_keys line is not reported as FILE:LINE:\n%s", logs)
	}
	for _, want := range []string{`line=2`, `operator=alice`, `ssh_user=mallory`, `msg="ssh key refused"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the server log lacks %s:\n%s", want, logs)
		}
	}
	// The audit export after the sessions: each operator's login and logout (with how long it lasted), and
	// mallory's refused key.
	auditOut, _, code := k.run(t, "", "audit", "export", "--format", "json", "--config", cfg)
	if code != 0 {
		t.Fatalf("audit export: exit %d", code)
	}
	var entries []struct{ Operator, Action, Detail string }
	if err := json.Unmarshal([]byte(auditOut), &entries); err != nil {
		t.Fatalf("audit export is not JSON: %v\n%s", err, auditOut)
	}
	fp, err := exec.Command("ssh-keygen", "-l", "-f", mallory+".pub").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	malloryFP := strings.Fields(string(fp))[1]
	seen := map[string]bool{}
	for _, e := range entries {
		switch {
		case e.Action == "login" || (e.Action == "logout" && strings.Contains(e.Detail, "ended after")):
			name, _, _ := strings.Cut(e.Operator, " (") // "alice (SHA256:…)": the person and her key
			seen[name+" "+e.Action] = true
		case e.Action == "key-refused" && strings.Contains(e.Detail, malloryFP) && strings.Contains(e.Detail, `"mallory"`):
			seen["mallory refused"] = true
		}
	}
	for _, want := range []string{"alice login", "alice logout", "bob login", "bob logout", "mallory refused"} {
		if !seen[want] {
			t.Errorf("the audit export lacks %s:\n%s", want, auditOut)
		}
	}
	for what, text := range map[string]string{"the log": logs, "the server's output": s.stdout.String(),
		"alice's screen": a.Screen(), "bob's screen": b.Screen()} {
		if strings.Contains(text, serveToken) || strings.Contains(text, sim.DefaultAuthToken) {
			t.Errorf("the auth token appears in %s", what)
		}
	}
}

// waitFor polls cond until it holds, failing after timeout: a condition wait, not a sleep.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// TestServeRefusesWhenNobodyCouldLogIn: with no authorized keys and anonymous access off, `flashcall serve`
// does not start, and says why and what to do.
func TestServeRefusesWhenNobodyCouldLogIn(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "[ssh]\nlisten = \"127.0.0.1:0\"\n")
	_, stderr, code := h.run(t, "", "serve", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, "nobody could log in") ||
		!strings.Contains(stderr, "authorized_keys does not exist") || !strings.Contains(stderr, "allow_anonymous") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "ssh_host_ed25519_key")); err == nil {
		t.Fatal("the host key was written into the working directory")
	}
}
