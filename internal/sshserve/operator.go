package sshserve

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/ssh"
	"github.com/flashcall/flashcall/internal/record"
)

// maxUserLen bounds the SSH user name kept as the operator's name.
const maxUserLen = 32

// operatorOf identifies a session's operator: the SSH user name (cleaned, since the client chooses it and it
// is drawn on other operators' screens and written to logs), the client's address, and the SHA256
// fingerprint of the key it authenticated with ("" for an anonymous demo session without a key).
func operatorOf(sess ssh.Session) record.Operator {
	op := record.Operator{Name: sanitize(sess.User(), maxUserLen)}
	if op.Name == "" {
		op.Name = "ssh"
	}
	if a := sess.RemoteAddr(); a != nil {
		op.Remote = a.String()
	}
	if k := sess.PublicKey(); k != nil {
		op.Fingerprint = Fingerprint(k)
	}
	return op
}

// sanitize keeps the printable characters of s, without surrounding space, cut to max runes: a name or
// comment chosen by a client must not carry terminal escape sequences onto anyone's screen or into a log.
func sanitize(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n++
		}
	}
	return strings.TrimSpace(b.String())
}
