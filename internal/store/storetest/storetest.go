// Package storetest is the contract every history engine keeps: one suite of tests, run against the SQLite
// engine (internal/store) and the PostgreSQL engine (internal/store/pgstore), so that the flow (which sees
// only verify.Store) cannot tell them apart. It checks what the flow relies on: exact round trips, the
// velocity limits and "one live call per number" under 50 concurrent placements, read-modify-write without
// lost updates, call SIDs and the tracking of calls claimed once, an unbroken audit hash chain under
// concurrent writers, RCML token lookups, history, exports and the retention.
//
// An engine's test calls Run with a function that opens an empty store; with Reopen it also says how a second
// instance (another process or server) opens the same database, and the concurrency tests then spread their
// goroutines over several instances.
package storetest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// AuditLog is the audit chain's part of an engine, beyond verify.Store: what `flashcall audit verify`, the
// head logged at start-up and the audit export use. Every engine must have it; Run fails for one that has not.
type AuditLog = store.AuditLog

// Option tunes Run.
type Option func(*suite)

// Reopen gives Run a way to open another instance on the database of a store that open returned, as another
// process or server would; the instance must be closed by the test's cleanup. The concurrency tests then run
// their goroutines over three instances of the database, not one.
func Reopen(f func(t *testing.T, s verify.Store) verify.Store) Option {
	return func(c *suite) { c.reopen = f }
}

// suite is one engine under test.
type suite struct {
	open   func(t *testing.T) verify.Store
	reopen func(t *testing.T, s verify.Store) verify.Store
}

// Goroutines is how many goroutines each concurrency test runs at once.
const Goroutines = 50

// Run runs the contract suite, each test in a subtest with a store of its own: open must return an empty
// store (a new database, or a new schema) and arrange with t.Cleanup for it to be closed.
func Run(t *testing.T, open func(t *testing.T) verify.Store, opts ...Option) {
	c := &suite{open: open}
	for _, o := range opts {
		o(c)
	}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, c *suite)
	}{
		{"RoundTrip", testRoundTrip},
		{"UpdateAttemptWith", testUpdateAttemptWith},
		{"NotFound", testNotFound},
		{"OpenVerifications", testOpenVerifications},
		{"UnfinishedAndLastFrom", testUnfinishedAndLastFrom},
		{"RecordBlocked", testRecordBlocked},
		{"PlacementAllOrNothing", testPlacementAllOrNothing},
		{"Supersede", testSupersede},
		{"PlacementWritesEverythingBeforeTheDial", testPlacementWritesEverythingBeforeTheDial},
		{"LimitQuerier", testLimitQuerier},
		{"OneLiveCallPerNumberUnderConcurrency", testOneLivePerNumber},
		{"GlobalLimitExactUnderConcurrency", testGlobalLimit},
		{"EveryoneCountedExactlyUnderConcurrency", testEveryoneCountedExactly},
		{"ModifyVerification", testModify},
		{"ModifyVerificationNoLostUpdate", testModifyNoLostUpdate},
		{"ModifyVerificationLocksOnce", testModifyLocksOnce},
		{"ClaimCallSID", testClaim},
		{"ClaimCallSIDUnderConcurrency", testClaimConcurrent},
		{"AuditLog", testAudit},
		{"AuditChainConcurrentWriters", testAuditConcurrent},
		{"RCMLToken", testRCMLToken},
		{"History", testHistory},
		{"Export", testExport},
		{"FindHistory", testFindHistory},
		{"HistoryPaging", testHistoryPaging},
		{"PurgeAnonymises", testPurgeAnonymises},
		{"PurgeDeletes", testPurgeDeletes},
		{"PurgeEndedUnknown", testPurgeEndedUnknown},
		{"PurgeBatches", testPurgeBatches},
		{"Tracking", testTracking},
		{"TrackingUnderConcurrency", testTrackingConcurrent},
		{"StatRows", testStatRows},
		{"Pauses", testPauses},
		{"AlarmStates", testAlarmStates},
		{"Rests", testRests},
		{"RestedCallerIDNeverPlacedAfterTheRest", testRestedPlacement},
		{"BilledMinutes", testBilledMinutes},
		{"CostCapNeverExceededUnderConcurrency", testCostCap},
		{"Overrides", testOverrides},
		{"OverridesRetention", testOverridesRetention},
		{"Presence", testPresence},
		{"ChangedSince", testChangedSince},
		{"Instances", testInstances},
		{"PlacementRecordsTracker", testPlacementRecordsTracker},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, c) })
	}
}

// instances returns s and, when the engine can reopen its database, two more instances on it.
func (c *suite) instances(t *testing.T, s verify.Store) []verify.Store {
	out := []verify.Store{s}
	if c.reopen != nil {
		out = append(out, c.reopen(t, s), c.reopen(t, s))
	}
	return out
}

// auditLog returns s's audit chain methods, or fails the test.
func auditLog(t *testing.T, s verify.Store) AuditLog {
	t.Helper()
	return capability[AuditLog](t, s, "audit chain methods (storetest.AuditLog)")
}

// capability returns s as T, the methods beyond verify.Store that what names, or fails the test: every engine
// must have them all.
func capability[T any](t *testing.T, s verify.Store, what string) T {
	t.Helper()
	c, ok := s.(T)
	if !ok {
		t.Fatalf("%T has no %s: every engine needs them", s, what)
	}
	return c
}

// together runs f(0) ... f(n-1) in n goroutines released at once, and returns their errors by index.
func together(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// base is a fixed instant with nanoseconds, so that exact round trips are tested.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

// fullAttempt has every field set to a non-zero value.
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

// newPlacement is a fresh verification and attempt of number by operator at t.
func newPlacement(number, operator string, t time.Time) store.Placement {
	return store.Placement{
		Verification: &record.Verification{Number: number, Operator: operator, CreatedAt: t, UpdatedAt: t,
			ExpiresAt: t.Add(5 * time.Minute), Status: record.StatusCalling, MaxChecks: 3},
		Attempt: &record.Attempt{Number: number, Operator: operator, CreatedAt: t, UpdatedAt: t},
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

// mustInsert stores a (InsertAttempt) or fails the test.
func mustInsert(t *testing.T, s verify.Store, a *record.Attempt) {
	t.Helper()
	if err := s.InsertAttempt(t.Context(), a); err != nil {
		t.Fatalf("InsertAttempt: %v", err)
	}
}

// mustCreate stores v (CreateVerification) or fails the test.
func mustCreate(t *testing.T, s verify.Store, v *record.Verification) {
	t.Helper()
	if err := s.CreateVerification(t.Context(), v); err != nil {
		t.Fatalf("CreateVerification: %v", err)
	}
}

// allHistory returns every attempt, newest first.
func allHistory(t *testing.T, s verify.Store) []record.HistoryRow {
	t.Helper()
	rows, err := s.History(t.Context(), store.HistoryQuery{})
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	return rows
}
