package sshserve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// maxHostKeySize bounds what LoadHostKey reads: an OpenSSH private key is a few kilobytes at most.
const maxHostKeySize = 64 << 10

// LoadHostKey returns the server's host key from path. When the file does not exist it generates an ed25519
// key and writes it there in OpenSSH format with mode 0600 (creating the directory with mode 0700), and
// reports created. An existing key that group or others can read is refused: it could be copied to
// impersonate the server.
func LoadHostKey(path string) (signer gossh.Signer, created bool, err error) {
	if path == "" {
		return nil, false, errors.New("no place for the SSH host key: set ssh.host_key, or $HOME or " +
			"$XDG_DATA_HOME so that it goes in the data directory")
	}
	signer, err = readHostKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return signer, false, err
	}
	if err := writeHostKey(path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another server created it between our read and our write: use theirs.
			signer, err = readHostKey(path)
			return signer, false, err
		}
		return nil, false, err
	}
	signer, err = readHostKey(path)
	return signer, err == nil, err
}

// readHostKey parses the key at path, checking that only its owner can read it.
func readHostKey(path string) (gossh.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("SSH host key %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("SSH host key %s is a directory: set ssh.host_key to a file", path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("SSH host key %s can be read by others (mode %04o): run chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHostKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("SSH host key %s: %w", path, err)
	}
	if len(data) > maxHostKeySize {
		return nil, fmt.Errorf("SSH host key %s is larger than 64 KiB: it is not a private key", path)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		var missing *gossh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("SSH host key %s is protected by a passphrase: the server cannot unlock it; "+
				"remove the passphrase (ssh-keygen -p -N '' -f %s) or move the file away to have a new key made", path, path)
		}
		return nil, fmt.Errorf("SSH host key %s is not an OpenSSH private key (%v): move it away to have a new "+
			"key generated, or point ssh.host_key at the right file", path, err)
	}
	return signer, nil
}

// writeHostKey generates an ed25519 key and writes it to path, failing with fs.ErrExist if the file exists.
func writeHostKey(path string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generating the SSH host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "flashcall host key")
	if err != nil {
		return fmt.Errorf("encoding the SSH host key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("SSH host key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("creating the SSH host key: %w (set ssh.host_key to a writable path)", err)
	}
	_, werr := f.Write(pem.EncodeToMemory(block))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("writing the SSH host key %s: %w", path, err)
	}
	return nil
}

// Fingerprint returns a key's SHA256 fingerprint as OpenSSH prints it: "SHA256:" and unpadded base64.
func Fingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
