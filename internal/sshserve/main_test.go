package sshserve

import (
	"os"
	"testing"
)

// TestMain runs the tests, or, when the benchmarks start this binary as a separate server process, the
// server (so that what the benchmarks measure is the server's memory alone, not their clients').
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelperServer())
	}
	os.Exit(m.Run())
}
