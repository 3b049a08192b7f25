package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultBusyTimeout is how long a statement waits for another connection's lock when Options.BusyTimeout is
// zero.
const DefaultBusyTimeout = 5 * time.Second

// openRetryPause is how long OpenWith waits before it tries a locked new database again.
const openRetryPause = 20 * time.Millisecond

// readers is the size of the read connection pool.
const readers = 4

// Options tune OpenWith. The zero value gives the defaults Open uses.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock held by another connection or process before it
	// fails with an error matching ErrLocked. Zero means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// ReadOnly opens an existing database without creating, upgrading or writing anything (for history
	// export while a console is running, say). Every write method then fails with an error matching
	// ErrReadOnly.
	ReadOnly bool
}

// Store is the history database. It is safe for concurrent use by many goroutines.
type Store struct {
	path     string
	readOnly bool
	w        *sql.DB // one connection; every transaction is BEGIN IMMEDIATE
	r        *sql.DB // read pool
}

// Errors that a failure of the database itself matches with errors.Is. Each text says what to do.
var (
	// ErrNotFound is returned when a row asked for by ID does not exist.
	ErrNotFound = errors.New("not found")
	// ErrLocked means another connection held the database lock for longer than the busy timeout.
	ErrLocked = errors.New("history database is locked by another process: close it and retry")
	// ErrDiskFull means the database could not grow.
	ErrDiskFull = errors.New("history database: disk full: free some space and retry")
	// ErrReadOnly means the database cannot be written: opened read-only, file permissions, or a read-only
	// file system.
	ErrReadOnly = errors.New("history database is read-only: check the file's permissions and that its file system is writable")
	// ErrNotDatabase means the file exists but is not a flashcall history database.
	ErrNotDatabase = errors.New("not a flashcall history database: move the file aside or set [history] path to another file")
	// ErrCorrupt means SQLite found the file damaged.
	ErrCorrupt = errors.New("history database is damaged: move the file aside (flashcall then starts a new one)")
	// ErrNewerSchema means the database was written by a newer flashcall and this one must not touch it.
	ErrNewerSchema = errors.New("history database was written by a newer flashcall: upgrade flashcall or set [history] path to another file")
)

// Error is a failure of the database itself during one operation. It matches its Kind (ErrLocked,
// ErrDiskFull, ...) and its cause with errors.Is and errors.As.
type Error struct {
	// Op is what was being done, e.g. "insert attempt".
	Op string
	// Path is the database file.
	Path string
	// Kind is one of the sentinel errors of this package, or nil when the failure has no better name.
	Kind error
	// Err is the underlying error (usually a *sqlite.Error).
	Err error
}

// Error returns "op: what to do (path): cause".
func (e *Error) Error() string {
	if e.Kind == nil {
		return fmt.Sprintf("%s: history database %s: %v", e.Op, e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v (%s): %v", e.Op, e.Kind, e.Path, e.Err)
}

// Unwrap returns the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// Open opens the history database at path with the default Options, creating the file (mode 0600), its parent
// directory (mode 0700) and the schema as needed, and upgrading an older schema.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenReadOnly opens an existing history database for reading only.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{ReadOnly: true})
}

// OpenWith opens the history database at path as Open does, tuned by o.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open history database: empty path: set [history] path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open history database %s: %w", path, err)
	}
	if err := prepareFile(abs, o.ReadOnly); err != nil {
		return nil, err
	}
	busy := o.BusyTimeout
	if busy <= 0 {
		busy = DefaultBusyTimeout
	}
	s := &Store{path: abs, readOnly: o.ReadOnly}

	wq := url.Values{"_txlock": {"immediate"}}
	rq := url.Values{}
	if o.ReadOnly {
		wq.Set("mode", "ro")
		rq.Set("mode", "ro")
	} else {
		wq.Add("_pragma", "journal_mode(WAL)")
		rq.Add("_pragma", "query_only(1)")
	}
	// The write connection's page cache holds the indexes a placement writes into: at the default 2 MB a
	// history of a million attempts misses on nearly every index page (SQLite allocates it only as used).
	wq.Add("_pragma", "cache_size(-32768)")
	if s.w, err = sql.Open("sqlite", dsn(abs, busy, wq)); err != nil {
		return nil, s.wrap("open", err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)

	// Switching a brand-new file to WAL takes a lock SQLite does not wait for: when several processes open
	// the same new file at once, the losers are told it is busy. Try again within the busy timeout.
	for deadline := time.Now().Add(busy); ; {
		if o.ReadOnly {
			err = s.checkVersion(ctx)
		} else {
			err = s.migrate(ctx)
		}
		if err == nil || !errors.Is(err, ErrLocked) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(openRetryPause)
	}
	if err != nil {
		s.w.Close()
		return nil, err
	}

	if s.r, err = sql.Open("sqlite", dsn(abs, busy, rq)); err != nil {
		s.w.Close()
		return nil, s.wrap("open", err)
	}
	s.r.SetMaxOpenConns(readers)
	s.r.SetMaxIdleConns(readers)
	if err := s.r.PingContext(ctx); err != nil {
		s.Close()
		return nil, s.wrap("open", err)
	}
	return s, nil
}

// prepareFile checks that path can hold a database and, unless readOnly, creates it and its directory with
// owner-only permissions: the history holds customers' phone numbers.
func prepareFile(path string, readOnly bool) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("open history database: %s is a directory: set [history] path to a file", path)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("open history database: %s is not a regular file: set [history] path to a file", path)
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open history database %s: %w", path, err)
	case readOnly:
		return fmt.Errorf("open history database: no history database at %s: %w", path, fs.ErrNotExist)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("open history database %s: create its directory: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // created by someone else meanwhile
	}
	if err != nil {
		return fmt.Errorf("open history database %s: create it: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open history database %s: create it: %w", path, err)
	}
	return nil
}

// dsn builds a file: URI for path (escaped, so spaces, '?' and '#' in names are safe) with the busy timeout,
// foreign keys and the extra parameters.
func dsn(path string, busy time.Duration, extra url.Values) string {
	q := url.Values{}
	ms := busy.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", ms))
	q.Add("_pragma", "foreign_keys(1)")
	for k, vs := range extra {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database. Writes in progress finish first.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return s.wrap("close", err)
	}
	return nil
}

// write runs fn in one BEGIN IMMEDIATE transaction on the write connection and commits it.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// wrap names op and the database in err and, for SQLite failures, classifies them.
func (s *Store) wrap(op string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return &Error{Op: op, Path: s.path, Kind: kindOf(se.Code()), Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// kindOf maps an SQLite (extended) result code to one of the sentinel errors, or nil.
func kindOf(code int) error {
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return ErrLocked
	case sqlite3.SQLITE_FULL:
		return ErrDiskFull
	case sqlite3.SQLITE_READONLY:
		return ErrReadOnly
	case sqlite3.SQLITE_NOTADB:
		return ErrNotDatabase
	case sqlite3.SQLITE_CORRUPT:
		return ErrCorrupt
	}
	return nil
}

// nanos is how a time is stored: nanoseconds since the Unix epoch, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the inverse of nanos; times come back in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// notFound reports a missing row.
func notFound(what string, id int64) error {
	return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
}

// mustAffect turns an UPDATE that changed no row into ErrNotFound.
func mustAffect(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}
