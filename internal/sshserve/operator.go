package sshserve

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/flashcall/flashcall/internal/record"
)

// maxUserLen bounds the SSH user name kept for the log (and, on an anonymous demo, as the visitor's name).
const maxUserLen = 32

// identity is who a session is: the operator, the key that proved it (nil for an anonymous visitor without
// one) and the user name the client claimed, which is never the operator's name unless it is a demo.
type identity struct {
	op      record.Operator
	key     gossh.PublicKey
	claimed string // the SSH user, cleaned
}

// operatorOf identifies a session's operator from the key it authenticated with: the name the
// authorized_keys line gives that key, the key's SHA256 fingerprint, the client's address, and the role
// ssh.supervisors gives that name. The SSH user name plays no part: anyone can send any. On an anonymous demo
// server a visitor whose key is not listed (or who has none) is named by the SSH user, cleaned since it is
// drawn on other screens and logged, and is never a supervisor. ok is false when the key is no longer
// listed (it was removed between the login and the session).
func (s *Server) operatorOf(sess ssh.Session) (id identity, ok bool) {
	id.claimed = sanitize(sess.User(), maxUserLen)
	if a := sess.RemoteAddr(); a != nil {
		id.op.Remote = a.String()
	}
	id.op.Role = record.RoleOperator
	if k := sess.PublicKey(); k != nil {
		id.key = k
		id.op.Fingerprint = Fingerprint(k)
		if name, listed := s.keys.Lookup(k); listed {
			id.op.Name = name
			if s.supervisor[name] {
				id.op.Role = record.RoleSupervisor
			}
			return id, true
		}
	}
	if !s.anonymous {
		return id, false
	}
	id.key = nil // a demo visitor's unlisted key is recorded, not watched
	id.op.Name = id.claimed
	if id.op.Name == "" {
		id.op.Name = "ssh"
	}
	return id, true
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
