package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// testRoundTrip: every field of a verification, an attempt and a transition comes back as written, times
// to the nanosecond and in UTC.
func testRoundTrip(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	v := fullVerification()
	mustCreate(t, s, &v)
	if v.ID == 0 {
		t.Fatal("CreateVerification set no ID")
	}
	gotV, err := s.GetVerification(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, *gotV, v)

	a := fullAttempt(v.ID)
	mustInsert(t, s, &a)
	if a.ID == 0 {
		t.Fatal("InsertAttempt set no ID")
	}
	gotA, err := s.GetAttempt(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, *gotA, a)

	trs, err := s.Transitions(ctx, a.ID)
	if err != nil || len(trs) != 1 {
		t.Fatalf("Transitions = %+v, %v; want the placing one", trs, err)
	}
	if tr := trs[0]; tr.ID == 0 || tr.AttemptID != a.ID || !tr.At.Equal(a.CreatedAt) || tr.Status != string(record.StatePlacing) ||
		tr.Source != record.SourceCreate {
		t.Errorf("first transition %+v", tr)
	}

	// An update writes every field; an attempt without a verification keeps none.
	a.State, a.Status, a.Outcome, a.RingingSeen, a.NoCallReported = record.StateLive, "ringing", "", false, false
	a.EndedAt, a.StaleSince, a.Duration, a.CallSID = time.Time{}, time.Time{}, 0, ""
	a.VerificationID = 0
	if err := s.UpdateAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	gotA, err = s.GetAttempt(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, *gotA, a)

	later := record.Transition{AttemptID: a.ID, At: at(time.Second), Status: "ringing", Source: record.SourcePoll, Detail: "rang"}
	earlier := record.Transition{AttemptID: a.ID, At: at(-time.Second), Status: "queued", Source: record.SourceCallback}
	for _, tr := range []record.Transition{later, earlier} {
		if err := s.AddTransition(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	trs, err = s.Transitions(ctx, a.ID)
	if err != nil || len(trs) != 3 || trs[0].Status != "queued" || trs[1].Status != string(record.StatePlacing) ||
		trs[2].Detail != "rang" || trs[2].Source != record.SourcePoll {
		t.Fatalf("Transitions = %+v, %v; want oldest first by At", trs, err)
	}

	if err := s.InsertAttempt(ctx, &record.Attempt{Number: "+447700900124", State: "bogus"}); err == nil {
		t.Error("an attempt with an unknown state was stored")
	}
	if err := s.CreateVerification(ctx, &record.Verification{Status: record.StatusCalling}); err == nil {
		t.Error("a verification without a number was stored")
	}
	// Text the history may hold comes back byte for byte.
	odd := record.Attempt{Number: "+447700900125", Error: "quote ' \" backslash \\ percent % underscore _ ? é 🙂", CreatedAt: at(0)}
	mustInsert(t, s, &odd)
	if got, err := s.GetAttempt(ctx, odd.ID); err != nil || got.Error != odd.Error {
		t.Errorf("error text = %q, %v; want %q", got.Error, err, odd.Error)
	}
}

// testNotFound: rows asked for by ID that do not exist give errors matching store.ErrNotFound.
func testNotFound(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	if _, err := s.GetAttempt(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAttempt(999) = %v, want ErrNotFound", err)
	}
	if _, err := s.GetVerification(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetVerification(999) = %v, want ErrNotFound", err)
	}
	a := record.Attempt{ID: 999, Number: "+447700900123", State: record.StateLive}
	if err := s.UpdateAttempt(ctx, &a); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateAttempt(999) = %v, want ErrNotFound", err)
	}
	if _, err := s.ModifyVerification(ctx, 999, func(*store.VerificationChange) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ModifyVerification(999) = %v, want ErrNotFound", err)
	}
	if err := s.AddTransition(ctx, record.Transition{At: at(0), Status: "x"}); err == nil {
		t.Error("a transition without an attempt was stored")
	}
	if as, err := s.AttemptsFor(ctx, 999); err != nil || len(as) != 0 {
		t.Errorf("AttemptsFor(999) = %v, %v", as, err)
	}
	if trs, err := s.Transitions(ctx, 999); err != nil || len(trs) != 0 {
		t.Errorf("Transitions(999) = %v, %v", trs, err)
	}
	if cs, err := s.Checks(ctx, 999); err != nil || len(cs) != 0 {
		t.Errorf("Checks(999) = %v, %v", cs, err)
	}
}

// testOpenVerifications: the open verification of a number is its newest non-final one; OpenVerifications
// lists them all, oldest first.
func testOpenVerifications(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	const num = "+447400123450"
	if v, err := s.OpenVerificationFor(ctx, num); err != nil || v != nil {
		t.Fatalf("OpenVerificationFor on an empty history = %+v, %v", v, err)
	}
	mk := func(number string, status record.Status, d time.Duration) record.Verification {
		v := record.Verification{Number: number, Status: status, CreatedAt: at(d), UpdatedAt: at(d), MaxChecks: 3}
		mustCreate(t, s, &v)
		return v
	}
	older := mk(num, record.StatusAwaitingCode, 0)
	newer := mk(num, record.StatusNotDelivered, time.Minute)
	mk(num, record.StatusVerified, 2*time.Minute)
	other := mk("+447400123451", record.StatusCalling, 3*time.Minute)
	for _, st := range []record.Status{record.StatusFailed, record.StatusExpired, record.StatusCanceled, record.StatusSuperseded, record.StatusBlocked} {
		mk("+447400123452", st, 4*time.Minute)
	}
	v, err := s.OpenVerificationFor(ctx, num)
	if err != nil || v == nil || v.ID != newer.ID {
		t.Fatalf("OpenVerificationFor = %+v, %v; want %d", v, err, newer.ID)
	}
	if v, err := s.OpenVerificationFor(ctx, "+447400123452"); err != nil || v != nil {
		t.Errorf("a number with final verifications only has open %+v, %v", v, err)
	}
	open, err := s.OpenVerifications(ctx)
	if err != nil || len(open) != 3 || open[0].ID != older.ID || open[1].ID != newer.ID || open[2].ID != other.ID {
		t.Fatalf("OpenVerifications = %+v, %v; want %d, %d, %d", open, err, older.ID, newer.ID, other.ID)
	}
}

// testUnfinishedAndLastFrom: the attempts a stopped process leaves behind, and the last caller ID used.
func testUnfinishedAndLastFrom(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	const num = "+447400123450"
	if from, err := s.LastFrom(ctx, num); err != nil || from != "" {
		t.Fatalf("LastFrom on an empty history = %q, %v", from, err)
	}
	var want []int64
	for i, st := range []record.State{record.StateEnded, record.StatePlacing, record.StateLive, record.StateNotPlaced,
		record.StateUnknown, record.StateBlocked} {
		a := record.Attempt{Number: num, State: st, CreatedAt: at(time.Duration(i) * time.Second)}
		if i < 3 {
			a.From = "44741834046" + string(rune('0'+i))
		}
		mustInsert(t, s, &a)
		if st.Unfinished() {
			want = append(want, a.ID)
		}
	}
	got, err := s.UnfinishedAttempts(ctx)
	if err != nil || len(got) != len(want) {
		t.Fatalf("UnfinishedAttempts = %+v, %v; want %v", got, err, want)
	}
	for i := range got {
		if got[i].ID != want[i] {
			t.Errorf("UnfinishedAttempts[%d] = %d, want %d (oldest first)", i, got[i].ID, want[i])
		}
	}
	if from, err := s.LastFrom(ctx, num); err != nil || from != "447418340462" {
		t.Errorf("LastFrom = %q, %v; want the newest attempt's that has one", from, err)
	}
	if from, err := s.LastFrom(ctx, "+447400123459"); err != nil || from != "" {
		t.Errorf("LastFrom of another number = %q, %v", from, err)
	}
}

// testRecordBlocked: a refused call is stored with its verification, and never counts as a call.
func testRecordBlocked(t *testing.T, c *suite) {
	ctx := t.Context()
	s := c.open(t)
	v := record.Verification{Number: "+19005550123", Status: record.StatusBlocked, Reason: "premium", CreatedAt: at(0)}
	a := record.Attempt{Number: "+19005550123", Operator: "alice", CreatedAt: at(0), Error: "refused by policy.prefixes"}
	if err := s.RecordBlocked(ctx, &v, &a); err != nil {
		t.Fatal(err)
	}
	if v.ID == 0 || a.ID == 0 || a.VerificationID != v.ID || a.State != record.StateBlocked {
		t.Fatalf("IDs %d/%d/%d, state %s", v.ID, a.ID, a.VerificationID, a.State)
	}
	trs, err := s.Transitions(ctx, a.ID)
	if err != nil || len(trs) != 1 || trs[0].Status != string(record.StateBlocked) || trs[0].Source != record.SourcePolicy ||
		trs[0].Detail != a.Error {
		t.Fatalf("Transitions = %+v, %v", trs, err)
	}
	again := record.Attempt{Number: "+19005550123", CreatedAt: at(time.Second)}
	if err := s.RecordBlocked(ctx, &v, &again); err != nil || again.VerificationID != v.ID {
		t.Fatalf("a second refusal linked to the same verification: %v, %d", err, again.VerificationID)
	}
	alone := record.Attempt{Number: "+19005550124", CreatedAt: at(time.Second)}
	if err := s.RecordBlocked(ctx, nil, &alone); err != nil || alone.VerificationID != 0 {
		t.Fatalf("a refusal without a verification: %v, %d", err, alone.VerificationID)
	}
	err = s.InsertAttemptChecked(ctx, newPlacement("+19005550123", "alice", at(time.Minute)), func(ctx context.Context, q store.LimitQuerier) error {
		if n, err := q.CountCalls(ctx, store.CallFilter{}, time.Time{}); err != nil || n != 0 {
			t.Errorf("blocked attempts counted: %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("a blocked number is not busy: %v", err)
	}
}
