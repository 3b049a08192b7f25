package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flashcall/flashcall/internal/store"
)

// Store is the history in a PostgreSQL database. It is safe for concurrent use by many goroutines, and any
// number of instances (processes, servers) may share one database.
type Store struct {
	pool   *pgxpool.Pool
	name   string // the URL, redacted, for messages
	secret string // the password, scrubbed from every message
	schema string // current_schema(), for the advisory lock keys

	placementKey, auditKey int64
}

// Open connects to the PostgreSQL database at url (postgres:// or postgresql://), creates flashcall's
// tables in its current schema (the first of search_path) or upgrades them, and returns the store. The
// database must exist; the role needs the right to create tables in that schema the first time.
func Open(ctx context.Context, url string) (*Store, error) {
	name := Redact(url)
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, fmt.Errorf("open history database %s: not a postgres:// or postgresql:// URL", name)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		s := &Store{name: name, secret: passwordIn(url)}
		return nil, fmt.Errorf("open history database %s: %w", name, s.scrub(err))
	}
	s := &Store{name: name, secret: cfg.ConnConfig.Password}
	rp := cfg.ConnConfig.RuntimeParams
	if rp["application_name"] == "" {
		rp["application_name"] = "flashcall"
	}
	// The shared SQL (store.CallFilter.Where) escapes LIKE with '\': a backslash must stay a backslash.
	rp["standard_conforming_strings"] = "on"
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, s.wrap("open", err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, s.wrap("open", s.explainOpen(err))
	}
	if err := s.checkServer(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	var schema *string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || schema == nil {
		s.pool.Close()
		return nil, s.wrap("open", errors.Join(err, errNoSchema))
	}
	s.schema = *schema
	s.placementKey = s.lockKey("placement", "")
	s.auditKey = s.lockKey("audit", "")
	return s, nil
}

// errNoSchema says where the tables would go is missing.
var errNoSchema = errors.New("no schema to keep the tables in: create the schema that search_path names first")

// Close closes every connection. Operations in progress finish first.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Name returns the database's URL without its password, as messages show it.
func (s *Store) Name() string { return s.name }

// lockKey is the advisory lock of one purpose (and one subject, such as a call SID) in this store's schema:
// the first 8 bytes of SHA-256 over both. Every instance derives the same key; a collision between keys only
// makes one wait for the other.
func (s *Store) lockKey(purpose, subject string) int64 {
	h := sha256.Sum256([]byte("flashcall\x00" + s.schema + "\x00" + purpose + "\x00" + subject))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// lock takes the transaction-level advisory lock key in tx, waiting for whoever holds it to commit or roll
// back.
func lock(ctx context.Context, tx pgx.Tx, key int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key)
	return err
}

// refused carries an error of the caller's function out of the transaction it rolls back, unchanged.
type refused struct{ err error }

// Error returns the caller's message.
func (r *refused) Error() string { return r.err.Error() }

// write runs fn in one READ COMMITTED transaction and commits it. The isolation is set explicitly: the
// locks described in the package comment rely on each statement seeing what committed before it began.
func (s *Store) write(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return s.wrap(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		var r *refused
		if errors.As(err, &r) {
			return r
		}
		return s.wrap(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// unrefuse returns the caller's own error from a write that fn refused, or err.
func unrefuse(err error) error {
	var r *refused
	if errors.As(err, &r) {
		return r.err
	}
	return err
}

// wrap names op and the database in err and classifies PostgreSQL's errors as the store's kinds, with the
// password scrubbed from every text.
func (s *Store) wrap(op string, err error) error {
	var e *store.Error
	if errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if e == nil {
			return fmt.Errorf("%s: %w", op, s.scrub(err))
		}
		return err
	}
	var kind error
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		kind = kindOf(pe.Code)
	}
	return &store.Error{Op: op, Path: s.name, Kind: kind, Err: s.scrub(err)}
}

// kindOf maps an SQLSTATE to one of the store's sentinel errors, or nil.
func kindOf(code string) error {
	switch code {
	case "53100": // disk_full
		return store.ErrDiskFull
	case "25006", "42501": // read_only_sql_transaction, insufficient_privilege
		return store.ErrReadOnly
	case "55P03", "40P01", "40001": // lock_not_available, deadlock_detected, serialization_failure
		return store.ErrLocked
	case "XX001", "XX002": // data_corrupted, index_corrupted
		return store.ErrCorrupt
	}
	return nil
}

// scrub returns err with the password, where its text holds it, replaced by "xxxxx". pgx leaves passwords
// out of its messages already; this is for whatever else (a driver, a proxy) may quote them. Passwords
// shorter than 4 characters are not searched for: replacing them would garble every message.
func (s *Store) scrub(err error) error {
	if err == nil || len(s.secret) < 4 || !strings.Contains(err.Error(), s.secret) {
		return err
	}
	return &scrubbed{err: err, secret: s.secret}
}

// scrubbed is an error whose text hides a password; errors.Is and errors.As still see the cause.
type scrubbed struct {
	err    error
	secret string
}

// Error returns the cause's text with the password replaced.
func (e *scrubbed) Error() string { return strings.ReplaceAll(e.err.Error(), e.secret, "xxxxx") }

// Unwrap returns the cause.
func (e *scrubbed) Unwrap() error { return e.err }

// Redact returns url with the password, in its user information or a password parameter, replaced by
// "xxxxx": the form every message shows. It works on URLs Go's net/url would refuse (several hosts, say); a
// connection string that is no URL at all is not shown.
func Redact(url string) string {
	i := strings.Index(url, "://")
	if i < 0 {
		return "(a connection string that is not a URL)"
	}
	head, rest := url[:i+3], url[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if colon := strings.Index(authority[:at], ":"); colon >= 0 {
			authority = authority[:colon] + ":xxxxx" + authority[at:]
		}
	}
	return head + authority + redactParam(tail)
}

// redactParam hides the value of every password= parameter in the query of a URL's tail.
func redactParam(tail string) string {
	q := strings.Index(tail, "?")
	if q < 0 {
		return tail
	}
	params := strings.Split(tail[q+1:], "&")
	for i, p := range params {
		if k, _, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "password") {
			params[i] = k + "=xxxxx"
		}
	}
	return tail[:q+1] + strings.Join(params, "&")
}

// passwordIn finds the password in the user information of a URL that did not parse, for scrubbing.
func passwordIn(url string) string {
	rest := url
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// notFound reports a missing row.
func notFound(what string, id int64) error {
	return fmt.Errorf("%s %d: %w", what, id, store.ErrNotFound)
}

// mustAffect turns a statement that changed no row into ErrNotFound.
func mustAffect(tag pgconn.CommandTag, what string, id int64) error {
	if tag.RowsAffected() == 0 {
		return notFound(what, id)
	}
	return nil
}

// rebind turns the "?" placeholders of the SQL the engines share into $first, $first+1, ... ("?" inside
// quotes stays).
func rebind(query string, first int) string {
	var b strings.Builder
	n := first
	quoted := false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			fmt.Fprintf(&b, "$%d", n)
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
