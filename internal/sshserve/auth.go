package sshserve

import (
	"context"
	"net"
	"sync/atomic"

	"github.com/charmbracelet/ssh"
)

// connKey keys a connection's connState in its ssh.Context.
type connKey struct{}

// connState is what the server tracks of one connection.
type connState struct {
	// opened is set when the connection opens its first session; until then the handshake deadline applies.
	opened atomic.Bool
}

// authorize is the public-key callback: a key listed in the authorized_keys file gets in (the file is reread
// when it has changed), and so does any key on an anonymous demo server. Refusals are logged with the user,
// address and fingerprint.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	label, ok := s.keys.Lookup(key)
	if ok || s.anonymous {
		return true
	}
	s.log.Info("ssh key refused", "user", sanitize(ctx.User(), maxUserLen), "remote", addrOf(ctx.RemoteAddr()),
		"fingerprint", Fingerprint(key), "key", label)
	return false
}

// admitConn runs before the SSH handshake. It drops connections beyond the server's connection limit (a
// generous margin over max_sessions, so that a flood of unauthenticated connections cannot exhaust the
// server) and arms the handshake deadline.
func (s *Server) admitConn(ctx ssh.Context, conn net.Conn) net.Conn {
	s.mu.Lock()
	if s.closing || s.conns >= s.maxConns {
		closing := s.closing
		s.mu.Unlock()
		if !closing {
			s.log.Warn("ssh connection dropped: too many open connections", "remote", addrOf(conn.RemoteAddr()),
				"limit", s.maxConns)
		}
		return nil
	}
	s.conns++
	s.mu.Unlock()
	cs := &connState{}
	ctx.SetValue(connKey{}, cs)
	deadline := s.clk.AfterFunc(HandshakeTimeout, func() {
		if !cs.opened.Load() {
			s.log.Info("ssh connection dropped: no session opened in time", "remote", addrOf(conn.RemoteAddr()),
				"timeout", HandshakeTimeout)
			conn.Close()
		}
	})
	// The context ends when the connection closes, however that happens.
	context.AfterFunc(ctx, func() {
		deadline.Stop()
		s.mu.Lock()
		s.conns--
		s.mu.Unlock()
	})
	return conn
}

// markOpened records that the session's connection got as far as a session.
func markOpened(sess ssh.Session) {
	if cs, ok := sess.Context().Value(connKey{}).(*connState); ok {
		cs.opened.Store(true)
	}
}

// addrOf renders an address for the log.
func addrOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
