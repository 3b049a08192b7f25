package config

// DefaultPollWorkers is call.poll_workers' default: requests in flight at once to follow live calls. Measured
// with BenchmarkTrackLiveCalls (internal/verify) on 2 cores: 16 keep every one of 100 live calls at 20 ms
// latency on its 1 s poll with GETs; past what they can do in a poll interval the tracker reads one list page
// per interval instead, so more workers only add load on Restcomm.
const DefaultPollWorkers = 16

// MaxPollWorkers bounds call.poll_workers.
const MaxPollWorkers = 256

// DefaultMaxRequestsPerSecond is call.max_requests_per_second's default: Restcomm has no rate limiting of its
// own, so flashcall keeps its load bounded itself.
const DefaultMaxRequestsPerSecond = 200
