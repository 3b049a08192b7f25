package pgstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/flashcall/flashcall/internal/store/pgstore"
	"github.com/flashcall/flashcall/internal/store/storetest"
)

// BenchmarkCheckedAttempts measures checked attempts written per second on PostgreSQL with 1 and 8
// concurrent writers (each its own pool connection, as eight operators on two instances would be), beside the
// SQLite figure (internal/store's BenchmarkCheckedAttempts).
func BenchmarkCheckedAttempts(b *testing.B) {
	for _, w := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			u := schemaURL(b)
			s, err := pgstore.Open(context.Background(), u)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.BenchCheckedAttempts(b, s, w)
		})
	}
}

// BenchmarkChangedSince is the feed's read on PostgreSQL: what each instance pays once a poll interval.
func BenchmarkChangedSince(b *testing.B) {
	s, err := pgstore.Open(context.Background(), schemaURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchChangedSince(b, s)
}
