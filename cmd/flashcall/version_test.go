package main

import (
	"runtime"
	"strings"
	"testing"
)

// TestVersion: `flashcall --version` and `flashcall version` print the same line, naming flashcall and the
// Go release the binary was built with; an argument is a usage error.
func TestVersion(t *testing.T) {
	h := newHome(t)
	long, _, code := h.run(t, "", "--version")
	if code != 0 || !strings.HasPrefix(long, "flashcall ") || !strings.Contains(long, runtime.Version()) {
		t.Fatalf("--version (exit %d): %q", code, long)
	}
	word, _, code := h.run(t, "", "version")
	if code != 0 || word != long {
		t.Fatalf("version (exit %d) = %q, --version = %q", code, word, long)
	}
	if _, stderr, code := h.run(t, "", "version", "now"); code != exitUsage || !strings.Contains(stderr, "unexpected argument") {
		t.Fatalf("version now: exit %d, %q", code, stderr)
	}
}
