package config

// DefaultPollWorkers is call.poll_workers' default: requests in flight at once to follow live calls. It is
// the tracker's own default (verify.DefaultPollWorkers, where the measurement behind it is written down; a
// test keeps the two equal).
const DefaultPollWorkers = 16

// MaxPollWorkers bounds call.poll_workers.
const MaxPollWorkers = 256

// DefaultMaxRequestsPerSecond is call.max_requests_per_second's default: Restcomm has no rate limiting of its
// own, so flashcall keeps its load bounded itself.
const DefaultMaxRequestsPerSecond = 200
