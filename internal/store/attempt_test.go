package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestAttemptRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v := fullVerification()
	if err := s.CreateVerification(ctx, &v); err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]record.Attempt{
		"full":            fullAttempt(v.ID),
		"zero":            {State: record.StatePlacing},
		"no verification": fullAttempt(0),
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.InsertAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
			if a.ID == 0 {
				t.Fatal("InsertAttempt did not set ID")
			}
			got, err := s.GetAttempt(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, *got, a)

			a.State, a.Status, a.Outcome = record.StateLive, "ringing", ""
			a.RingingSeen, a.NoCallReported = !a.RingingSeen, !a.NoCallReported
			a.EndedAt, a.StaleSince = time.Time{}, at(time.Hour)
			a.Duration, a.Error = a.Duration+1, "changed"
			if err := s.UpdateAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
			got, err = s.GetAttempt(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, *got, a)
		})
	}
}

func TestInsertAttemptWritesPlacingTransition(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := record.Attempt{Number: "+15555550100", CreatedAt: at(0)}
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if a.State != record.StatePlacing {
		t.Errorf("State = %q, want %q by default", a.State, record.StatePlacing)
	}
	got, err := s.Transitions(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("transitions = %+v, want one", got)
	}
	assertSame(t, got[0], record.Transition{ID: got[0].ID, AttemptID: a.ID, At: at(0), Status: string(record.StatePlacing), Source: record.SourceCreate})
}

func TestAttemptErrors(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.GetAttempt(ctx, 7); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetAttempt(7) = %v, want ErrNotFound", err)
	}
	missing := record.Attempt{ID: 7, State: record.StateLive}
	if err := s.UpdateAttempt(ctx, &missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateAttempt(7) = %v, want ErrNotFound", err)
	}
	bad := record.Attempt{State: "dialling"}
	if err := s.InsertAttempt(ctx, &bad); err == nil {
		t.Error("InsertAttempt accepted an unknown state")
	}
	orphan := fullAttempt(999)
	if err := s.InsertAttempt(ctx, &orphan); err == nil || orphan.ID != 0 {
		t.Errorf("InsertAttempt with a missing verification = %v (ID %d), want a foreign key error", err, orphan.ID)
	}
	if n, m := count(t, s.r, "attempts"), count(t, s.r, "transitions"); n != 0 || m != 0 {
		t.Errorf("failed inserts left %d attempts, %d transitions", n, m)
	}
}

func TestAttemptsForAndUnfinished(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var vids [2]int64
	for i := range vids {
		v := record.Verification{Number: fmt.Sprintf("+1555555010%d", i), Status: record.StatusCalling}
		if err := s.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		vids[i] = v.ID
	}
	insert := func(vid int64, state record.State, created time.Duration) int64 {
		a := record.Attempt{VerificationID: vid, State: state, CreatedAt: at(created)}
		if err := s.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	late := insert(vids[0], record.StateEnded, 3*time.Second)
	early := insert(vids[0], record.StateLive, time.Second)
	other := insert(vids[1], record.StateUnknown, 2*time.Second)
	notPlaced := insert(vids[1], record.StateNotPlaced, 4*time.Second)
	placing := insert(0, record.StatePlacing, 0)

	ids := func(as []record.Attempt, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	if got, want := ids(s.AttemptsFor(ctx, vids[0])), []int64{early, late}; !equalIDs(got, want) {
		t.Errorf("AttemptsFor = %v, want %v (oldest first)", got, want)
	}
	if got, want := ids(s.AttemptsFor(ctx, vids[1])), []int64{other, notPlaced}; !equalIDs(got, want) {
		t.Errorf("AttemptsFor = %v, want %v", got, want)
	}
	if got := ids(s.AttemptsFor(ctx, 12345)); len(got) != 0 {
		t.Errorf("AttemptsFor(missing) = %v", got)
	}
	if got, want := ids(s.UnfinishedAttempts(ctx)), []int64{placing, early, other}; !equalIDs(got, want) {
		t.Errorf("UnfinishedAttempts = %v, want %v", got, want)
	}
}

func TestUnfinishedAttemptsUsesItsIndex(t *testing.T) {
	s := openTemp(t)
	var id, parent, notused int
	var detail string
	err := s.r.QueryRow(`EXPLAIN QUERY PLAN SELECT `+attemptColumns+` FROM attempts a WHERE a.`+unfinishedWhere+
		` ORDER BY a.created_at, a.id`).Scan(&id, &parent, &notused, &detail)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %s", detail)
	if !strings.Contains(detail, "attempts_unfinished") {
		t.Errorf("query plan %q does not use attempts_unfinished", detail)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
