package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/flashcall/flashcall/internal/store"
)

// MinServerVersion is the oldest PostgreSQL flashcall runs on, as server_version_num: 12, the first with
// everything the schema and the queries use (identity columns, EXECUTE FUNCTION triggers, ON CONFLICT) and
// still the oldest a distribution ships. The tests run on 15.
const MinServerVersion = 120000

// ErrServerTooOld is matched by errors.Is when the server is older than MinServerVersion.
var ErrServerTooOld = errors.New("PostgreSQL server too old")

// checkServer refuses a server older than MinServerVersion, before anything is created in it.
func (s *Store) checkServer(ctx context.Context) error {
	var num int
	var text string
	if err := s.pool.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_setting('server_version')`).
		Scan(&num, &text); err != nil {
		return s.wrap("open", err)
	}
	return tooOld(s.name, num, text)
}

// tooOld is the error for a server of version num (text as the server writes it), or nil when it is recent
// enough.
func tooOld(name string, num int, text string) error {
	if num >= MinServerVersion {
		return nil
	}
	return &store.Error{Op: "open", Path: name, Kind: ErrServerTooOld,
		Err: fmt.Errorf("the server runs PostgreSQL %s; flashcall needs %d or newer: upgrade the server, or leave "+
			"history.url empty to keep the history in SQLite", text, MinServerVersion/10000)}
}

// explainOpen adds to a failure to connect what to do about it: the server, the password, the database.
func (s *Store) explainOpen(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01": // invalid_password
			return s.hint(err, "the server refused the password for this user: correct it in history.url (or "+
				"$FLASHCALL_HISTORY_URL, or ~/.pgpass)")
		case "28000": // invalid_authorization_specification: no pg_hba.conf line, or no such role
			return s.hint(err, "the server does not let this user in from here: check the user name in history.url "+
				"and the server's pg_hba.conf")
		case "3D000": // invalid_catalog_name
			return s.hint(err, "the database does not exist: create it (createdb -O USER DATABASE) or correct its "+
				"name in history.url; flashcall creates its tables, not the database")
		case "42501": // insufficient_privilege
			return s.hint(err, "this user may not connect or create tables: GRANT CONNECT, and CREATE on the schema")
		case "53300": // too_many_connections
			return s.hint(err, "the server has no connection left: raise max_connections or lower pool_max_conns in history.url")
		}
		return err
	}
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return s.hint(err, "no PostgreSQL server answers there: start it, or correct the host and port in history.url")
	case errors.Is(err, syscall.ENOENT):
		return s.hint(err, "no PostgreSQL socket in that directory: start the server, or correct host= in history.url")
	case errors.As(err, &op), errors.Is(err, context.DeadlineExceeded):
		return s.hint(err, "the server cannot be reached: check the host, port and network (connect_timeout= in "+
			"history.url bounds the wait)")
	}
	return err
}

// hint wraps err with what to do, keeping every error it matches.
func (s *Store) hint(err error, what string) error {
	return &hinted{err: err, what: what}
}

// hinted is an error followed by what to do about it.
type hinted struct {
	err  error
	what string
}

// Error returns the cause, then the advice.
func (h *hinted) Error() string { return h.err.Error() + ": " + h.what }

// Unwrap returns the cause.
func (h *hinted) Unwrap() error { return h.err }
