package sshserve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/record"
)

// maxKeysFileSize bounds what is read of an authorized_keys file.
const maxKeysFileSize = 1 << 20

// KeyProblem is a line of an authorized_keys file that was skipped, and why. The lines after it still count.
type KeyProblem struct {
	// File is the authorized_keys file's path ("" when the text did not come from a file).
	File string
	// Line is the 1-based line number.
	Line int
	// Reason says what is wrong with the line; it never repeats the key material.
	Reason string
}

// String renders the problem as "FILE:LINE: reason" ("line N: reason" without a file).
func (p KeyProblem) String() string {
	if p.File != "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
}

// keyEntry is one allowed key: the operator it names and the line that lists it.
type keyEntry struct {
	name string
	line int
}

// AuthorizedKeys is the set of public keys an OpenSSH authorized_keys file allows, each naming its operator.
type AuthorizedKeys struct {
	keys     map[string]keyEntry // key.Marshal() -> entry
	problems []KeyProblem
}

// Len returns how many keys are allowed.
func (a *AuthorizedKeys) Len() int { return len(a.keys) }

// Problems returns the skipped lines in file order.
func (a *AuthorizedKeys) Problems() []KeyProblem { return a.problems }

// Allows reports whether key is listed, and the operator name its line gives it.
func (a *AuthorizedKeys) Allows(key gossh.PublicKey) (name string, ok bool) {
	e, ok := a.keys[string(key.Marshal())]
	return e.name, ok
}

// harmlessOption reports an authorized_keys option that only takes rights away from a session the console
// never grants anyway (forwarding, X11, rc files). A line with any other option is skipped: flashcall cannot
// honour a from= or command= limit, and letting the key in without it would widen access.
func harmlessOption(name string) bool {
	switch strings.ToLower(name) {
	case "restrict", "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc":
		return true
	}
	return false
}

// ParseAuthorizedKeys reads OpenSSH authorized_keys text. Blank lines and # comments are ignored. Every key
// line must end in its operator's name, one word (see record.CheckOperatorName), e.g.
// "ssh-ed25519 AAAA... alice": that name, never the SSH user a client sends, is who the key logs in as. A
// line without a valid name, that is not a public key, whose key type is refused (checkKeyType), that
// carries an option flashcall cannot honour, or that repeats a key listed above, is recorded as a problem
// with its line number and skipped; it never stops the lines after it from being read.
func ParseAuthorizedKeys(data []byte) *AuthorizedKeys {
	a := &AuthorizedKeys{keys: map[string]keyEntry{}}
	skip := func(n int, reason string) { a.problems = append(a.problems, KeyProblem{Line: n, Reason: reason}) }
	for i, raw := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		line := bytes.TrimSpace(raw)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, options, rest, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			if bytes.Contains(line, []byte(gossh.InsecureKeyAlgoDSA+" ")) {
				skip(n, "DSA (ssh-dss) keys are not accepted: make an ed25519 key (ssh-keygen -t ed25519); the "+
					"line is skipped")
				continue
			}
			skip(n, "not an OpenSSH public key (expected e.g. \"ssh-ed25519 AAAA... alice\"); the line is skipped")
			continue
		}
		if len(bytes.TrimSpace(rest)) > 0 {
			skip(n, "holds more than one key; put each key on its own line; the line is skipped")
			continue
		}
		if bad := unsupportedOption(options); bad != "" {
			skip(n, fmt.Sprintf("option %q is not supported by flashcall serve, so the key is skipped rather "+
				"than let in without that limit", bad))
			continue
		}
		if why := checkKeyType(key); why != "" {
			skip(n, why+"; the line is skipped")
			continue
		}
		if comment == "" {
			skip(n, "the key has no operator name: end the line with one word naming its operator, e.g. "+
				"\"ssh-ed25519 AAAA... alice\" (the name is recorded with everything the key does); the line is skipped")
			continue
		}
		if err := record.CheckOperatorName(comment); err != nil {
			skip(n, fmt.Sprintf("the operator name at the end of the line is not usable (%v): end the line "+
				"with one word, e.g. alice or alice@example.com; the line is skipped", err))
			continue
		}
		if first, dup := a.keys[string(key.Marshal())]; dup {
			skip(n, fmt.Sprintf("the same key is already listed on line %d (as %s): a key names one "+
				"operator; the line is skipped", first.line, first.name))
			continue
		}
		a.keys[string(key.Marshal())] = keyEntry{name: comment, line: n}
	}
	return a
}

// unsupportedOption returns the first option that is not a harmless restriction, without its value.
func unsupportedOption(options []string) string {
	for _, o := range options {
		name, _, _ := strings.Cut(o, "=")
		if !harmlessOption(name) {
			return name
		}
	}
	return ""
}

// keyFile is an authorized_keys file that is read again whenever its contents change: Lookup rereads it on
// every authentication attempt (it is small), the server's key watch every KeyPollInterval, and Reload
// forces it (SIGHUP).
type keyFile struct {
	path string
	log  *slog.Logger

	mu   sync.Mutex
	data []byte // the contents last parsed; nil before the first read or while the file is missing
	read bool   // the file was read at least once
	set  *AuthorizedKeys
	err  error  // why the file could not be read, nil when it was
	gen  uint64 // counts the parses, so that the session check can tell a new read from the last

	// What the last audited read found (see takeReload): the first read, at start, counts as audited.
	auditGen  uint64
	auditSet  *AuthorizedKeys
	auditData []byte
	auditErr  error
}

// newKeyFile reads path once, logging the lines it skips.
func newKeyFile(path string, log *slog.Logger) *keyFile {
	k := &keyFile{path: path, log: log, set: ParseAuthorizedKeys(nil)}
	k.refresh(true)
	k.auditGen, k.auditSet, k.auditData, k.auditErr = k.gen, k.set, k.data, k.err
	return k
}

// takeReload returns, once per read to audit as a reload, the set the last audited read found and the
// current one with the reason the file could not be read, if any: a forced read (SIGHUP) always, any other
// only when the contents or the reason changed, so an unreadable file polled every interval is audited once.
func (k *keyFile) takeReload(forced bool) (was, now *AuthorizedKeys, err error, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen == k.auditGen && !forced {
		return nil, nil, nil, false
	}
	same := bytes.Equal(k.data, k.auditData) && errorText(k.err) == errorText(k.auditErr)
	was = k.auditSet
	k.auditGen, k.auditSet, k.auditData, k.auditErr = k.gen, k.set, k.data, k.err
	if same && !forced {
		return nil, nil, nil, false
	}
	return was, k.set, k.err, true
}

// errorText is err's text, "" for nil.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Lookup rereads the file if it changed and reports whether key may log in, with its operator's name.
func (k *keyFile) Lookup(key gossh.PublicKey) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked(false)
	return k.set.Allows(key)
}

// Reload rereads the file and returns the current set and the reason it could not be read, if any. Every
// skipped line is logged again.
func (k *keyFile) Reload() (*AuthorizedKeys, error) {
	return k.refresh(true)
}

// Current returns the set as last read, and the reason the file could not be read then, if any.
func (k *keyFile) Current() (*AuthorizedKeys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.set, k.err
}

func (k *keyFile) refresh(force bool) (*AuthorizedKeys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked(force)
	return k.set, k.err
}

// refreshLocked reads the file and parses it when its contents differ from the last read (or force is set).
// A file that cannot be read leaves nobody authorized by it.
func (k *keyFile) refreshLocked(force bool) {
	data, err := readKeys(k.path)
	if err != nil {
		changed := k.err == nil || k.err.Error() != err.Error() || !k.read
		k.set, k.data, k.err, k.read = ParseAuthorizedKeys(nil), nil, err, true
		k.gen++
		if changed || force {
			k.log.Warn("authorized keys unreadable: nobody can log in with a key until it is fixed",
				"path", k.path, "error", err)
		}
		return
	}
	if !force && k.read && k.err == nil && bytes.Equal(data, k.data) {
		return
	}
	k.set, k.data, k.err, k.read = ParseAuthorizedKeys(data), data, nil, true
	for i := range k.set.problems {
		p := &k.set.problems[i]
		p.File = k.path
		k.log.Warn("authorized keys: line skipped", "where", fmt.Sprintf("%s:%d", p.File, p.Line), "line", p.Line,
			"reason", p.Reason)
	}
	k.gen++
	k.log.Info("authorized keys loaded", "path", k.path, "keys", k.set.Len(), "skipped", len(k.set.Problems()))
}

// readKeys reads an authorized_keys file, refusing anything implausibly large.
func readKeys(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("no authorized_keys file: set ssh.authorized_keys")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeysFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeysFileSize {
		return nil, fmt.Errorf("%s is larger than 1 MiB: it is not an authorized_keys file", path)
	}
	return data, nil
}

// missing reports whether err says the file does not exist.
func missing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
