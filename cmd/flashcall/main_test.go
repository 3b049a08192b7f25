package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// binary is the flashcall binary built once for the end-to-end tests of this package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flashcall-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "flashcall")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("building flashcall: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// home is a throw-away HOME with no configuration.
type home struct {
	dir string
	env []string
}

func newHome(t *testing.T) *home {
	t.Helper()
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "USER=tester",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"), "XDG_DATA_HOME=" + filepath.Join(dir, ".local/share")}
	return &home{dir: dir, env: env}
}

// fastConfig writes a configuration that runs the embedded simulator twenty times faster.
func (h *home) fastConfig(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(h.dir, "fast.toml")
	body := "[restcomm]\nbase_url = \"sim\"\n[call]\npoll_interval = \"200ms\"\n[server]\nlisten = \"127.0.0.1:0\"\n[sim]\nspeed = 20.0\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs the binary and returns stdout, stderr and the exit code.
func (h *home) run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = h.env
	cmd.Dir = h.dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running flashcall: %v", err)
	}
	return out.String(), errb.String(), code
}

// simBackend writes a configuration that treats a standalone simulator at addr as a real Restcomm backend
// (callKeys go into [call], extra is appended), and puts token in the environment as FLASHCALL_AUTH_TOKEN.
func (h *home) simBackend(t *testing.T, addr, token, callKeys, extra string) string {
	t.Helper()
	path := filepath.Join(h.dir, "real.toml")
	// A real account must say where it may call (geo permissions deny by default).
	if !strings.Contains(extra, "[policy]") {
		extra += "[policy]\n"
	}
	extra = strings.Replace(extra, "[policy]\n", "[policy]\nallowed_countries = [\"GB\", \"US\"]\n", 1)
	body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
		"[call]\nrcml_url = \"http://127.0.0.1:1/rcml.xml\"\n" + callKeys + "[server]\nlisten = \"127.0.0.1:0\"\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env, "FLASHCALL_AUTH_TOKEN="+token)
	return path
}

// startSim runs `flashcall sim` on a free loopback port and returns its address.
func startSim(t *testing.T, h *home) string {
	t.Helper()
	return startSimArgs(t, h)
}

// startSimArgs runs `flashcall sim` with extra flags (e.g. "--drop-after-create", "1") on a free loopback
// port and returns its address.
func startSimArgs(t *testing.T, h *home, args ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, append([]string{"sim", "--listen", addr}, args...)...)
	cmd.Env = h.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 4096)
	if n, err := out.Read(buf); err != nil || !strings.Contains(string(buf[:n]), addr) {
		t.Fatalf("simulator banner %q (%v)", buf[:n], err)
	}
	return addr
}

// countSimCalls lists the simulator's calls to a number through the real client.
func countSimCalls(t *testing.T, addr, to string) int {
	t.Helper()
	return len(simCalls(t, addr, to))
}

// simCalls returns the simulator's own record of the calls to a number ("" for every call), as the real
// client lists them: its call log, caller IDs included.
func simCalls(t *testing.T, addr, to string) []restcomm.Call {
	t.Helper()
	c, err := restcomm.New("http://"+addr+"/restcomm", sim.DefaultAccountSID, sim.DefaultAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	var calls []restcomm.Call
	for call, err := range c.ListCalls(context.Background(), restcomm.ListFilter{To: to}) {
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, call)
	}
	return calls
}
