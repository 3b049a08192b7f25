package sshserve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/config"
)

// helperEnv, set to an authorized_keys line, makes the test binary run a server instead of the tests.
const helperEnv = "FLASHCALL_SSHSERVE_HELPER_KEY"

// helperHistoryEnv, when set in the helper's environment, makes it a live-call benchmark's server: a history
// of that many attempts seeded before the app opens, calls that ring for ringTimeout in real time, the
// production history window per session and a quiet log (see livecall_helper_test.go).
const helperHistoryEnv = "FLASHCALL_SSHSERVE_HELPER_HISTORY"

// runHelperServer serves the console on the simulator for the key in $FLASHCALL_SSHSERVE_HELPER_KEY. It
// prints "ADDR host:port" and the host key, then answers each "stats" line on standard input with the live
// heap after a collection, the goroutine count and the session count (and, for a live-call benchmark, the
// lines liveCallHelper answers); it exits when its input ends.
func runHelperServer() int {
	dir, err := os.MkdirTemp("", "sshserve-helper-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	var live *liveCallHelper
	speed, limit := 5.0, 100
	edit, quiet := func(*config.Config) {}, false
	if v := os.Getenv(helperHistoryEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			err = seedHistory(filepath.Join(dir, "history.db"), n)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "seeding the history:", err)
			return 1
		}
		speed, limit, quiet = 1, 0, true
		edit = func(c *config.Config) { c.Call.Timeout = int(ringTimeout / time.Second) }
	}
	b, err := openBackendWith(dir, speed, edit, quiet)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer b.app.Close()
	if quiet {
		live = newLiveCallHelper(b.app.Service)
		defer live.close()
	}
	keys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keys, []byte(os.Getenv(helperEnv)+"\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := New(Options{
		Service: b.app.Service, HostKeyPath: filepath.Join(dir, "hostkey"), AuthorizedKeysPath: keys,
		MaxSessions: 1000, HistoryLimit: limit,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go srv.Serve(ln)
	fmt.Printf("ADDR %s\nHOSTKEY %s", ln.Addr(), gossh.MarshalAuthorizedKey(srv.signer.PublicKey()))
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch line := sc.Text(); {
		case line == "stats":
			heap := heapAfterGC()
			fmt.Printf("STATS %d %d %d\n", heap, runtime.NumGoroutine(), srv.Sessions())
		case live != nil:
			fmt.Println(live.answer(line))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	return 0
}

// helper is a server running in a child process.
type helper struct {
	tb      testing.TB
	addr    string
	hostKey gossh.PublicKey
	key     gossh.Signer
	in      io.WriteCloser
	out     *bufio.Reader
}

// helperStats is what the helper reports.
type helperStats struct {
	heap       uint64
	goroutines int
	sessions   int
}

// startHelper runs this test binary as a server process; env adds to its environment.
func startHelper(tb testing.TB, env ...string) *helper {
	tb.Helper()
	key := newKey(tb)
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.TrimSpace(authorizedLine(key, "bench")))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		in.Close()
		_ = cmd.Wait()
	})
	h := &helper{tb: tb, key: key, in: in, out: bufio.NewReader(stdout)}
	addr, hostKey := h.line("ADDR "), h.line("HOSTKEY ")
	pub, _, _, _, err := gossh.ParseAuthorizedKey([]byte(hostKey))
	if err != nil {
		tb.Fatalf("helper host key %q: %v", hostKey, err)
	}
	h.addr, h.hostKey = addr, pub
	return h
}

// line reads the helper's next line, which must start with prefix, and returns the rest.
func (h *helper) line(prefix string) string {
	h.tb.Helper()
	l, err := h.out.ReadString('\n')
	if err != nil || !strings.HasPrefix(l, prefix) {
		h.tb.Fatalf("helper said %q (%v), want %s...", l, err, prefix)
	}
	return strings.TrimSpace(strings.TrimPrefix(l, prefix))
}

// stats asks the helper for its numbers.
func (h *helper) stats() helperStats {
	h.tb.Helper()
	if _, err := io.WriteString(h.in, "stats\n"); err != nil {
		h.tb.Fatal(err)
	}
	var s helperStats
	if _, err := fmt.Sscan(h.line("STATS "), &s.heap, &s.goroutines, &s.sessions); err != nil {
		h.tb.Fatal(err)
	}
	return s
}

// open starts a console session as user and waits until it has rendered.
func (h *helper) open(user string) (*gossh.Client, *terminal) {
	h.tb.Helper()
	c, err := gossh.Dial("tcp", h.addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(h.key)},
		HostKeyCallback: gossh.FixedHostKey(h.hostKey), Timeout: 10 * time.Second})
	if err != nil {
		h.tb.Fatal(err)
	}
	tm := openTerminal(h.tb, c, 120, 40)
	tm.WaitFor("operator bench", 30*time.Second) // the key's name, whatever the user

	return c, tm
}
