package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/store/storetest"
)

// BenchmarkCheckedAttempts is the SQLite figure beside PostgreSQL's (pgstore's BenchmarkCheckedAttempts):
// checked attempts written per second with 1 and 8 concurrent writers.
func BenchmarkCheckedAttempts(b *testing.B) {
	for _, w := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "history.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.BenchCheckedAttempts(b, s, w)
		})
	}
}

// BenchmarkChangedSince is the feed's read on SQLite (pgstore has the PostgreSQL figure).
func BenchmarkChangedSince(b *testing.B) {
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchChangedSince(b, s)
}
