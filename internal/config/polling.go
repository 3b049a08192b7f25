package config

import "github.com/flashcall/flashcall/internal/verify"

// DefaultPollWorkers is call.poll_workers' default, the tracker's own (verify.DefaultPollWorkers): requests in
// flight at once to follow live calls.
const DefaultPollWorkers = verify.DefaultPollWorkers

// MaxPollWorkers bounds call.poll_workers.
const MaxPollWorkers = 256

// DefaultMaxRequestsPerSecond is call.max_requests_per_second's default: Restcomm has no rate limiting of its
// own, so flashcall keeps its load bounded itself.
const DefaultMaxRequestsPerSecond = 200
