package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/store/storetest"
	"github.com/flashcall/flashcall/internal/verify"
)

// sqliteOptions give every instance a long busy timeout: the concurrency tests run 50 writers over three
// connections to one file, and a loaded CI machine must not turn waiting into ErrLocked.
var sqliteOptions = store.Options{BusyTimeout: time.Minute}

// TestContract runs the engines' contract suite against SQLite; the second and third instances of the
// concurrency tests are other stores on the same file, as other processes would be.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) verify.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "history.db"))
	}, storetest.Reopen(func(t *testing.T, s verify.Store) verify.Store {
		return openSQLite(t, s.(*store.Store).Path())
	}))
}

// openSQLite opens the database at path and closes it when the test ends.
func openSQLite(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.OpenWith(t.Context(), path, sqliteOptions)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}
