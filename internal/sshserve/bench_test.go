package sshserve

import (
	"testing"
	"time"
)

// BenchmarkSessionStart measures one session from TCP connect to the first rendered screen: SSH handshake and
// public-key authentication, PTY and shell requests, the renderer's terminal query, the console's start
// (subscription, history load) and its first frame; then the client disconnects. The server runs in its own
// process.
func BenchmarkSessionStart(b *testing.B) {
	h := startHelper(b)
	warm, _ := h.open("warmup")
	warm.Close()
	b.ResetTimer()
	for b.Loop() {
		c, _ := h.open("bench")
		c.Close()
	}
}

// BenchmarkIdleSessionMemory keeps every session it opens, idle at its first screen, and reports the server
// process's live heap and goroutines per session (the server runs in its own process, so the benchmark's
// clients are not counted). ns/op is the start-up time with that many sessions already open.
func BenchmarkIdleSessionMemory(b *testing.B) {
	h := startHelper(b)
	warm, _ := h.open("warmup")
	warm.Close()
	var base helperStats
	waitUntil(b, 10*time.Second, "the warm-up session to end", func() bool {
		base = h.stats()
		return base.sessions == 0
	})
	var keep []func() error
	b.ResetTimer()
	n := 0
	for b.Loop() {
		c, _ := h.open("idle")
		keep = append(keep, c.Close)
		n++
	}
	b.StopTimer()
	after := h.stats()
	if after.sessions != n {
		b.Fatalf("the server runs %d sessions, want %d", after.sessions, n)
	}
	b.ReportMetric(float64(int64(after.heap)-int64(base.heap))/float64(n), "heap-B/session")
	b.ReportMetric(float64(after.goroutines-base.goroutines)/float64(n), "goroutines/session")
	for _, c := range keep {
		_ = c()
	}
}
