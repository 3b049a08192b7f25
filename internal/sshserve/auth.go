package sshserve

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Bounds on connections that have not authenticated yet. A connection is unauthenticated from the moment
// it is accepted until its client has proved it holds an authorized key; a flood of such connections
// (half-open TCP, a version banner and nothing more, a slow key exchange) must not keep an operator out.
//
// So: a connection has HandshakeTimeout to authenticate and open its console session, or it is dropped;
// at most DefaultMaxUnauthenticated connections wait to authenticate at once, and at most
// DefaultMaxUnauthenticatedPerAddr of them from one IP address. A newcomer is never turned away for want of
// room: when the limit for its address is reached, the oldest waiting connection from that address is
// dropped; when the total is reached, the oldest waiting connection of the address that holds the most is
// dropped. A flood therefore only ever pushes out its own connections (or, from the operator's own address,
// connections older than the operator's), and an operator whose client authenticates in well under
// HandshakeTimeout gets in while it lasts. Authenticated connections no longer count: they are bounded by
// max_sessions (plus a margin for connections between login and their session).
const (
	// HandshakeTimeout is how long a connection may take from TCP accept to its first session: key
	// exchange, authentication (time to type a key's passphrase or touch a security key included) and the
	// session request.
	HandshakeTimeout = 15 * time.Second
	// DefaultMaxUnauthenticated is how many connections may wait to authenticate at once.
	DefaultMaxUnauthenticated = 64
	// DefaultMaxUnauthenticatedPerAddr is how many of them may come from one IP address.
	DefaultMaxUnauthenticatedPerAddr = 8
	// authenticatedMargin is how many authenticated connections beyond max_sessions may be open: a client
	// between its login and its session, or one whose session was refused for want of a seat.
	authenticatedMargin = 32
	// dropLogEvery bounds the log of dropped connections during a flood to one line per period.
	dropLogEvery = 10 * time.Second
)

// connKey keys a connection's connState in its ssh.Context.
type connKey struct{}

// connState is what the server tracks of one connection. The fields after conn are guarded by Server.mu.
type connState struct {
	conn   net.Conn
	host   string      // the client's IP address, for the per-address bound
	opened atomic.Bool // the connection opened a session; the handshake deadline no longer applies

	pending bool // counted among the unauthenticated connections
	authed  bool // counted among the authenticated connections
	gone    bool // the connection has closed

	everAuthed  bool      // the connection logged in at some point
	claimed     string    // the user the client claimed (sanitized)
	refused     []refusal // the keys refused, the first maxRefusedKeysListed
	refusedMore int       // refused keys beyond those
}

// authorize is the public-key callback: a key of an accepted type listed in the authorized_keys file gets in
// (the file is reread when it has changed), and so does any key of an accepted type on an anonymous demo
// server. Refusals are logged with the claimed user, address and fingerprint, and remembered on the
// connection: one that closes without logging in is audited (see refused.go).
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	log := func(msg, why string) {
		user, fp := sanitize(ctx.User(), maxUserLen), Fingerprint(key)
		s.log.Info(msg, "ssh_user", user, "remote", addrOf(ctx.RemoteAddr()),
			"fingerprint", fp, "key_type", sanitize(key.Type(), 40), "reason", why)
		if cs, ok := ctx.Value(connKey{}).(*connState); ok {
			s.noteRefusal(cs, user, fp, why)
		}
	}
	if why := checkKeyType(key); why != "" {
		log("ssh key refused", why)
		return false
	}
	if _, ok := s.keys.Lookup(key); ok || s.anonymous {
		return true
	}
	log("ssh key refused", "not in authorized_keys")
	return false
}

// serverConfig gives each connection's handshake the callback that tells the server when it has
// authenticated.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		MaxAuthTries: 6,
		AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
			if err == nil {
				s.authenticated(ctx)
			}
		},
	}
}

// admitConn runs before the SSH handshake: it counts the connection among the unauthenticated ones, making
// room by dropping the oldest waiting connection of the busiest address when a bound is reached (see the
// constants above), and arms the handshake deadline.
func (s *Server) admitConn(ctx ssh.Context, conn net.Conn) net.Conn {
	cs := &connState{conn: conn, host: hostOf(conn.RemoteAddr())}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	victim := s.makeRoomLocked(cs.host)
	cs.pending = true
	s.pending = append(s.pending, cs)
	s.pendingPer[cs.host]++
	s.mu.Unlock()
	if victim != nil {
		s.dropped("ssh connection dropped to make room: too many connections waiting to authenticate", victim)
		victim.conn.Close()
	}
	ctx.SetValue(connKey{}, cs)
	deadline := s.clk.AfterFunc(HandshakeTimeout, func() {
		if !cs.opened.Load() {
			s.dropped("ssh connection dropped: no session opened within the handshake deadline", cs)
			conn.Close()
		}
	})
	// The context ends when the connection closes, however that happens.
	context.AfterFunc(ctx, func() {
		deadline.Stop()
		s.mu.Lock()
		cs.gone = true
		s.unpendLocked(cs)
		if cs.authed {
			cs.authed = false
			s.authedConns--
		}
		s.mu.Unlock()
		s.auditRefused(cs)
		s.closedConns.Add(1)
	})
	return conn
}

// makeRoomLocked picks the connection to drop so that one more from host fits, or nil when it fits already,
// and stops counting it.
func (s *Server) makeRoomLocked(host string) *connState {
	var victim *connState
	switch {
	case s.pendingPer[host] >= s.maxPendingPerAddr:
		for _, c := range s.pending {
			if c.host == host {
				victim = c
				break
			}
		}
	case len(s.pending) >= s.maxPending:
		most := 0
		for _, n := range s.pendingPer {
			most = max(most, n)
		}
		for _, c := range s.pending {
			if s.pendingPer[c.host] == most {
				victim = c
				break
			}
		}
	}
	if victim != nil {
		s.unpendLocked(victim)
	}
	return victim
}

// unpendLocked stops counting cs among the unauthenticated connections.
func (s *Server) unpendLocked(cs *connState) {
	if !cs.pending {
		return
	}
	cs.pending = false
	for i, c := range s.pending {
		if c == cs {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			break
		}
	}
	if s.pendingPer[cs.host]--; s.pendingPer[cs.host] <= 0 {
		delete(s.pendingPer, cs.host)
	}
}

// authenticated moves a connection from the unauthenticated to the authenticated ones; beyond the bound on
// authenticated connections it is closed.
func (s *Server) authenticated(ctx ssh.Context) {
	cs, ok := ctx.Value(connKey{}).(*connState)
	if !ok {
		return
	}
	s.mu.Lock()
	if cs.gone || cs.authed {
		s.mu.Unlock()
		return
	}
	s.unpendLocked(cs)
	cs.everAuthed = true
	full := s.authedConns >= s.maxAuthed
	if !full {
		cs.authed = true
		s.authedConns++
	}
	s.mu.Unlock()
	if full {
		s.log.Warn("ssh connection dropped: too many authenticated connections open", "remote", addrOf(cs.conn.RemoteAddr()),
			"limit", s.maxAuthed)
		cs.conn.Close()
	}
}

// Unauthenticated returns how many connections are waiting to authenticate now.
func (s *Server) Unauthenticated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// dropLog rate-limits the log of dropped connections: a flood would otherwise write a line per connection.
type dropLog struct {
	mu     sync.Mutex
	last   time.Time
	quiet  int // drops not logged since the last line
	logged bool
}

// dropped logs a dropped connection, or counts it when one was logged less than dropLogEvery ago.
func (s *Server) dropped(msg string, cs *connState) {
	d := &s.drops
	now := s.clk.Now()
	d.mu.Lock()
	if d.logged && now.Sub(d.last) < dropLogEvery {
		d.quiet++
		d.mu.Unlock()
		return
	}
	quiet := d.quiet
	d.last, d.quiet, d.logged = now, 0, true
	d.mu.Unlock()
	s.log.Warn(msg, "remote", addrOf(cs.conn.RemoteAddr()), "timeout", HandshakeTimeout,
		"max_unauthenticated", s.maxPending, "max_unauthenticated_per_addr", s.maxPendingPerAddr,
		"dropped_unlogged_since_last", quiet)
}

// markOpened records that the session's connection got as far as a session.
func markOpened(sess ssh.Session) {
	if cs, ok := sess.Context().Value(connKey{}).(*connState); ok {
		cs.opened.Store(true)
	}
}

// hostOf is the IP address of a, the unit of the per-address bound.
func hostOf(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	if a == nil {
		return ""
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// addrOf renders an address for the log.
func addrOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
