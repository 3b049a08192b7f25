package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testAudit: entries come back as written, filtered and newest first; the chain's hashes are the ones
// store.AuditHash gives, so a log verifies the same in every engine; exports are byte for byte the same.
func testAudit(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	log := auditLog(t, s)
	if h, err := log.VerifyAudit(ctx); err != nil || h != (store.AuditHead{}) {
		t.Fatalf("an empty log verifies as %v, %v", h, err)
	}
	if h, err := log.AuditHead(ctx); err != nil || h != (store.AuditHead{}) {
		t.Fatalf("an empty log's head is %v, %v", h, err)
	}
	entries := []record.AuditEntry{
		{At: at(0), Operator: "alice", Remote: "local", Action: record.AuditCallPlaced, Number: "+44*******450",
			VerificationID: 1, AttemptID: 1, Detail: "created CA1"},
		{At: at(time.Second), Operator: "bob (SHA256:abc)", Remote: "192.0.2.7:50022", Action: record.AuditCodeChecked,
			Number: "+44*******450", VerificationID: 1, Detail: "no match"},
		{At: at(2 * time.Second), Operator: "alice", Remote: "local", Action: record.AuditReveal, Detail: "é, \"quoted\"\nline"},
		{At: at(3 * time.Second), Operator: "alice", Action: record.AuditCodeChecked, Detail: "match"},
	}
	prev := make([]byte, sha256.Size)
	for i := range entries {
		e := entries[i]
		if err := s.AddAudit(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if e.ID != int64(i+1) {
			t.Fatalf("entry %d got ID %d, want %d", i, e.ID, i+1)
		}
		entries[i].ID = e.ID
		sum := store.AuditHash(prev, &entries[i])
		prev = sum[:]
	}
	h, err := log.VerifyAudit(ctx)
	if err != nil || h.Entries != 4 || h.LastID != 4 || !bytes.Equal(h.Hash[:], prev) {
		t.Fatalf("VerifyAudit = %v, %v; want 4 entries ending in the hash store.AuditHash gives (%x)", h, err, prev)
	}
	if head, err := log.AuditHead(ctx); err != nil || head != h {
		t.Fatalf("AuditHead = %v, %v; want %v", head, err, h)
	}
	if ok, err := log.AuditHolds(ctx, h.Hash); err != nil || !ok {
		t.Errorf("AuditHolds(head) = %v, %v", ok, err)
	}
	if ok, err := log.AuditHolds(ctx, [sha256.Size]byte{1}); err != nil || ok {
		t.Errorf("AuditHolds(another hash) = %v, %v", ok, err)
	}

	all, err := s.Audit(ctx, record.AuditQuery{})
	if err != nil || len(all) != 4 {
		t.Fatalf("Audit = %d entries, %v", len(all), err)
	}
	for i, e := range all {
		assertSame(t, e, entries[3-i])
	}
	for _, c := range []struct {
		q    record.AuditQuery
		want []int64
	}{
		{record.AuditQuery{Limit: 2}, []int64{4, 3}},
		{record.AuditQuery{Operator: "alice"}, []int64{4, 3, 1}},
		{record.AuditQuery{Action: record.AuditCodeChecked}, []int64{4, 2}},
		{record.AuditQuery{Since: at(time.Second), Until: at(3 * time.Second)}, []int64{3, 2}},
		{record.AuditQuery{Operator: "alice", Action: record.AuditCodeChecked, Since: at(0), Limit: 5}, []int64{4}},
		{record.AuditQuery{Operator: "nobody"}, nil},
	} {
		got, err := s.Audit(ctx, c.q)
		var ids []int64
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if err != nil || fmt.Sprint(ids) != fmt.Sprint(c.want) {
			t.Errorf("Audit(%+v) = %v, %v; want %v", c.q, ids, err, c.want)
		}
	}

	var csv bytes.Buffer
	if err := log.ExportAudit(ctx, &csv, "", record.AuditQuery{Since: at(time.Second)}); err != nil {
		t.Fatal(err)
	}
	want := "time,operator,remote,action,number,verification_id,attempt_id,detail\n" +
		"2025-03-14T15:09:27.535897932Z,bob (SHA256:abc),192.0.2.7:50022,code-checked,+44*******450,1,0,no match\n" +
		"2025-03-14T15:09:28.535897932Z,alice,local,reveal,,0,0,\"é, \"\"quoted\"\"\nline\"\n" +
		"2025-03-14T15:09:29.535897932Z,alice,,code-checked,,0,0,match\n"
	if csv.String() != want {
		t.Errorf("CSV audit export:\n%s\nwant:\n%s", csv.String(), want)
	}
	var js bytes.Buffer
	if err := log.ExportAudit(ctx, &js, "json", record.AuditQuery{Action: record.AuditCallPlaced}); err != nil {
		t.Fatal(err)
	}
	if want := `[
{"time":"2025-03-14T15:09:26.535897932Z","operator":"alice","remote":"local","action":"call-placed","number":"+44*******450","verification_id":1,"attempt_id":1,"detail":"created CA1"}
]
`; js.String() != want {
		t.Errorf("JSON audit export:\n%s\nwant:\n%s", js.String(), want)
	}
	if err := log.ExportAudit(ctx, &js, "xml", record.AuditQuery{}); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("an unknown format: %v", err)
	}

	// What the log refuses to hold.
	for _, e := range []record.AuditEntry{
		{At: at(0), Operator: "alice"},
		{At: at(0), Operator: "alice", Action: record.AuditReveal, Number: "+447400123450"},
	} {
		if err := s.AddAudit(ctx, &e); err == nil {
			t.Errorf("AddAudit(%+v) accepted", e)
		}
	}
	if h2, err := log.VerifyAudit(ctx); err != nil || h2 != h {
		t.Errorf("after refused entries: %v, %v", h2, err)
	}
}

// testAuditConcurrent: Goroutines writers over every instance append at once; the chain holds every entry,
// dense IDs in one unbroken line.
func testAuditConcurrent(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	const each = 4
	errs := together(Goroutines, func(i int) error {
		for k := range each {
			e := record.AuditEntry{At: at(time.Duration(k) * time.Second), Operator: fmt.Sprintf("op%d", i),
				Remote: "local", Action: record.AuditCodeChecked, Detail: fmt.Sprint(k)}
			if err := insts[i%len(insts)].AddAudit(ctx, &e); err != nil {
				return err
			}
			if e.ID < 1 || e.ID > Goroutines*each {
				return fmt.Errorf("entry ID %d out of 1..%d", e.ID, Goroutines*each)
			}
		}
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, in := range insts {
		h, err := auditLog(t, in).VerifyAudit(ctx)
		if err != nil || h.Entries != Goroutines*each || h.LastID != Goroutines*each {
			t.Fatalf("chain %v, %v; want %d entries intact", h, err, Goroutines*each)
		}
		if head, err := auditLog(t, in).AuditHead(ctx); err != nil || head != h {
			t.Fatalf("head %v, %v; verified %v", head, err, h)
		}
	}
	got, err := s.Audit(ctx, record.AuditQuery{Operator: "op7"})
	if err != nil || len(got) != each {
		t.Fatalf("op7's entries: %d, %v", len(got), err)
	}
}

// jsonRows decodes a JSON export.
func jsonRows(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, b)
	}
	return out
}
