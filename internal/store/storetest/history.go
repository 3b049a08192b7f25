package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// testRCMLToken: a token's hash finds its own attempt while the call may be up, and nothing once it is over;
// a token is given once, to a placing attempt.
func testRCMLToken(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	insts := c.instances(t, s)
	a := record.Attempt{CreatedAt: at(0), Number: "+447700900123", From: "447418340465", State: record.StatePlacing}
	b := record.Attempt{CreatedAt: at(0), Number: "+447700900124", From: "447418341234", State: record.StatePlacing}
	mustInsert(t, s, &a)
	mustInsert(t, s, &b)
	ha, hb := store.RCMLTokenHash(sha256.Sum256([]byte("token a"))), store.RCMLTokenHash(sha256.Sum256([]byte("token b")))
	if err := s.SetRCMLTokenHash(ctx, a.ID, ha); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRCMLTokenHash(ctx, b.ID, hb); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRCMLTokenHash(ctx, a.ID, hb); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a second token: %v, want ErrNotFound", err)
	}
	if err := s.SetRCMLTokenHash(ctx, 999, ha); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token for no attempt: %v, want ErrNotFound", err)
	}
	for _, state := range []record.State{record.StatePlacing, record.StateLive} {
		a.State = state
		if err := s.UpdateAttempt(ctx, &a); err != nil { // an update keeps the token
			t.Fatal(err)
		}
		for _, in := range insts { // every instance answers the same
			got, err := in.LiveAttemptByRCMLToken(ctx, ha)
			if err != nil || got.ID != a.ID || got.From != a.From {
				t.Fatalf("%s: LiveAttemptByRCMLToken = %+v, %v; want attempt %d", state, got, err, a.ID)
			}
		}
	}
	if got, err := s.LiveAttemptByRCMLToken(ctx, hb); err != nil || got.ID != b.ID {
		t.Fatalf("the second token found %+v, %v; want attempt %d", got, err, b.ID)
	}
	for _, h := range []store.RCMLTokenHash{store.RCMLTokenHash(sha256.Sum256([]byte("nobody's"))), {}} {
		if _, err := s.LiveAttemptByRCMLToken(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("hash %x: %v, want ErrNotFound", h[:4], err)
		}
	}
	for _, state := range []record.State{record.StateEnded, record.StateUnknown, record.StateNotPlaced} {
		a.State = state
		if err := s.UpdateAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LiveAttemptByRCMLToken(ctx, ha); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s attempt: LiveAttemptByRCMLToken = %+v, %v; want ErrNotFound", state, got, err)
		}
	}
	live := record.Attempt{CreatedAt: at(0), Number: "+447700900125", State: record.StateLive}
	mustInsert(t, s, &live)
	if err := s.SetRCMLTokenHash(ctx, live.ID, store.RCMLTokenHash(sha256.Sum256([]byte("late")))); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token for a live attempt: %v, want ErrNotFound", err)
	}
}

// historyFixture stores a verified verification's attempt, an open one's, and an attempt without a
// verification, a second apart, and returns them oldest first.
func historyFixture(t *testing.T, s verify.Store) []record.Attempt {
	t.Helper()
	verified := record.Verification{Number: "+447400123450", Status: record.StatusVerified, Checks: 1, MaxChecks: 3, CreatedAt: at(0)}
	open := record.Verification{Number: "+447400123451", Status: record.StatusAwaitingCode, Checks: 2, MaxChecks: 3, CreatedAt: at(0)}
	mustCreate(t, s, &verified)
	mustCreate(t, s, &open)
	as := []record.Attempt{
		{VerificationID: verified.ID, Number: verified.Number, Country: "GB", LineType: "mobile", From: "447418340465",
			CallSID: "CA1", State: record.StateEnded, Status: "no-answer", Outcome: record.OutcomeDelivered, Duration: 0,
			Operator: "alice", CreatedAt: at(0)},
		{VerificationID: open.ID, Number: open.Number, Country: "GB", From: "447418341234", CallSID: "CA2",
			State: record.StateEnded, Status: "completed", Outcome: record.OutcomeAnswered, Duration: 4, Operator: "bob",
			Error: "a, \"quoted\" error", CreatedAt: at(time.Second)},
		{Number: "+12025550123", State: record.StateNotPlaced, Operator: "alice", Error: "refused", CreatedAt: at(2 * time.Second)},
	}
	for i := range as {
		mustInsert(t, s, &as[i])
	}
	return as
}

// testHistory: newest first, with the verification's status and read-backs, bounded by Since and Limit.
func testHistory(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	if rows := allHistory(t, s); len(rows) != 0 {
		t.Fatalf("an empty history has %d rows", len(rows))
	}
	as := historyFixture(t, s)
	rows := allHistory(t, s)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for i, r := range rows {
		assertSame(t, r.Attempt, as[2-i])
	}
	if rows[2].VerificationStatus != record.StatusVerified || rows[2].Checks != 1 || rows[2].MaxChecks != 3 ||
		rows[1].VerificationStatus != record.StatusAwaitingCode || rows[1].Checks != 2 ||
		rows[0].VerificationStatus != "" || rows[0].Checks != 0 || rows[0].MaxChecks != 0 {
		t.Errorf("verification columns: %+v", rows)
	}
	for _, c := range []struct {
		q    store.HistoryQuery
		want []int64
	}{
		{store.HistoryQuery{Limit: 2}, []int64{as[2].ID, as[1].ID}},
		{store.HistoryQuery{Since: at(time.Second)}, []int64{as[2].ID, as[1].ID}},
		{store.HistoryQuery{Since: at(time.Second), Limit: 1}, []int64{as[2].ID}},
		{store.HistoryQuery{Since: at(time.Hour)}, nil},
		{store.HistoryQuery{Limit: -1}, []int64{as[2].ID, as[1].ID, as[0].ID}},
	} {
		got, err := s.History(ctx, c.q)
		if err != nil || len(got) != len(c.want) {
			t.Errorf("History(%+v) = %d rows, %v; want %d", c.q, len(got), err, len(c.want))
			continue
		}
		for i := range got {
			if got[i].ID != c.want[i] {
				t.Errorf("History(%+v)[%d] = %d, want %d", c.q, i, got[i].ID, c.want[i])
			}
		}
	}
}

// testExport: CSV and JSON, oldest first, numbers masked as asked, and the code of a verification not
// verified never leaves unmasked; every engine writes the same bytes.
func testExport(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	historyFixture(t, s)
	var csv bytes.Buffer
	err := s.Export(ctx, &csv, store.ExportOptions{Mask: record.MaskNumber, MaskCode: func(from string) string { return record.MaskCode(from, 4) }})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(store.ExportColumns(), ",") + "\n" +
		"2025-03-14T15:09:26.535897932Z,+44*******450,GB,mobile,447418340465,CA1,ended,no-answer,delivered,verified,1,0,alice,\n" +
		"2025-03-14T15:09:27.535897932Z,+44*******451,GB,,44741834••••,CA2,ended,completed,answered,awaiting-code,2,4,bob,\"a, \"\"quoted\"\" error\"\n" +
		"2025-03-14T15:09:28.535897932Z,+1*******123,,,,,not-placed,,,,0,0,alice,refused\n"
	if csv.String() != want {
		t.Errorf("CSV export:\n%s\nwant:\n%s", csv.String(), want)
	}

	var js bytes.Buffer
	if err := s.Export(ctx, &js, store.ExportOptions{Format: "json", Since: at(time.Second)}); err != nil {
		t.Fatal(err)
	}
	rows := jsonRows(t, js.Bytes())
	if len(rows) != 2 || rows[0]["number"] != "+447400123451" || rows[0]["from"] != "" || rows[0]["checks"] != float64(2) ||
		rows[1]["state"] != "not-placed" {
		t.Errorf("JSON export: %v", rows)
	}
	var empty bytes.Buffer
	if err := s.Export(ctx, &empty, store.ExportOptions{Format: "json", Since: at(time.Hour)}); err != nil || empty.String() != "[]\n" {
		t.Errorf("an empty JSON export = %q, %v", empty.String(), err)
	}
	if err := s.Export(ctx, &empty, store.ExportOptions{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("an unknown format: %v", err)
	}
}
