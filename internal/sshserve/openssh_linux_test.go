package sshserve

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	gossh "golang.org/x/crypto/ssh"
)

// The real OpenSSH client, run on a pseudo-terminal of the test's own so that the test sets the window size
// ssh reports (up to 65535x65535, the most a terminal can hold) and reads what the server draws.

// needOpenSSH skips the test when the OpenSSH client is not installed.
func needOpenSSH(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("the OpenSSH client (ssh) is not installed: install openssh-client to run this test")
	}
	return path
}

// ioctl runs one ioctl on f's descriptor without taking it out of the runtime's poller.
func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg))
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// openPTY opens a new pseudo-terminal pair.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	if err := ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		return nil, nil, err
	}
	var n uint32
	if err := ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// setWinsize sets the terminal's size; the kernel tells the process in the foreground (SIGWINCH), and ssh
// sends the server a window-change.
func setWinsize(f *os.File, cols, rows uint16) error {
	ws := struct{ Row, Col, X, Y uint16 }{Row: rows, Col: cols}
	return ioctl(f, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
}

// sshClient is an OpenSSH client session on a pseudo-terminal.
type sshClient struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File

	mu      sync.Mutex
	out     []byte        // the newest output, at most maxTail bytes
	seen    int           // bytes read in all
	changed chan struct{} // closed and replaced on every read
	done    chan struct{} // closed when the output ends
	exit    error
}

// maxTail bounds what the test keeps of a client's output: a flood of resizes redraws the screen many times.
const maxTail = 2 << 20

// sshKit holds what the OpenSSH client needs to reach a test server: a home of its own, the host key in a
// known_hosts file, and the private keys.
type sshKit struct {
	t          *testing.T
	ssh        string
	dir        string
	knownHosts string
	port       string
}

// newSSHKit prepares the client side for ts.
func newSSHKit(t *testing.T, ts *testServer) *sshKit {
	t.Helper()
	k := &sshKit{t: t, ssh: needOpenSSH(t), dir: t.TempDir()}
	host, port, _ := strings.Cut(ts.addr, ":")
	k.port = port
	k.knownHosts = filepath.Join(k.dir, "known_hosts")
	line := fmt.Sprintf("[%s]:%s %s", host, port, gossh.MarshalAuthorizedKey(ts.hostKey))
	if err := os.WriteFile(k.knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// keyFile writes key in OpenSSH format for ssh -i and returns its path.
func (k *sshKit) keyFile(key *namedKey) string {
	k.t.Helper()
	block, err := gossh.MarshalPrivateKey(key.priv, key.name)
	if err != nil {
		k.t.Fatal(err)
	}
	path := filepath.Join(k.dir, "id_"+key.name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		k.t.Fatal(err)
	}
	return path
}

// start runs `ssh -l user -i keyPath` on a terminal of cols x rows.
func (k *sshKit) start(user, keyPath string, cols, rows uint16) *sshClient {
	k.t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		k.t.Fatalf("cannot open a pseudo-terminal for the OpenSSH client: %v", err)
	}
	if err := setWinsize(master, cols, rows); err != nil {
		k.t.Fatal(err)
	}
	cmd := exec.Command(k.ssh, "-F", "/dev/null", "-tt", "-p", k.port, "-l", user, "-i", keyPath,
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+k.knownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "LogLevel=ERROR", "-o", "ConnectTimeout=60", "127.0.0.1")
	cmd.Env = []string{"HOME=" + k.dir, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	slave.Close()
	c := &sshClient{t: k.t, cmd: cmd, master: master, changed: make(chan struct{}), done: make(chan struct{})}
	go c.read()
	k.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		master.Close()
	})
	return c
}

func (c *sshClient) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.master.Read(buf)
		if n > 0 {
			c.add(buf[:n])
		}
		if err != nil {
			// EIO once ssh, the last holder of the terminal, has gone.
			werr := c.cmd.Wait()
			c.mu.Lock()
			c.exit = werr
			close(c.done)
			c.mu.Unlock()
			return
		}
	}
}

// add keeps the output's tail, answers the renderer's terminal query as a terminal would, and wakes waiters.
func (c *sshClient) add(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	before := bytes.Count(c.out, []byte("\x1b[c"))
	c.out = append(c.out, p...)
	if len(c.out) > maxTail {
		c.out = append([]byte(nil), c.out[len(c.out)-maxTail/2:]...)
		before = bytes.Count(c.out, []byte("\x1b[c"))
	}
	c.seen += len(p)
	if bytes.Count(c.out, []byte("\x1b[c")) > before {
		go c.master.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\\x1b[?62;22c"))
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// Output returns the tail of what ssh printed.
func (c *sshClient) Output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.out)
}

// mark returns how much output there has been, for WaitAfter.
func (c *sshClient) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen
}

// WaitFor waits until the output holds want.
func (c *sshClient) WaitFor(want string, timeout time.Duration) {
	c.t.Helper()
	c.WaitAfter(0, want, timeout)
}

// WaitAfter waits until the output after mark m holds want.
func (c *sshClient) WaitAfter(m int, want string, timeout time.Duration) {
	c.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		from := max(0, len(c.out)-(c.seen-m))
		found := bytes.Contains(c.out[from:], []byte(want))
		changed, done := c.changed, c.done
		c.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-done:
			if strings.Contains(c.Output(), want) {
				return
			}
			c.t.Fatalf("ssh ended (%v) without showing %q; it printed:\n%s", c.exitErr(), want, tail(c.Output()))
		case <-deadline.C:
			c.t.Fatalf("ssh did not show %q within %s; it printed:\n%s", want, timeout, tail(c.Output()))
		}
	}
}

func (c *sshClient) exitErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exit
}

// Type sends keys.
func (c *sshClient) Type(s string) {
	c.t.Helper()
	if _, err := c.master.Write([]byte(s)); err != nil {
		c.t.Fatalf("typing %q: %v", s, err)
	}
}

// Resize changes the terminal's size.
func (c *sshClient) Resize(cols, rows uint16) {
	c.t.Helper()
	if err := setWinsize(c.master, cols, rows); err != nil {
		c.t.Fatal(err)
	}
}

// WaitExit waits for ssh to exit and returns its exit error.
func (c *sshClient) WaitExit(timeout time.Duration) error {
	c.t.Helper()
	select {
	case <-c.done:
		return c.exitErr()
	case <-time.After(timeout):
		c.t.Fatalf("ssh did not exit within %s; it printed:\n%s", timeout, tail(c.Output()))
		return errors.New("timeout")
	}
}
