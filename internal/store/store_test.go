package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"modernc.org/sqlite"
)

func TestOpenCreatesPrivateFileAndDirectory(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "data", "flashcall", "history.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	for _, dir := range []string{filepath.Join(root, "data"), filepath.Join(root, "data", "flashcall")} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode = %v, want 0700", dir, fi.Mode().Perm())
		}
	}
	a := fullAttempt(0)
	if err := s.InsertAttempt(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", f, fi.Mode().Perm())
		}
	}
	var mode string
	if err := s.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "we ird #1?x=%20&y")
	path := filepath.Join(dir, "hist ory?.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	a := fullAttempt(0)
	if err := s.InsertAttempt(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"hist ory?.db"}) {
		t.Errorf("directory holds %q, want only the database", names)
	}
	s, err = OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(t, s.r, "attempts"); n != 1 {
		t.Errorf("attempts in the file = %d, want 1", n)
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	if _, err := Open(ctx, ""); err == nil || !strings.Contains(err.Error(), "[history] path") {
		t.Errorf("empty path: %v", err)
	}

	_, err := Open(ctx, dir)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}

	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("this is not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, text)
	if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), text) {
		t.Errorf("text file: %v", err)
	}
	t.Logf("text file: %v", err)
	if b, err := os.ReadFile(text); err != nil || string(b) != strings.Repeat("this is not a database\n", 100) {
		t.Errorf("Open modified the file it refused: %v", err)
	}
	if _, err := OpenReadOnly(ctx, text); !errors.Is(err, ErrNotDatabase) {
		t.Errorf("text file read-only: %v", err)
	}

	parentIsFile := filepath.Join(text, "history.db")
	if _, err := Open(ctx, parentIsFile); err == nil || !strings.Contains(err.Error(), parentIsFile) {
		t.Errorf("parent is a file: %v", err)
	}
}

func TestOpenRefusesSomeoneElsesDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE recipes (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open = %v, want ErrNotDatabase naming %s", err, path)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'attempts'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("flashcall tables added to a foreign database: %d, %v", n, err)
	}
}

func TestMigrationsAreContiguous(t *testing.T) {
	for i, m := range migrations() {
		if m.version != i+1 || m.name == "" || len(m.stmts) == 0 {
			t.Errorf("migration %d = version %d %q with %d statements", i, m.version, m.name, len(m.stmts))
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v := fullVerification()
	if err := s.CreateVerification(ctx, &v); err != nil {
		t.Fatal(err)
	}
	a := fullAttempt(v.ID)
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	latest := migrations()[len(migrations())-1].version
	for range 2 {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		got, err := s.GetAttempt(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, *got, a)
		if n, err := userVersion(ctx, s.r); err != nil || n != latest {
			t.Errorf("user_version = %d, %v; want %d", n, err, latest)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
		_, err := open(ctx, path)
		if !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("%s = %v, want ErrNewerSchema", name, err)
		}
		t.Logf("%s: %v", name, err)
		for _, want := range []string{"history database was written by a newer flashcall", path, "99"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s error %q does not mention %q", name, err, want)
			}
		}
	}
	if v, err := userVersion(ctx, db); err != nil || v != 99 {
		t.Errorf("user_version after refusal = %d, %v; want 99 untouched", v, err)
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v := fullVerification()
	if err := s.CreateVerification(ctx, &v); err != nil {
		t.Fatal(err)
	}
	a := fullAttempt(v.ID)
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rows, err := ro.History(ctx, HistoryQuery{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("History on read-only store = %d rows, %v", len(rows), err)
	}

	b := fullAttempt(v.ID)
	err = ro.InsertAttempt(ctx, &b)
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("InsertAttempt on read-only store = %v, want ErrReadOnly", err)
	}
	t.Logf("error: %v", err)
	for _, want := range []string{"insert attempt", "read-only", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		t.Errorf("error %v does not wrap the *sqlite.Error cause", err)
	}
	if b.ID != 0 {
		t.Errorf("failed insert set ID %d", b.ID)
	}
	if err := ro.CreateVerification(ctx, &record.Verification{Number: "+1", Status: record.StatusCalling}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CreateVerification on read-only store = %v, want ErrReadOnly", err)
	}
	if n := count(t, ro.r, "attempts"); n != 1 {
		t.Errorf("attempts = %d after refused insert, want 1", n)
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing", "history.db")
	_, err := OpenReadOnly(context.Background(), path)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("OpenReadOnly = %v, want fs.ErrNotExist naming the path", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s", filepath.Dir(path))
	}
}

func TestLockedDatabaseFailsInsertClearly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := OpenWith(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	other := rawDB(t, path)
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}

	a := fullAttempt(0)
	a.State = record.StatePlacing
	err = s.InsertAttempt(ctx, &a)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("InsertAttempt while locked = %v, want ErrLocked", err)
	}
	t.Logf("error: %v", err)
	for _, want := range []string{"history database is locked by another process: close it and retry", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if a.ID != 0 {
		t.Errorf("failed insert set ID %d", a.ID)
	}
	// WAL: readers are not blocked by the writer.
	if _, err := s.History(ctx, HistoryQuery{}); err != nil {
		t.Errorf("History while locked: %v", err)
	}

	if _, err := holder.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatalf("InsertAttempt after unlock: %v", err)
	}
	if n, m := count(t, s.r, "attempts"), count(t, s.r, "transitions"); n != 1 || m != 1 {
		t.Errorf("attempts, transitions = %d, %d; want 1, 1", n, m)
	}
}

func TestOpenLockedDatabase(t *testing.T) {
	// A database still in rollback-journal mode, held exclusively by another process: switching it to WAL
	// needs the lock, so Open must wait for the busy timeout and then say what to do.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	other := rawDB(t, path)
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	_, err = OpenWith(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a locked database = %v, want ErrLocked naming %s", err, path)
	}
	t.Logf("error: %v", err)
	if _, err := holder.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after unlock: %v", err)
	}
	s.Close()
}

func TestDiskFullFailsInsertAtomically(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var pages int
	if err := s.w.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The write pool has exactly one connection, so this limit applies to every write that follows.
	if _, err := s.w.Exec(`PRAGMA max_page_count = ` + strconv.Itoa(pages+4)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3000)
	var err error
	inserted := 0
	for range 100 {
		a := fullAttempt(0)
		a.Error = big
		if err = s.InsertAttempt(ctx, &a); err != nil {
			break
		}
		inserted++
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("InsertAttempt on a full database = %v, want ErrDiskFull", err)
	}
	t.Logf("error: %v", err)
	if n, m := count(t, s.r, "attempts"), count(t, s.r, "transitions"); n != inserted || m != inserted {
		t.Errorf("attempts, transitions = %d, %d; want %d each (no half-written attempt)", n, m, inserted)
	}
}

func TestConcurrentInsertsNeverBusy(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const writers, each = 20, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				a := fullAttempt(0)
				a.CreatedAt = at(time.Duration(w*each+i) * time.Millisecond)
				a.State = record.StatePlacing
				if err := s.InsertAttempt(ctx, &a); err != nil {
					errs <- err
					return
				}
				if err := s.AddTransition(ctx, record.Transition{AttemptID: a.ID, At: a.CreatedAt, Status: "queued", Source: record.SourceCreate}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if _, err := s.History(ctx, HistoryQuery{Limit: 50}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, s.r, "attempts"); n != writers*each {
		t.Errorf("attempts = %d, want %d", n, writers*each)
	}
	if n := count(t, s.r, "transitions"); n != 2*writers*each {
		t.Errorf("transitions = %d, want %d", n, 2*writers*each)
	}
	unfinished, err := s.UnfinishedAttempts(ctx)
	if err != nil || len(unfinished) != writers*each {
		t.Errorf("UnfinishedAttempts = %d, %v", len(unfinished), err)
	}
}

func TestSchemaHasNoColumnForTheCode(t *testing.T) {
	s := openTemp(t)
	rows, err := s.r.Query(`SELECT t.name, c.name FROM sqlite_schema t, pragma_table_info(t.name) c
		WHERE t.type = 'table' ORDER BY t.name, c.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		cols[table] = append(cols[table], col)
		for _, bad := range []string{"digit", "code", "pin", "otp", "guess", "entered", "secret", "token"} {
			if strings.Contains(strings.ToLower(col), bad) {
				t.Errorf("column %s.%s could hold the code", table, col)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"id", "verification_id", "at", "operator", "ok"}; !reflect.DeepEqual(cols["checks"], want) {
		t.Errorf("checks columns = %q, want exactly %q", cols["checks"], want)
	}
	if len(cols) != 15 {
		t.Errorf("tables = %v, want verifications, attempts, transitions, checks, audit, trackers, instances, pauses, retention_mark, call_buckets, presence, alarm_states, caller_id_rests, cost_buckets, overrides", cols)
	}
}

func TestErrorMatchesKindAndCause(t *testing.T) {
	cause := errors.New("boom")
	err := error(&Error{Op: "insert attempt", Path: "/x/history.db", Kind: ErrDiskFull, Err: cause})
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, cause) || errors.Is(err, ErrLocked) {
		t.Errorf("errors.Is does not follow Kind and Err")
	}
	if got, want := err.Error(), "insert attempt: history database: disk full: free some space and retry (/x/history.db): boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	plain := &Error{Op: "read history", Path: "/x/history.db", Err: cause}
	if got, want := plain.Error(), "read history: history database /x/history.db: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
