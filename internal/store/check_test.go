package store

import (
	"context"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestChecks(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v := fullVerification()
	if err := s.CreateVerification(ctx, &v); err != nil {
		t.Fatal(err)
	}
	add := []record.Check{
		{VerificationID: v.ID, At: at(2 * time.Minute), Operator: "bob", OK: true},
		{VerificationID: v.ID, At: at(time.Minute), Operator: "alice", OK: false},
	}
	for _, c := range add {
		if err := s.AddCheck(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Checks(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Checks = %+v", got)
	}
	for i, want := range []record.Check{add[1], add[0]} {
		if got[i].ID == 0 {
			t.Errorf("check %d has no ID", i)
		}
		want.ID = got[i].ID
		assertSame(t, got[i], want)
	}
	if err := s.AddCheck(ctx, record.Check{VerificationID: 999, OK: true}); err == nil {
		t.Error("AddCheck for a missing verification succeeded")
	}
	if err := s.AddCheck(ctx, record.Check{OK: true}); err == nil {
		t.Error("AddCheck without verification ID succeeded")
	}
	if got, err := s.Checks(ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("Checks(missing) = %v, %v", got, err)
	}
}
