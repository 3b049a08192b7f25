package pgstore

import (
	"errors"
	"strings"
	"testing"
)

// TestServerTooOld: a server older than MinServerVersion is refused with what to do; the minimum and newer
// pass.
func TestServerTooOld(t *testing.T) {
	err := tooOld("postgres://u:xxxxx@db/fc", 110022, "11.22")
	if !errors.Is(err, ErrServerTooOld) || !strings.Contains(err.Error(), "PostgreSQL 11.22") ||
		!strings.Contains(err.Error(), "12 or newer") || !strings.Contains(err.Error(), "history.url") {
		t.Fatalf("PostgreSQL 11: %v", err)
	}
	for _, v := range []int{MinServerVersion, 150018, 170000} {
		if err := tooOld("x", v, ""); err != nil {
			t.Errorf("%d refused: %v", v, err)
		}
	}
}
