package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
)

// TestConcurrentFirstOpensOfANewFile: 16 stores (as 16 processes) open one brand-new file at once; every one
// opens, and the schema is made once.
func TestConcurrentFirstOpensOfANewFile(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "history.db")
		var wg sync.WaitGroup
		errs := make([]error, 16)
		start := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s, err := Open(context.Background(), path)
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, open %d: %v", round, i, err)
			}
		}
	}
}
