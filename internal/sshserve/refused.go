package sshserve

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Refused connections in the audit log. A connection that offered only keys the server refused, and closed
// without logging in, is one audit entry: the address, the user it claimed and each refused key's
// fingerprint with the reason. (A client that tries a few keys and logs in with a later one is not audited
// for the earlier ones: that is how OpenSSH always works.) Anyone on the network can produce refusals and the
// audit log is kept for ever, so the server itemises at most refusedBudget connections per refusedWindow;
// the rest are counted, and the count goes into the next entry. The server log still has every refusal.
const (
	refusedWindow        = time.Minute
	refusedBudget        = 20
	maxRefusedKeysListed = 5
)

// refusal is one key a connection offered and the server refused.
type refusal struct {
	fingerprint, why string
}

// refusedLog is the server-wide budget of itemised refusals.
type refusedLog struct {
	mu       sync.Mutex
	start    time.Time // when the current window began
	used     int       // entries written in the current window
	unlisted int       // refused connections counted but not itemised since the last entry
}

// take reports whether a refused connection at now may be itemised and, if so, how many were not itemised
// before it (which the entry then reports, and which start again from zero).
func (l *refusedLog) take(now time.Time) (ok bool, unlisted int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.start.IsZero() || now.Sub(l.start) >= refusedWindow || now.Before(l.start) {
		l.start, l.used = now, 0
	}
	if l.used >= refusedBudget {
		l.unlisted++
		return false, 0
	}
	l.used++
	unlisted, l.unlisted = l.unlisted, 0
	return true, unlisted
}

// noteRefusal remembers a refused key on the connection of ctx's state, with the user the client claimed.
func (s *Server) noteRefusal(cs *connState, user, fingerprint, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs.claimed = user
	if len(cs.refused) < maxRefusedKeysListed {
		cs.refused = append(cs.refused, refusal{fingerprint: fingerprint, why: why})
	} else {
		cs.refusedMore++
	}
}

// auditRefused writes the audit entry of a connection that closed after refused keys only, within the
// budget. It runs when the connection has closed.
func (s *Server) auditRefused(cs *connState) {
	s.mu.Lock()
	refused, more, claimed, authed := cs.refused, cs.refusedMore, cs.claimed, cs.everAuthed
	s.mu.Unlock()
	if authed || len(refused) == 0 || s.auditor == nil {
		return
	}
	ok, unlisted := s.refusals.take(s.clk.Now())
	if !ok {
		return
	}
	remote := addrOf(cs.conn.RemoteAddr())
	var b strings.Builder
	fmt.Fprintf(&b, "ssh connection from %s closed without logging in; it claimed user %s and offered", remote,
		record.Quote(claimed))
	for i, r := range refused {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " key %s (%s)", r.fingerprint, r.why)
	}
	if more > 0 {
		fmt.Fprintf(&b, " and %d more", more)
	}
	if unlisted > 0 {
		fmt.Fprintf(&b, "; %d further refused connections before this one were not itemised (more than %d a %s)",
			unlisted, refusedBudget, refusedWindow)
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	op := record.Operator{Name: "ssh", Remote: remote}
	if err := s.auditor.AuditSession(ctx, op, record.AuditKeyRefused, b.String()); err != nil {
		s.log.Error("refused ssh connection not recorded in the audit log", "remote", remote, "error", err)
	}
}
