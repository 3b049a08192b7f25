package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestSamplesSetEveryField(t *testing.T) {
	// The round-trip tests only prove something for fields the samples set.
	for _, sample := range []any{fullAttempt(1), fullVerification()} {
		v := reflect.ValueOf(sample)
		for i := range v.NumField() {
			if name := v.Type().Field(i).Name; name != "ID" && v.Field(i).IsZero() {
				t.Errorf("%T.%s is zero in the sample", sample, name)
			}
		}
	}
}

func TestVerificationRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for name, v := range map[string]record.Verification{
		"full":    fullVerification(),
		"minimal": {Number: "+15555550100", Status: record.StatusCalling},
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.CreateVerification(ctx, &v); err != nil {
				t.Fatal(err)
			}
			if v.ID == 0 {
				t.Fatal("CreateVerification did not set ID")
			}
			got, err := s.GetVerification(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, *got, v)

			v.Status, v.Checks, v.Reason = record.StatusVerified, 2, "read back"
			v.UpdatedAt = at(3 * time.Minute)
			v.ExpiresAt = time.Time{}
			if err := s.UpdateVerification(ctx, &v); err != nil {
				t.Fatal(err)
			}
			got, err = s.GetVerification(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, *got, v)
		})
	}
}

func TestVerificationErrors(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.GetVerification(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetVerification(42) = %v, want ErrNotFound", err)
	}
	missing := record.Verification{ID: 42, Number: "+1", Status: record.StatusCalling}
	if err := s.UpdateVerification(ctx, &missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateVerification(42) = %v, want ErrNotFound", err)
	}
	if err := s.CreateVerification(ctx, &record.Verification{Number: "+1", Status: "maybe"}); err == nil {
		t.Error("CreateVerification accepted an unknown status")
	}
	if err := s.CreateVerification(ctx, &record.Verification{Status: record.StatusCalling}); err == nil {
		t.Error("CreateVerification accepted an empty number")
	}
}

func TestOpenVerificationFor(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const number = "+447700900123"
	got, err := s.OpenVerificationFor(ctx, number)
	if err != nil || got != nil {
		t.Fatalf("OpenVerificationFor on empty store = %v, %v; want nil, nil", got, err)
	}
	create := func(number string, status record.Status, created time.Duration) int64 {
		v := record.Verification{Number: number, Status: status, CreatedAt: at(created)}
		if err := s.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	create(number, record.StatusNotDelivered, 0)
	want := create(number, record.StatusAwaitingCode, time.Minute)
	create(number, record.StatusVerified, 2*time.Minute)   // newer but final
	create(number, record.StatusSuperseded, 3*time.Minute) // newer but final
	create("+447700900999", record.StatusCalling, 4*time.Minute)

	got, err = s.OpenVerificationFor(ctx, number)
	if err != nil || got == nil || got.ID != want {
		t.Fatalf("OpenVerificationFor = %+v, %v; want ID %d", got, err, want)
	}
	got.Status = record.StatusExpired
	if err := s.UpdateVerification(ctx, got); err != nil {
		t.Fatal(err)
	}
	got, err = s.OpenVerificationFor(ctx, number)
	if err != nil || got == nil || got.Status != record.StatusNotDelivered {
		t.Fatalf("after expiry OpenVerificationFor = %+v, %v; want the older not-delivered one", got, err)
	}
	if got, err := s.OpenVerificationFor(ctx, "+10000000000"); err != nil || got != nil {
		t.Errorf("OpenVerificationFor(other) = %v, %v", got, err)
	}
}
