package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/store/pgstore"
	"github.com/flashcall/flashcall/internal/store/storetest"
	"github.com/flashcall/flashcall/internal/verify"
)

// The PostgreSQL engine keeps the flow's contract.
var _ verify.Store = (*pgstore.Store)(nil)

// And the audit chain's.
var _ storetest.AuditLog = (*pgstore.Store)(nil)

// urlVar names the database the tests use: each test gets a schema of its own in it, dropped at the end.
const urlVar = "FLASHCALL_TEST_POSTGRES_URL"

// testURL returns the tests' database URL. Without one the tests fail, never skip: the README's test command
// starts the server first.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(urlVar)
	if u == "" {
		t.Fatalf("$%s is not set: the PostgreSQL engine cannot be tested. Run the tests as the README says, "+
			"after `eval \"$(bash .ci/postgres.sh)\"`.", urlVar)
	}
	return u
}

// admin is one pool per test binary on the tests' database, for creating and dropping schemas.
var admin struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

// adminPool returns the shared pool, connecting it on first use.
func adminPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := testURL(t)
	admin.once.Do(func() {
		admin.pool, admin.err = pgxpool.New(context.Background(), u)
		if admin.err == nil {
			admin.err = admin.pool.Ping(context.Background())
		}
	})
	if admin.err != nil {
		t.Fatalf("connect to $%s (%s): %v", urlVar, pgstore.Redact(u), admin.err)
	}
	return admin.pool
}

// TestMain closes the shared pool.
func TestMain(m *testing.M) {
	code := m.Run()
	if admin.pool != nil {
		admin.pool.Close()
	}
	os.Exit(code)
}

// schemaURL creates an empty schema, dropped when the test ends, and returns the tests' URL with search_path
// set to it.
func schemaURL(t testing.TB) string {
	t.Helper()
	pool := adminPool(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "flashcall_test_" + hex.EncodeToString(b[:])
	if _, err := pool.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(testURL(t))
	if err != nil {
		t.Fatalf("$%s: %v", urlVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// open opens a store on u and closes it when the test ends (before its schema is dropped).
func open(t *testing.T, u string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// urls remembers the URL each store was opened on, for Reopen.
var urls sync.Map // *pgstore.Store -> string

// TestContract runs the engines' contract suite against PostgreSQL: each test in a schema of its own, and
// the concurrency tests over three instances (pools) on it, as three servers would be.
func TestContract(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) verify.Store {
		u := schemaURL(t)
		s := open(t, u)
		urls.Store(s, u)
		return s
	}, storetest.Reopen(func(t *testing.T, s verify.Store) verify.Store {
		u, ok := urls.Load(s)
		if !ok {
			t.Fatal("reopen: not a store this test opened")
		}
		return open(t, u.(string))
	}))
}

// raw connects to u directly, bypassing the store, for tests that look at or tamper with the tables.
func raw(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// TestInstancesStartingTogetherMigrateOnce: instances opened at once on an empty schema all start, and each
// step of the schema is applied once.
func TestInstancesStartingTogetherMigrateOnce(t *testing.T) {
	u := schemaURL(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	stores := make([]*pgstore.Store, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = pgstore.Open(t.Context(), u)
		}()
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Errorf("instance %d: %v", i, errs[i])
		}
		if s != nil {
			s.Close()
		}
	}
	c := raw(t, u)
	var versions, distinct, max int
	if err := c.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version), max(version) FROM schema_version`).Scan(&versions, &distinct, &max); err != nil {
		t.Fatal(err)
	}
	if versions != distinct || versions != max || versions < 2 {
		t.Fatalf("schema_version holds %d rows, %d versions, up to %d: want each step once", versions, distinct, max)
	}
	// Opening a current schema writes nothing.
	s := open(t, u)
	var after int
	if err := c.QueryRow(t.Context(), `SELECT count(*) FROM schema_version`).Scan(&after); err != nil || after != versions {
		t.Fatalf("reopening wrote to schema_version: %d rows, %v", after, err)
	}
	_ = s
}

// TestNewerSchemaIsRefused: a schema written by a newer flashcall is not touched.
func TestNewerSchemaIsRefused(t *testing.T) {
	u := schemaURL(t)
	s, err := pgstore.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	c := raw(t, u)
	if _, err := c.Exec(t.Context(), `INSERT INTO schema_version (version, name) VALUES (1000, 'from the future')`); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(t.Context(), u); !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
}

// TestSomeoneElsesTablesAreRefused: a schema that has tables of ours' names but no schema_version is not
// flashcall's, and is left alone.
func TestSomeoneElsesTablesAreRefused(t *testing.T) {
	u := schemaURL(t)
	c := raw(t, u)
	if _, err := c.Exec(t.Context(), `CREATE TABLE attempts (id int)`); err != nil {
		t.Fatal(err)
	}
	_, err := pgstore.Open(t.Context(), u)
	if !errors.Is(err, store.ErrNotDatabase) || !strings.Contains(err.Error(), "attempts") {
		t.Fatalf("Open = %v, want ErrNotDatabase naming the table", err)
	}
	var n int
	if err := c.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the schema now has %d tables, %v; want its own one only", n, err)
	}
}

// TestAuditLogRefusesChanges: PostgreSQL itself refuses UPDATE, DELETE, TRUNCATE, an upsert over an entry,
// and an entry without its hashes; the chain still verifies afterwards.
func TestAuditLogRefusesChanges(t *testing.T) {
	u := schemaURL(t)
	s := open(t, u)
	for i := range 3 {
		e := record.AuditEntry{At: storetestTime(i), Operator: "alice", Action: record.AuditReveal, Detail: fmt.Sprint(i)}
		if err := s.AddAudit(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
	}
	c := raw(t, u)
	for _, stmt := range []string{
		`UPDATE audit SET detail = 'x'`,
		`UPDATE audit SET detail = 'x' WHERE id = 2`,
		`DELETE FROM audit WHERE id = 3`,
		`DELETE FROM audit`,
		`TRUNCATE audit`,
		`INSERT INTO audit (id, at, action, prev_hash, hash) SELECT 1, 0, 'reveal', hash, hash FROM audit WHERE id = 1
			ON CONFLICT (id) DO UPDATE SET detail = 'rewritten'`,
		`INSERT INTO audit (id, at, action, prev_hash, hash) SELECT 2, 0, 'reveal', hash, hash FROM audit WHERE id = 1`,
		`INSERT INTO audit (id, at, action) VALUES (10, 0, 'reveal')`,
		`INSERT INTO audit (id, at, action, prev_hash, hash) VALUES (10, 0, 'reveal', '\x00', '\x00')`,
	} {
		if _, err := c.Exec(t.Context(), stmt); err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
	if h, err := s.VerifyAudit(t.Context()); err != nil || h.Entries != 3 {
		t.Fatalf("after the refused statements: %v, %v", h, err)
	}
}

// TestAuditChainNamesTheFirstTamperedEntry: what only the table's owner can do (disable the triggers and
// rewrite rows) shows in VerifyAudit, naming the first entry that does not follow.
func TestAuditChainNamesTheFirstTamperedEntry(t *testing.T) {
	for _, c := range []struct {
		name  string
		stmts []string
		id    int64
		says  string
	}{
		{"a detail changed", []string{`UPDATE audit SET detail = 'match' WHERE id = 3`}, 3, "was changed"},
		{"an operator changed", []string{`UPDATE audit SET operator = 'mallory' WHERE id = 2`}, 2, "was changed"},
		{"an entry removed", []string{`DELETE FROM audit WHERE id = 3`}, 4, "follows entry 2"},
		{"the first removed", []string{`DELETE FROM audit WHERE id = 1`}, 2, "follows entry 0"},
		{"an entry inserted with its own valid-looking hash", []string{
			`UPDATE audit SET id = id + 10 WHERE id >= 3`,
			`UPDATE audit SET id = id - 9 WHERE id >= 13`,
			`INSERT INTO audit (id, at, action, prev_hash, hash) SELECT 3, 0, 'reveal', hash, hash FROM audit WHERE id = 2`,
		}, 3, "was changed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := schemaURL(t)
			s := open(t, u)
			for i := range 5 {
				e := record.AuditEntry{At: storetestTime(i), Operator: "alice", Remote: "local",
					Action: record.AuditCodeChecked, Number: "+44*******450", VerificationID: int64(i + 1), Detail: "no match"}
				if err := s.AddAudit(t.Context(), &e); err != nil {
					t.Fatal(err)
				}
			}
			conn := raw(t, u)
			for _, stmt := range append([]string{`ALTER TABLE audit DISABLE TRIGGER USER`}, c.stmts...) {
				if _, err := conn.Exec(t.Context(), stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			_, err := s.VerifyAudit(t.Context())
			var ce *store.ChainError
			if !errors.As(err, &ce) || ce.ID != c.id || !strings.Contains(ce.Error(), c.says) {
				t.Fatalf("err = %v, want entry %d %q", err, c.id, c.says)
			}
		})
	}
}

// storetestTime is a fixed instant plus i seconds.
func storetestTime(i int) time.Time {
	return time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC).Add(time.Duration(i) * time.Second)
}
