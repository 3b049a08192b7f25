package sshserve

import (
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"os"
	"path/filepath"
	"slices"
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
	a, b, c, d, e, f := newKey(t), newKey(t), newKey(t), newKey(t), newKey(t), newKey(t)
	data := "# team\n\n" +
		authorizedLine(a, "alice@desk") + // 3
		"ssh-ed25519 @@@not-base64@@@ broken\n" + // 4
		`from="10.0.0.0/8" ` + authorizedLine(b, "bob") + // 5
		"restrict,no-port-forwarding " + authorizedLine(c, "carol") + // 6
		"   \t" + strings.TrimSuffix(authorizedLine(d, ""), " \n") + "\r\n" + // 7: no name
		"just some words\n" + // 8
		authorizedLine(e, "erin smith") + // 9: two words
		authorizedLine(f, "frank\x1b[31m") + // 10: an escape sequence
		authorizedLine(a, "mallory") + // 11: alice's key again, under another name
		authorizedLine(d, "dave") + "\r\n" // 12: dave's key with a name, CRLF
	set := ParseAuthorizedKeys([]byte(data))
	if set.Len() != 3 {
		t.Fatalf("%d keys allowed, want 3 (alice, carol, dave): %v", set.Len(), set.Problems())
	}
	if name, ok := set.Allows(a.PublicKey()); !ok || name != "alice@desk" {
		t.Errorf("alice: %q %v", name, ok)
	}
	if _, ok := set.Allows(b.PublicKey()); ok {
		t.Error("a key restricted by from= was let in without the restriction")
	}
	if name, ok := set.Allows(c.PublicKey()); !ok || name != "carol" {
		t.Errorf("a key with only restrictive options: %q %v", name, ok)
	}
	if name, ok := set.Allows(d.PublicKey()); !ok || name != "dave" {
		t.Errorf("dave (named on line 12): %q %v", name, ok)
	}
	for _, k := range []gossh.Signer{e, f} {
		if name, ok := set.Allows(k.PublicKey()); ok {
			t.Errorf("a key with an unusable name got in as %q", name)
		}
	}
	var lines []int
	for _, p := range set.Problems() {
		lines = append(lines, p.Line)
		if strings.Contains(p.Reason, "AAAA") && !strings.Contains(p.Reason, "AAAA...") {
			t.Errorf("a problem repeats key material: %s", p)
		}
		if strings.Contains(p.Reason, "\x1b") {
			t.Errorf("a problem repeats an escape sequence: %q", p)
		}
	}
	if !slices.Equal(lines, []int{4, 5, 7, 8, 9, 10, 11}) {
		t.Fatalf("problems on lines %v, want 4, 5, 7, 8, 9, 10 and 11: %v", lines, set.Problems())
	}
	want := map[int]string{
		5:  `line 5: option "from"`,
		7:  `line 7: the key has no operator name: end the line with one word naming its operator`,
		9:  `line 9: the operator name at the end of the line is not usable (the name must be one word`,
		10: `line 10: the operator name at the end of the line is not usable (the name holds the unprintable`,
		11: `line 11: the same key is already listed on line 3 (as alice@desk)`,
	}
	for _, p := range set.Problems() {
		if w, ok := want[p.Line]; ok && !strings.HasPrefix(p.String(), w) {
			t.Errorf("problem %q, want it to start %q", p, w)
		}
	}
	p := KeyProblem{File: "/etc/flashcall/authorized_keys", Line: 7, Reason: "no name"}
	if p.String() != "/etc/flashcall/authorized_keys:7: no name" {
		t.Errorf("KeyProblem with a file: %q", p)
	}
}

// TestKeyTypes: ed25519, ECDSA and RSA of 2048 bits or more are accepted; DSA and short RSA keys are refused
// with a reason, in authorized_keys (line skipped) as at login.
func TestKeyTypes(t *testing.T) {
	good := map[string]gossh.PublicKey{"ed25519": newKey(t).PublicKey()}
	for name, curve := range map[string]elliptic.Curve{"ecdsa-256": elliptic.P256(), "ecdsa-384": elliptic.P384(), "ecdsa-521": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		good[name] = mustPublicKey(t, &k.PublicKey)
	}
	good["rsa-2048"] = mustPublicKey(t, &rsaKey(t, 2048).PublicKey)
	for name, k := range good {
		if why := checkKeyType(k); why != "" {
			t.Errorf("%s refused: %s", name, why)
		}
	}
	short := mustPublicKey(t, &rsaKey(t, 1024).PublicKey)
	if why := checkKeyType(short); !strings.Contains(why, "RSA key of 1024 bits is too short: at least 2048") {
		t.Errorf("rsa-1024: %q", why)
	}
	// x/crypto/ssh no longer parses DSA keys at all (so none can log in); the file says why it skips one.
	var params dsa.Parameters
	if err := dsa.GenerateParameters(&params, rand.Reader, dsa.L1024N160); err != nil {
		t.Fatal(err)
	}
	dk := &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: params}}
	if err := dsa.GenerateKey(dk, rand.Reader); err != nil {
		t.Fatal(err)
	}
	dsaLine := "ssh-dss " + base64.StdEncoding.EncodeToString(gossh.Marshal(struct {
		Name       string
		P, Q, G, Y *big.Int
	}{gossh.InsecureKeyAlgoDSA, dk.P, dk.Q, dk.G, dk.Y})) + " dsa\n"
	line := func(k gossh.PublicKey, name string) string {
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))) + " " + name + "\n"
	}
	set := ParseAuthorizedKeys([]byte(line(short, "shorty") + dsaLine + line(good["ecdsa-256"], "eve")))
	if set.Len() != 1 || len(set.Problems()) != 2 || set.Problems()[0].Line != 1 || set.Problems()[1].Line != 2 {
		t.Fatalf("%d keys, problems %v; want eve's only, lines 1 and 2 skipped", set.Len(), set.Problems())
	}
	if r := set.Problems()[0].Reason; !strings.Contains(r, "too short") {
		t.Errorf("line 1: %s", r)
	}
	if r := set.Problems()[1].Reason; !strings.Contains(r, "DSA (ssh-dss) keys are not accepted") {
		t.Errorf("line 2: %s", r)
	}
}

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustPublicKey(t *testing.T, k any) gossh.PublicKey {
	t.Helper()
	p, err := gossh.NewPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return p
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
