package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// openTemp opens a fresh store in a temporary directory and closes it at the end of the test.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
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

// rawDB opens path with the driver directly, bypassing the store, for tests that tamper with the file.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// base is a fixed instant with nanoseconds, so that exact round trips are tested.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

// fullAttempt has every field set to a non-zero value (checked by TestSamplesSetEveryField).
func fullAttempt(vid int64) record.Attempt {
	return record.Attempt{
		VerificationID: vid,
		CreatedAt:      at(0),
		UpdatedAt:      at(2 * time.Second),
		EndedAt:        at(9 * time.Second).In(time.FixedZone("CET", 3600)),
		Operator:       "alice",
		Remote:         "192.0.2.7:50022",
		Number:         "+447700900123",
		Country:        "GB",
		LineType:       "mobile",
		From:           "447418340465",
		CallSID:        "CA0123456789abcdef0123456789abcdef",
		State:          record.StateEnded,
		Status:         "no-answer",
		Outcome:        record.OutcomeDelivered,
		RingingSeen:    true,
		AnsweredBy:     "human",
		Duration:       3,
		RingDuration:   7,
		Error:          "poll: timeout",
		StaleSince:     at(5 * time.Second),
		NoCallReported: true,
	}
}

// fullVerification has every field but ID set to a non-zero value.
func fullVerification() record.Verification {
	return record.Verification{
		Number:    "+447700900123",
		Country:   "GB",
		Operator:  "alice",
		CreatedAt: at(0),
		UpdatedAt: at(time.Minute),
		ExpiresAt: at(5 * time.Minute),
		Status:    record.StatusAwaitingCode,
		Checks:    1,
		MaxChecks: 3,
		Reason:    "because",
	}
}

// assertSame compares two structs field by field, times with Equal (and requiring UTC on got when set).
func assertSame(t *testing.T, got, want any) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	if gv.Type() != wv.Type() {
		t.Fatalf("types differ: %T vs %T", got, want)
	}
	compareValues(t, gv.Type().Name(), gv, wv)
}

func compareValues(t *testing.T, name string, g, w reflect.Value) {
	t.Helper()
	if tm, ok := g.Interface().(time.Time); ok {
		wt := w.Interface().(time.Time)
		if !tm.Equal(wt) || tm.IsZero() != wt.IsZero() {
			t.Errorf("%s = %v, want %v", name, tm, wt)
		}
		if !tm.IsZero() && tm.Location() != time.UTC {
			t.Errorf("%s location = %v, want UTC", name, tm.Location())
		}
		return
	}
	if g.Kind() == reflect.Struct {
		for i := range g.NumField() {
			compareValues(t, name+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
		return
	}
	if !reflect.DeepEqual(g.Interface(), w.Interface()) {
		t.Errorf("%s = %#v, want %#v", name, g.Interface(), w.Interface())
	}
}

// count returns the number of rows in table.
func count(t testing.TB, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
