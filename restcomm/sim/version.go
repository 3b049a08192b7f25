package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultVersion is the Restcomm release the simulator imitates when Options.Version is empty.
const DefaultVersion = "8.4"

// LegacyVersion is the one release before 8.4 the simulator can imitate. Its calls end differently: a rung-out
// call ends NO_ANSWER, a hang-up through the API while ringing CANCELED, and a carrier 404 NOT_FOUND.
const LegacyVersion = "8.2"

// CheckVersion reports whether v names a Restcomm release the simulator can imitate: 8.2, or 8.4 and later
// (8.4, 8.8, 9, 9.1.2 ...). The empty string means DefaultVersion and is accepted.
func CheckVersion(v string) error {
	_, err := parseVersion(v)
	return err
}

// parseVersion reads a release number and reports whether it is the legacy (8.2) behaviour.
func parseVersion(v string) (legacy bool, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return false, nil
	}
	bad := fmt.Errorf("version %q is not one the simulator imitates: use %s, or 8.4 or later (e.g. 8.4, 8.8, 9)",
		v, LegacyVersion)
	parts := strings.Split(v, ".")
	if len(parts) > 3 {
		return false, bad
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return false, bad
		}
		nums[i], _ = strconv.Atoi(p)
	}
	major, minor := nums[0], -1
	if len(nums) > 1 {
		minor = nums[1]
	}
	switch {
	case major >= 9:
		return false, nil
	case major == 8 && minor >= 4:
		return false, nil
	case major == 8 && minor == 2:
		return true, nil
	default:
		return false, bad
	}
}
