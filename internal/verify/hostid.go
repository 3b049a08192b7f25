package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
)

// HostIdentity names where this process runs, for its tracker: the host name, and a digest of the boot and
// of the PID namespace it sees. Two processes tell from their PIDs whether the other still exists only when
// this matches: containers that share a host name (host networking) but not a PID namespace, where both may
// well be PID 1, must not take each other for their own previous run.
func HostIdentity() string {
	host, _ := os.Hostname()
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	pidns, _ := os.Readlink("/proc/self/ns/pid")
	if len(boot) == 0 && pidns == "" {
		return host
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(string(boot)) + "\x00" + pidns))
	return host + "/" + hex.EncodeToString(sum[:4])
}
