package verify

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// fullDisk is a history whose disk fills up on demand: while full, every attempt update and verification
// change fails as SQLite's full disk does.
type fullDisk struct {
	Store
	full atomic.Bool
}

func (f *fullDisk) fail() error {
	return &store.Error{Op: "update attempt", Path: "history.db", Kind: store.ErrDiskFull, Err: errors.New("database or disk is full")}
}

func (f *fullDisk) UpdateAttempt(ctx context.Context, a *record.Attempt) error {
	if f.full.Load() {
		return f.fail()
	}
	return f.Store.UpdateAttempt(ctx, a)
}

func (f *fullDisk) UpdateAttemptWith(ctx context.Context, a *record.Attempt, trs ...record.Transition) error {
	if f.full.Load() {
		return f.fail()
	}
	return f.Store.UpdateAttemptWith(ctx, a, trs...)
}

func (f *fullDisk) UpdateAttempts(ctx context.Context, changes []store.AttemptChange) error {
	if f.full.Load() {
		return f.fail()
	}
	return f.Store.UpdateAttempts(ctx, changes)
}

func (f *fullDisk) ModifyVerification(ctx context.Context, id int64, fn func(m *store.VerificationChange) error) (*record.Verification, error) {
	if f.full.Load() {
		return nil, f.fail()
	}
	return f.Store.ModifyVerification(ctx, id, fn)
}

// TestDiskFullDuringACallDoesNotBlockTheNumber: the disk fills while a call rings, so its end cannot be
// written. The number stays busy while the history does not know the call ended; once space is free again
// the end and the verification's new status are written within one renewal, and the number can be worked on
// without a restart.
func TestDiskFullDuringACallDoesNotBlockTheNumber(t *testing.T) {
	var disk *fullDisk
	r := newCodeRig(t, func(st Store) Store {
		disk = &fullDisk{Store: st}
		return disk
	})
	const number = "+447400123450"
	res := r.place(number)
	r.advance(time.Second)
	disk.full.Store(true)
	r.advance(15 * time.Second) // the call rings out; its end cannot be written
	if a := r.attempt(res.Attempt.ID); a.State == record.StateEnded {
		t.Fatalf("the end was written on a full disk: %+v", a)
	}
	if _, err := r.svc.Place(context.Background(), r.op, number); !errors.Is(err, ErrLiveCall) {
		t.Fatalf("while the history thinks the call live: %v, want ErrLiveCall", err)
	}
	disk.full.Store(false)
	r.advance(trackerRenew)
	a := r.attempt(res.Attempt.ID)
	v := r.verification(res.Verification.ID)
	if a.State != record.StateEnded || a.Outcome != record.OutcomeDelivered || v.Status != record.StatusAwaitingCode {
		t.Fatalf("after the disk has room: attempt %s/%s, verification %s; want ended/delivered, awaiting-code",
			a.State, a.Outcome, v.Status)
	}
	if r.svc.pendingWrites() {
		t.Fatal("writes still pending after they succeeded")
	}
	if st := r.statuses(res.Attempt.ID); st[len(st)-1] != "canceled" {
		t.Fatalf("the end's transition was not written with it: %v", st)
	}
	if _, err := r.svc.Check(context.Background(), r.op, v.ID, fmt.Sprint(codeOfFrom(a.From))); err != nil {
		t.Fatalf("the read-back after the fault: %v", err)
	}
}
