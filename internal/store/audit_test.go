package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func addAudit(t *testing.T, s *Store, e record.AuditEntry) record.AuditEntry {
	t.Helper()
	if err := s.AddAudit(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 {
		t.Fatal("AddAudit did not set ID")
	}
	return e
}

func TestAuditRoundTripAndQuery(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	e1 := addAudit(t, s, record.AuditEntry{At: at(0), Operator: "alice", Remote: "local", Action: record.AuditCallPlaced,
		Number: "+44*******450", VerificationID: 1, AttemptID: 2, Detail: "call CA01"})
	e2 := addAudit(t, s, record.AuditEntry{At: at(time.Minute), Operator: "bob", Remote: "192.0.2.7:50022",
		Action: record.AuditReveal, Number: "+44*******450", AttemptID: 2})
	e3 := addAudit(t, s, record.AuditEntry{At: at(2 * time.Minute), Operator: "alice", Remote: "local", Action: record.AuditExport,
		Detail: "history, numbers masked"})
	all, err := s.Audit(ctx, record.AuditQuery{})
	if err != nil || len(all) != 3 {
		t.Fatalf("Audit = %d entries, %v", len(all), err)
	}
	assertSame(t, all[0], e3)
	assertSame(t, all[1], e2)
	assertSame(t, all[2], e1)
	for _, c := range []struct {
		q    record.AuditQuery
		want []int64
	}{
		{record.AuditQuery{Operator: "alice"}, []int64{e3.ID, e1.ID}},
		{record.AuditQuery{Action: record.AuditReveal}, []int64{e2.ID}},
		{record.AuditQuery{Since: at(time.Minute)}, []int64{e3.ID, e2.ID}},
		{record.AuditQuery{Until: at(time.Minute)}, []int64{e1.ID}},
		{record.AuditQuery{Limit: 1}, []int64{e3.ID}},
	} {
		got, err := s.Audit(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if len(ids) != len(c.want) || (len(ids) > 0 && ids[0] != c.want[0]) || (len(ids) > 1 && ids[1] != c.want[1]) {
			t.Errorf("Audit(%+v) = %v, want %v", c.q, ids, c.want)
		}
	}
}

func TestAuditRefusesFullNumbers(t *testing.T) {
	s := openTemp(t)
	e := record.AuditEntry{At: at(0), Action: record.AuditReveal, Number: "+447400123450"}
	if err := s.AddAudit(context.Background(), &e); err == nil || !strings.Contains(err.Error(), "masked numbers only") {
		t.Fatalf("AddAudit with a full number = %v", err)
	}
	if err := s.AddAudit(context.Background(), &record.AuditEntry{At: at(0)}); err == nil {
		t.Fatal("AddAudit without an action succeeded")
	}
}

// TestAuditIsAppendOnly: the database itself refuses to change or delete audit entries, whoever asks.
func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	e := addAudit(t, s, record.AuditEntry{At: at(0), Operator: "alice", Action: record.AuditReveal, Number: "+44*******450"})
	s.Close()
	db := rawDB(t, s.Path())
	for _, stmt := range []string{
		`UPDATE audit SET operator = 'mallory'`,
		`UPDATE audit SET detail = 'nothing to see' WHERE id = 1`,
		`DELETE FROM audit`,
		`DELETE FROM audit WHERE id = 1`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "the audit log is append-only") {
			t.Errorf("%s: %v, want the append-only refusal", stmt, err)
		}
	}
	var op string
	if err := db.QueryRow(`SELECT operator FROM audit WHERE id = ?`, e.ID).Scan(&op); err != nil || op != "alice" {
		t.Errorf("entry after the attempts: operator %q, %v", op, err)
	}
	if n := count(t, db, "audit"); n != 1 {
		t.Errorf("audit entries = %d, want 1", n)
	}
}

func TestExportAudit(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	addAudit(t, s, record.AuditEntry{At: at(time.Minute), Operator: "bob", Remote: "192.0.2.7:50022", Action: record.AuditReveal,
		Number: "+44*******450", AttemptID: 2})
	addAudit(t, s, record.AuditEntry{At: at(0), Operator: "alice", Remote: "local", Action: record.AuditCallPlaced,
		Number: "+44*******450", VerificationID: 1, AttemptID: 2, Detail: "call CA01, \"quoted\""})

	var b bytes.Buffer
	if err := s.ExportAudit(ctx, &b, "csv", record.AuditQuery{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(AuditColumns(), ",") {
		t.Fatalf("csv = %q", recs)
	}
	if want := []string{at(0).Format(time.RFC3339Nano), "alice", "local", string(record.AuditCallPlaced), "+44*******450", "1", "2",
		"call CA01, \"quoted\""}; strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Errorf("first row %q, want %q (oldest first)", recs[1], want)
	}

	b.Reset()
	if err := s.ExportAudit(ctx, &b, "json", record.AuditQuery{Action: record.AuditReveal}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, b.String())
	}
	if len(got) != 1 || got[0]["operator"] != "bob" || got[0]["remote"] != "192.0.2.7:50022" || got[0]["attempt_id"] != 2.0 {
		t.Errorf("json = %v", got)
	}

	b.Reset()
	if err := s.ExportAudit(ctx, &b, "json", record.AuditQuery{Operator: "nobody"}); err != nil || b.String() != "[]\n" {
		t.Errorf("empty json export = %q, %v", b.String(), err)
	}
	if err := s.ExportAudit(ctx, &b, "xml", record.AuditQuery{}); err == nil || !strings.Contains(err.Error(), "use csv or json") {
		t.Errorf("xml export = %v", err)
	}
}

// TestUpgradeFromSchema1 turns a fresh database back into schema 1 with a row in it, and opens it again: the
// audit log and the number index appear, and the row is kept.
func TestUpgradeFromSchema1(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := fullAttempt(0)
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	db := rawDB(t, path)
	for _, stmt := range append(undoSchema7, `DROP TABLE trackers`, `DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`, `DROP TABLE audit`,
		`DROP INDEX attempts_by_number`, `DROP INDEX attempts_by_sid`, `DROP INDEX attempts_by_rcml_path`,
		`ALTER TABLE attempts DROP COLUMN rcml_path_sha256`, `PRAGMA user_version = 1`) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, err := s2.GetAttempt(ctx, a.ID); err != nil || got.Number != a.Number {
		t.Fatalf("attempt after the upgrade: %+v, %v", got, err)
	}
	addAudit(t, s2, record.AuditEntry{At: at(0), Action: record.AuditConfigLoaded, Detail: "defaults"})
	if _, err := s2.w.Exec(`DELETE FROM audit`); err == nil {
		t.Fatal("the upgraded audit log allows DELETE")
	}
}
