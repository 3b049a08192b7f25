package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Environment variables read by Load and Locate.
const (
	// EnvAuthToken overrides restcomm.auth_token.
	EnvAuthToken = "FLASHCALL_AUTH_TOKEN"
	// EnvAccountSID overrides restcomm.account_sid.
	EnvAccountSID = "FLASHCALL_ACCOUNT_SID"
	// EnvBaseURL overrides restcomm.base_url.
	EnvBaseURL = "FLASHCALL_BASE_URL"
	// EnvHistoryURL overrides history.url.
	EnvHistoryURL = "FLASHCALL_HISTORY_URL"
	// EnvConfig names the configuration file when there is no --config flag.
	EnvConfig = "FLASHCALL_CONFIG"
)

// maxFileSize bounds what Load reads: a configuration file is a few kilobytes.
const maxFileSize = 1 << 20

// maxLocatedKeys bounds how many unknown keys get a line number: finding one decodes the file again.
const maxLocatedKeys = 20

// maxLocateWork bounds the work of locating unknown keys, in keys decoded: every key located decodes the
// whole file again, so a file of many thousand keys gets fewer lines (none past maxLocateWork keys) rather
// than taking seconds. A configuration of a few hundred keys has all maxLocatedKeys located.
const maxLocateWork = 20 * 2000

// maxReportedKeys bounds how many unknown keys are reported one by one; the rest are counted. A file of
// thousands of unknown keys is not a configuration with typos, and naming each would take long and bury
// the message.
const maxReportedKeys = 50

// FileError is a problem with a configuration file: it cannot be read, is not valid TOML, holds an unknown
// key or a value of the wrong type. It prints as "FILE:LINE: message", or "FILE: message" when the line is
// not known.
type FileError struct {
	// Path is the file as it was given to Load.
	Path string
	// Line is the 1-based line of the problem, or 0 when unknown.
	Line int
	// Key is the dotted key concerned, or "" (syntax errors, unreadable files).
	Key string
	// Message says what is wrong and, where it can, how to fix it.
	Message string
}

// Error returns "FILE:LINE: message".
func (e *FileError) Error() string {
	if e.Line > 0 {
		return e.Path + ":" + strconv.Itoa(e.Line) + ": " + e.Message
	}
	return e.Path + ": " + e.Message
}

// Load returns the defaults, overlaid with the TOML file at path (skipped when path is ""), overlaid with
// $FLASHCALL_BASE_URL, $FLASHCALL_ACCOUNT_SID, $FLASHCALL_AUTH_TOKEN and $FLASHCALL_HISTORY_URL read through getenv (nil means no
// environment). The file is strict: every unknown key is an error naming it, and type errors name the file
// and line. Several problems come back joined (errors.Join), each a *FileError. Load does not call Validate.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := Default()
	if path != "" {
		envToken := ""
		if getenv != nil {
			envToken = getenv(EnvAuthToken)
		}
		if err := c.loadFile(path, envToken); err != nil {
			return nil, err
		}
	}
	c.applyEnv(getenv)
	return c, nil
}

// applyEnv overlays the environment on c.
func (c *Config) applyEnv(getenv func(string) string) {
	if getenv == nil {
		return
	}
	if v := strings.TrimSpace(getenv(EnvBaseURL)); v != "" {
		c.Restcomm.BaseURL = v
	}
	if v := strings.TrimSpace(getenv(EnvAccountSID)); v != "" {
		c.Restcomm.AccountSID = v
	}
	if v := strings.TrimSpace(getenv(EnvAuthToken)); v != "" {
		c.Restcomm.AuthToken = Secret(v)
	}
	if v := strings.TrimSpace(getenv(EnvHistoryURL)); v != "" {
		c.History.URL = Secret(v)
	}
}

// loadFile decodes path over c. envToken is $FLASHCALL_AUTH_TOKEN, hidden from the errors like the file's
// own token.
func (c *Config) loadFile(path, envToken string) error {
	f, err := os.Open(path)
	if err != nil {
		return &FileError{Path: path, Message: "cannot read the configuration file: " + osReason(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &FileError{Path: path, Message: "cannot read the configuration file: " + osReason(err)}
	}
	if st.IsDir() {
		return &FileError{Path: path, Message: "cannot read the configuration file: it is a directory"}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return &FileError{Path: path, Message: "cannot read the configuration file: " + osReason(err)}
	}
	if len(data) > maxFileSize {
		return &FileError{Path: path, Message: "is larger than 1 MiB: this is not a flashcall configuration file"}
	}
	raw := string(data)

	md, decodeErr := toml.Decode(raw, c)
	ks := knownKeys()
	var problems []*FileError
	unknown := ks.unknownKeys(md)
	located := min(maxLocatedKeys, maxLocateWork/max(len(md.Keys()), 1))
	for i, k := range unknown {
		if i == maxReportedKeys {
			problems = append(problems, &FileError{Path: path, Message: fmt.Sprintf("%d more unknown keys "+
				"not shown: is this a flashcall configuration file? Compare it with config.example.toml",
				len(unknown)-i)})
			break
		}
		problems = append(problems, ks.unknownKeyError(path, raw, md, k, i < located))
	}
	if decodeErr != nil {
		problems = append(problems, decodeError(path, raw, md, ks, decodeErr))
	}
	if len(problems) > 0 {
		// In file order; problems without a line go last.
		slices.SortStableFunc(problems, func(a, b *FileError) int {
			return cmp.Compare(lineOrder(a.Line), lineOrder(b.Line))
		})
		r := newRedactor(append(fileTokenValues(raw), envToken)...)
		errs := make([]error, len(problems))
		for i, p := range problems {
			p.Message = r.scrub(p.Message)
			errs[i] = p
		}
		return errors.Join(errs...)
	}

	c.source = path
	c.sourceMode = st.Mode().Perm()
	c.tokenInFile = md.IsDefined("restcomm", "auth_token") && c.Restcomm.AuthToken != ""
	if c.tokenInFile {
		c.fileToken = c.Restcomm.AuthToken
	}
	c.historyPasswordInFile = md.IsDefined("history", "url") && c.historyPassword() != ""
	return nil
}

// lineOrder sorts unknown lines (0) after known ones.
func lineOrder(line int) int {
	if line <= 0 {
		return int(^uint(0) >> 1)
	}
	return line
}

// osReason strips the operation and path from an OS error, which FileError already names.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// libraryErrorPattern matches the errors BurntSushi/toml v1.6 builds with fmt.Errorf for type mismatches:
// `toml: line 5 (last key "call.timeout"): incompatible types: ...`.
const libraryErrorPattern = `^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): ((?s).*)$`

// decodeError turns an error from toml.Decode into a FileError with a line and words a user can act on.
func decodeError(path, raw string, md toml.MetaData, ks keySet, err error) *FileError {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		fe := &FileError{Path: path, Line: pe.Position.Line, Message: pe.Message}
		if len(md.Keys()) == 0 {
			// A syntax error: the file never parsed. LastKey is only the key before the error.
			fe.Message = syntaxMessage(pe, raw)
			return fe
		}
		// A value our types refused (e.g. a bad duration); LastKey is the key holding it.
		fe.Key = pe.LastKey
		fe.Message = pe.LastKey + ": " + pe.Message
		return fe
	}
	m := regexp.MustCompile(libraryErrorPattern).FindStringSubmatch(err.Error())
	if m == nil {
		return &FileError{Path: path, Message: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	key, _ := strconv.Unquote(`"` + m[2] + `"`)
	fe := &FileError{Path: path, Line: line, Key: key, Message: key + ": " + m[3]}
	if spec, ok := ks.byKey[key]; ok {
		fe.Message = key + " must be " + spec.want
		switch got := tomlTypeName(typeOf(md, key)); {
		case got == "a list" && strings.HasPrefix(spec.want, "a list"):
			fe.Message += ": put every entry in double quotes"
		case got != "":
			fe.Message += ", not " + got
		}
	}
	return fe
}

// typeOf returns md's TOML type name for a dotted key.
func typeOf(md toml.MetaData, dotted string) string {
	for _, k := range md.Keys() {
		if k.String() == dotted {
			return md.Type(k...)
		}
	}
	return ""
}

// tokenLinePattern matches a line that assigns the auth token.
const tokenLinePattern = `auth_token["']?\s*=`

// syntaxMessage words a TOML syntax error. When the error sits on the auth token's line the library's text
// may quote the token itself (an unquoted token is a classic mistake), so that text is replaced.
func syntaxMessage(pe toml.ParseError, raw string) string {
	lines := strings.Split(raw, "\n")
	if n := pe.Position.Line; n >= 1 && n <= len(lines) && regexp.MustCompile(tokenLinePattern).MatchString(lines[n-1]) {
		return `restcomm.auth_token is not valid TOML (its value is not shown because it is secret): ` +
			`write it in double quotes, e.g. auth_token = "0123abcd..."`
	}
	msg := "invalid TOML: " + pe.Message
	if pe.Usage != "" {
		if first, _, _ := strings.Cut(strings.TrimSpace(pe.Usage), "\n"); first != "" {
			msg += " (" + strings.TrimSuffix(first, ".") + ")"
		}
	}
	return msg
}

// tokenValuePattern finds values assigned to auth_token anywhere in a file, quoted or not, inline tables
// included.
const tokenValuePattern = `auth_token["']?\s*=\s*("[^"\n]*"?|'[^'\n]*'?|[^\s,}#]+)`

// fileTokenValues returns every value the raw file assigns to auth_token, however the file spelled it, so
// that errors can hide them even when the file does not parse.
func fileTokenValues(raw string) []string {
	var out []string
	for _, m := range regexp.MustCompile(tokenValuePattern).FindAllStringSubmatch(raw, -1) {
		if v := strings.Trim(m[1], `"'`); v != "" {
			out = append(out, v)
		}
	}
	return out
}
