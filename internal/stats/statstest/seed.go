// Package statstest writes a small history whose figures are counted by hand, for the tests of the
// supervisor's figures on every history engine and of the commands that print them.
package statstest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Writer is the part of a history engine the seed writes through (verify.Store has it).
type Writer interface {
	CreateVerification(ctx context.Context, v *record.Verification) error
	InsertAttempt(ctx context.Context, a *record.Attempt) error
	RecordBlocked(ctx context.Context, v *record.Verification, a *record.Attempt) error
}

// Day is the window the seeded history is counted over: 2026-11-30 in UTC. The seed also writes a
// verification created the day before (whose call falls in the window) and one the day after.
var Day = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// The seeded caller IDs: two ranges of a British pool and a French number. Their codes are the last 4 digits.
const (
	CLI1 = "+447418340001"
	CLI2 = "+447418350002"
	CLI3 = "+33700000003"
)

// at is a time on Day.
func at(h, m int) time.Time {
	return Day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// call is one attempt of a seeded verification.
type call struct {
	at      time.Time
	from    string
	state   record.State
	outcome record.Outcome
}

// Seed writes the hand-counted history into s (an empty store):
//
//	V1 GB alice  10:05 cli1 delivered                    verified at 10:06 (1 min, one check)
//	V2 GB alice  10:10 cli2 answered                     verified at 10:13 (3 min, two checks)
//	V3 GB bob    11:00 cli1 busy, 11:20 cli2 delivered   locked (failed) after three wrong checks
//	V4 FR bob    12:00 cli3 not delivered                expired
//	V5 FR alice  12:30 blocked by the policy
//	V6 GB alice  created 2026-11-29 23:00, its retry 09:00 cli1 delivered, verified at 09:02
//	V7 GB alice  2026-12-01 01:00 cli1 delivered         (after the window)
//	V8 GB bob    13:00 cli3 live                         calling
//
// bob's operator string carries his key's fingerprint, as an SSH session's does.
func Seed(t testing.TB, s Writer) {
	t.Helper()
	ctx := context.Background()
	const alice, bob = "alice", "bob (SHA256:AbCdEfGhI)"
	verification := func(number, country, op string, created, updated time.Time, status record.Status, checks int, calls ...call) {
		t.Helper()
		v := record.Verification{Number: number, Country: country, Operator: op, CreatedAt: created, UpdatedAt: updated,
			ExpiresAt: created.Add(5 * time.Minute), Status: status, Checks: checks, MaxChecks: 3}
		if status == record.StatusBlocked {
			a := record.Attempt{CreatedAt: created, UpdatedAt: created, Operator: op, Number: number, Country: country,
				LineType: "mobile"}
			if err := s.RecordBlocked(ctx, &v, &a); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err := s.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			a := record.Attempt{VerificationID: v.ID, CreatedAt: c.at, UpdatedAt: c.at, Operator: op, Number: number,
				Country: country, LineType: "mobile", From: c.from, CallSID: "CA" + c.at.Format("150405") + number[len(number)-4:],
				State: c.state, Outcome: c.outcome, RingingSeen: c.outcome.Delivered()}
			if c.state == record.StateEnded {
				a.EndedAt = c.at.Add(10 * time.Second)
				if c.outcome == record.OutcomeAnswered {
					a.AnsweredBy, a.Duration = number, 4
				}
			}
			if err := s.InsertAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
	}
	ended := func(at time.Time, from string, o record.Outcome) call {
		return call{at: at, from: from, state: record.StateEnded, outcome: o}
	}
	verification("+447400100001", "GB", alice, at(10, 5), at(10, 6), record.StatusVerified, 1,
		ended(at(10, 5), CLI1, record.OutcomeDelivered))
	verification("+447400100002", "GB", alice, at(10, 10), at(10, 13), record.StatusVerified, 2,
		ended(at(10, 10), CLI2, record.OutcomeAnswered))
	verification("+447400100003", "GB", bob, at(11, 0), at(11, 25), record.StatusFailed, 3,
		ended(at(11, 0), CLI1, record.OutcomeBusy), ended(at(11, 20), CLI2, record.OutcomeDelivered))
	verification("+33600100004", "FR", bob, at(12, 0), at(12, 5), record.StatusExpired, 0,
		ended(at(12, 0), CLI3, record.OutcomeNotDelivered))
	verification("+33600100005", "FR", alice, at(12, 30), at(12, 30), record.StatusBlocked, 0)
	verification("+447400100006", "GB", alice, at(-1, 0), at(9, 2), record.StatusVerified, 1,
		ended(at(9, 0), CLI1, record.OutcomeDelivered))
	verification("+447400100007", "GB", alice, at(25, 0), at(25, 1), record.StatusVerified, 1,
		ended(at(25, 0), CLI1, record.OutcomeDelivered))
	verification("+447400100008", "GB", bob, at(13, 0), at(13, 0), record.StatusCalling, 0,
		call{at: at(13, 0), from: CLI3, state: record.StateLive})
}

// SQLite opens a real SQLite history in a temporary directory holding the seeded history (closed when the
// test ends).
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	Seed(t, s)
	return s
}
