//go:build !linux

package sshserve

import "time"

// processUsage is not measured outside Linux: the benchmarks that need it report zeros there.
func processUsage() (rss uint64, cpu time.Duration) { return 0, 0 }
