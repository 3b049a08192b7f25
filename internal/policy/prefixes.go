package policy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// BlockedPrefix is one blocked E.164 prefix and where it was configured.
type BlockedPrefix struct {
	// Prefix is "+" and 1 to 15 digits, e.g. "+4490".
	Prefix string
	// Source is "policy.blocked_prefixes" or "FILE:LINE".
	Source string
}

// ParsePrefix checks an E.164 prefix: "+" followed by 1 to 15 digits, nothing else. It returns the prefix
// trimmed of surrounding space.
func ParsePrefix(s string) (string, error) {
	p := strings.TrimSpace(s)
	digits, ok := strings.CutPrefix(p, "+")
	switch {
	case p == "":
		return "", errors.New(`empty prefix: write "+" and the first digits, e.g. "+4490"`)
	case !ok && strings.HasPrefix(p, "00") && isAllDigits(p[2:]):
		return "", fmt.Errorf("%q: write the prefix in E.164 form, %q", p, "+"+p[2:])
	case !ok && isAllDigits(p):
		return "", fmt.Errorf("%q: start the prefix with + and the country code, e.g. %q", p, "+"+p)
	case !ok || digits == "" || !isAllDigits(digits):
		return "", fmt.Errorf("%q is not an E.164 prefix: write \"+\" and digits only, e.g. \"+4490\"", p)
	case len(digits) > 15:
		return "", fmt.Errorf("%q is longer than a whole E.164 number (15 digits)", p)
	}
	return p, nil
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// PrefixFileError is a bad line of a blocked-prefixes file. It prints as "FILE:LINE: message".
type PrefixFileError struct {
	// Path is the file, Line the 1-based line number (0 when the file itself cannot be read).
	Path string
	// Line is the 1-based line of the problem.
	Line int
	// Message says what is wrong.
	Message string
}

// Error returns "FILE:LINE: message".
func (e *PrefixFileError) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Message
	}
	return e.Path + ":" + strconv.Itoa(e.Line) + ": " + e.Message
}

// maxPrefixFile bounds what ReadPrefixFile reads.
const maxPrefixFile = 8 << 20

// ReadPrefixFile reads a blocked-prefixes file: one E.164 prefix a line; blank lines and everything after a
// "#" are ignored. Every bad line is reported, each as a *PrefixFileError naming the file and line, joined
// with errors.Join.
func ReadPrefixFile(path string) ([]BlockedPrefix, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, &PrefixFileError{Path: path, Message: "cannot read the blocked-prefixes file: " + msg}
	}
	defer f.Close()
	return readPrefixes(path, io.LimitReader(f, maxPrefixFile))
}

func readPrefixes(path string, r io.Reader) ([]BlockedPrefix, error) {
	var (
		out  []BlockedPrefix
		errs []error
	)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := ParsePrefix(line)
		if err != nil {
			errs = append(errs, &PrefixFileError{Path: path, Line: n, Message: err.Error()})
			continue
		}
		out = append(out, BlockedPrefix{Prefix: p, Source: path + ":" + strconv.Itoa(n)})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &PrefixFileError{Path: path, Message: "cannot read the blocked-prefixes file: " + err.Error()})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
