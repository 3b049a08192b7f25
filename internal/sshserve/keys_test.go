package sshserve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/verify"
	"github.com/flashcall/flashcall/tui"
)

func TestHostKeyIsCreatedOnceWithOwnerOnlyAccess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "flashcall")
	path := filepath.Join(dir, "ssh_host_ed25519_key")
	first, created, err := LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first LoadHostKey: created %v, %v", created, err)
	}
	if first.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("host key type %s, want ed25519", first.PublicKey().Type())
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if d, err := os.Stat(dir); err != nil || d.Mode().Perm() != 0o700 {
		t.Fatalf("data directory mode %v (%v), want 0700", d.Mode().Perm(), err)
	}
	again, created, err := LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("second LoadHostKey: created %v, %v", created, err)
	}
	if Fingerprint(again.PublicKey()) != Fingerprint(first.PublicKey()) {
		t.Fatal("the host key changed between starts")
	}
	if !strings.HasPrefix(Fingerprint(first.PublicKey()), "SHA256:") {
		t.Fatalf("fingerprint %q", Fingerprint(first.PublicKey()))
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable host key: %v, want a refusal saying chmod 600", err)
	}
	bad := filepath.Join(dir, "garbage")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(bad); err == nil || !strings.Contains(err.Error(), "not an OpenSSH private key") {
		t.Fatalf("a garbage host key: %v", err)
	}
	if _, _, err := LoadHostKey(""); err == nil {
		t.Fatal("LoadHostKey(\"\") succeeded")
	}
}

func TestParseAuthorizedKeysSkipsOnlyBadLines(t *testing.T) {
	a, b, c, d := newKey(t), newKey(t), newKey(t), newKey(t)
	data := "# team\n\n" +
		authorizedLine(a, "alice@desk") +
		"ssh-ed25519 @@@not-base64@@@ broken\n" +
		`from="10.0.0.0/8" ` + authorizedLine(b, "bob") +
		"restrict,no-port-forwarding " + authorizedLine(c, "carol") +
		"   \t" + strings.TrimSuffix(authorizedLine(d, ""), " \n") + "\r\n" +
		"just some words\n"
	set := ParseAuthorizedKeys([]byte(data))
	if set.Len() != 3 {
		t.Fatalf("%d keys allowed, want 3 (alice, carol, dave)", set.Len())
	}
	if label, ok := set.Allows(a.PublicKey()); !ok || label != "alice@desk" {
		t.Errorf("alice: %q %v", label, ok)
	}
	if _, ok := set.Allows(b.PublicKey()); ok {
		t.Error("a key restricted by from= was let in without the restriction")
	}
	if _, ok := set.Allows(c.PublicKey()); !ok {
		t.Error("a key with only restrictive options was refused")
	}
	if label, ok := set.Allows(d.PublicKey()); !ok || label != "line 7" {
		t.Errorf("dave (no comment, CRLF): %q %v", label, ok)
	}
	var lines []int
	for _, p := range set.Problems() {
		lines = append(lines, p.Line)
		if strings.Contains(p.Reason, "AAAA") && !strings.Contains(p.Reason, "AAAA...") {
			t.Errorf("a problem repeats key material: %s", p)
		}
	}
	if len(lines) != 3 || lines[0] != 4 || lines[1] != 5 || lines[2] != 8 {
		t.Fatalf("problems on lines %v, want 4, 5 and 8: %v", lines, set.Problems())
	}
	if !strings.Contains(set.Problems()[1].String(), `line 5: option "from"`) {
		t.Errorf("problem: %s", set.Problems()[1])
	}
}

// stubService is a tui.Service that only describes itself; New asks nothing else of it.
type stubService struct {
	tui.Service
	info verify.Info
}

func (s stubService) Info() verify.Info { return s.info }

func TestNewRefusesAServerNobodyCouldUse(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	realSvc := stubService{info: verify.Info{Backend: "cloud.restcomm.com"}}
	simulated := stubService{info: verify.Info{Simulated: true, Backend: "SIMULATOR"}}
	base := func(svc tui.Service) Options {
		return Options{Service: svc, HostKeyPath: filepath.Join(dir, "host"), AuthorizedKeysPath: keys}
	}

	_, err := New(base(realSvc))
	if err == nil || !strings.Contains(err.Error(), keys+" does not exist") ||
		strings.Contains(err.Error(), "allow_anonymous") {
		t.Fatalf("real backend, no keys file: %v", err)
	}
	if err := os.WriteFile(keys, []byte("# nobody yet\nssh-rsa garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(base(realSvc)); err == nil || !strings.Contains(err.Error(), "no usable key (1 lines skipped") {
		t.Fatalf("real backend, no usable key: %v", err)
	}
	o := base(realSvc)
	o.AllowAnonymous = true
	if _, err := New(o); err == nil || !strings.Contains(err.Error(), "only for demos on the simulator") {
		t.Fatalf("anonymous on a real backend: %v", err)
	}
	if _, err := New(base(simulated)); err == nil || !strings.Contains(err.Error(), "ssh.allow_anonymous = true") {
		t.Fatalf("simulator, no keys, not anonymous: %v, want a hint at allow_anonymous", err)
	}
	o = base(simulated)
	o.AllowAnonymous = true
	srv, err := New(o)
	if err != nil || !srv.Anonymous() {
		t.Fatalf("anonymous demo on the simulator: %v", err)
	}
	if err := os.WriteFile(keys, []byte(authorizedLine(newKey(t), "op")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err = New(base(realSvc))
	if err != nil || srv.Anonymous() || srv.HostKeyCreated() {
		t.Fatalf("real backend with a key: %v (anonymous %v, host key created again %v)", err, srv.Anonymous(),
			srv.HostKeyCreated())
	}
}
