package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// undoSchema5 takes a current database back to schema 4 (no trackers, an unchained audit log), for upgrade
// tests.
var undoSchema5 = append(slices.Clone(undoSchema7), `DROP TABLE trackers`, `DROP TRIGGER audit_chained`, `DROP TRIGGER audit_no_replace`,
	`ALTER TABLE audit DROP COLUMN hash`, `ALTER TABLE audit DROP COLUMN prev_hash`)

// undoSchema10 takes a current database back to schema 9 (no overrides of step 14, no rests nor cost
// counters of step 13, no alarm states of step 12, no presence of step 11; limits counted without the
// generated columns of step 10).
var undoSchema10 = []string{`DROP TABLE overrides`, `DROP TRIGGER cost_buckets_insert`, `DROP TRIGGER cost_buckets_delete`,
	`DROP TRIGGER cost_buckets_update`, `DROP TABLE cost_buckets`, `DROP TABLE caller_id_rests`, `DROP TABLE alarm_states`,
	`DROP TABLE presence`, `DROP TRIGGER call_buckets_insert`, `DROP TRIGGER call_buckets_delete`,
	`DROP TRIGGER call_buckets_update_old`, `DROP TRIGGER call_buckets_update_new`, `DROP TABLE call_buckets`, `DROP TABLE retention_mark`, `DROP INDEX verifications_open`, `DROP INDEX attempts_counted_by_prefix`, `DROP INDEX attempts_counted_by_time`,
	`DROP INDEX attempts_counted_by_number`, `DROP INDEX attempts_live_by_number`,
	`DROP INDEX attempts_counted_by_person`, `ALTER TABLE attempts DROP COLUMN person`, `ALTER TABLE attempts DROP COLUMN prefix`}

// chained writes n entries and returns the store.
func chained(t *testing.T, n int) *Store {
	t.Helper()
	s := openTemp(t)
	for i := range n {
		addAudit(t, s, record.AuditEntry{At: at(time.Duration(i) * time.Second), Operator: "alice", Remote: "local",
			Action: record.AuditCodeChecked, Number: "+44*******450", VerificationID: int64(i + 1), Detail: "no match"})
	}
	return s
}

func TestAuditChainVerifies(t *testing.T) {
	s := chained(t, 5)
	h, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	head, err := s.AuditHead(context.Background())
	if err != nil || h != head || h.Entries != 5 || h.LastID != 5 {
		t.Fatalf("verified %v, head %v (%v); want 5 entries, equal", h, head, err)
	}
	empty := openTemp(t)
	if h, err := empty.VerifyAudit(context.Background()); err != nil || h.Entries != 0 {
		t.Fatalf("empty log: %v, %v", h, err)
	}
}

// The head is read by the primary key, whatever the log's length: no step of its query reads the table.
func TestAuditHeadSearchesThePrimaryKey(t *testing.T) {
	s := chained(t, 50)
	plan := queryPlan(t, s, auditHeadQuery, nil)
	for _, step := range plan {
		if strings.Contains(step, "SCAN") {
			t.Fatalf("the head query reads the whole log: %q", plan)
		}
	}
	if !strings.Contains(strings.Join(plan, "\n"), "SEARCH audit USING INTEGER PRIMARY KEY") {
		t.Fatalf("the head query does not search the primary key: %q", plan)
	}
	h, err := s.AuditHead(context.Background())
	if err != nil || h.Entries != 50 || h.LastID != 50 {
		t.Fatalf("head %v, %v; want 50 entries", h, err)
	}
}

// tamper opens the database with the triggers dropped and runs stmts, as someone with the sqlite3 shell would.
func tamper(t *testing.T, s *Store, stmts ...string) {
	t.Helper()
	db := rawDB(t, s.Path())
	defer db.Close()
	for _, stmt := range append([]string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`,
		`DROP TRIGGER audit_no_replace`, `DROP TRIGGER audit_chained`}, stmts...) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

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
			s := chained(t, 5)
			tamper(t, s, c.stmts...)
			_, err := s.VerifyAudit(context.Background())
			var ce *ChainError
			if !errors.As(err, &ce) || ce.ID != c.id || !strings.Contains(ce.Error(), c.says) {
				t.Fatalf("err = %v, want entry %d %q", err, c.id, c.says)
			}
		})
	}
}

func TestAuditLogRefusesReplaceUpdateDelete(t *testing.T) {
	s := chained(t, 2)
	db := rawDB(t, s.Path())
	defer db.Close()
	for _, stmt := range []string{
		`REPLACE INTO audit (id, at, action, prev_hash, hash) VALUES (1, 0, 'reveal', zeroblob(32), zeroblob(32))`,
		`INSERT OR REPLACE INTO audit (id, at, action, prev_hash, hash) VALUES (2, 0, 'reveal', zeroblob(32), zeroblob(32))`,
		`UPDATE audit SET detail = 'x'`,
		`DELETE FROM audit`,
		`INSERT INTO audit (at, action) VALUES (0, 'reveal')`,
	} {
		if _, err := db.Exec(stmt); err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
	if _, err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("after the refused statements: %v", err)
	}
}

// TestAuditChainUnbrokenByConcurrentWriters: 4 stores on one file (as 4 processes) and 8 goroutines each
// append at once; the chain holds every entry, in one line.
func TestAuditChainUnbrokenByConcurrentWriters(t *testing.T) {
	first := openTemp(t)
	stores := []*Store{first}
	for range 3 {
		s, err := OpenWith(context.Background(), first.Path(), Options{BusyTimeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	var wg sync.WaitGroup
	for i, s := range stores {
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 10 {
					e := record.AuditEntry{At: at(time.Second), Operator: fmt.Sprintf("op%d-%d", i, g),
						Action: record.AuditReveal, Detail: fmt.Sprint(k)}
					if err := s.AddAudit(context.Background(), &e); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	h, err := first.VerifyAudit(context.Background())
	if err != nil || h.Entries != 4*8*10 {
		t.Fatalf("chain %v, %v; want %d entries intact", h, err, 4*8*10)
	}
}

// TestOlderAuditLogIsChainedOnUpgrade: entries written before the chain existed are chained in order.
func TestOlderAuditLogIsChainedOnUpgrade(t *testing.T) {
	s := chained(t, 3)
	path := s.Path()
	s.Close()
	db := rawDB(t, path)
	for _, stmt := range append(undoSchema5, `DROP TRIGGER audit_no_update`, `CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END`, `PRAGMA user_version = 4`) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if h, err := s2.VerifyAudit(context.Background()); err != nil || h.Entries != 3 {
		t.Fatalf("upgraded chain %v, %v", h, err)
	}
}
