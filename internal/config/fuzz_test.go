package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
)

// fuzzBound is how long one fuzz input may take to load, validate and describe: a configuration is a few
// kilobytes, so anything slower is a hang (an unbounded read, a loop) rather than work.
const fuzzBound = 2 * time.Second

// fuzzToken is the auth token the fuzz environment supplies; no message may ever contain it.
const fuzzToken = "5eed5eed0123456789abcdef5eed5eed"

// FuzzLoad feeds arbitrary files to the whole loader: Load, Validate, Warnings and everything doctor and
// the start-up derive from a loaded configuration. No input may panic, take longer than fuzzBound, or get
// the auth token (from the environment or from the file) into a message. Seeds are in
// testdata/fuzz/FuzzLoad. Files the input names are read only inside the test's own directory: a path
// elsewhere (a device, /proc) is replaced by one in that directory, so no run touches the real system.
func FuzzLoad(f *testing.F) {
	if ex, err := os.ReadFile(examplePath); err == nil {
		f.Add(ex)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "prefixes.txt"), []byte("+4490\n# comment\n+882\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, withToken := range []bool{false, true} {
			env := map[string]string{"HOME": dir, "XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
			if withToken {
				env[EnvAuthToken] = fuzzToken
			}
			done := make(chan string, 1)
			go func() {
				defer func() {
					if r := recover(); r != nil {
						done <- fmt.Sprintf("panic: %v\n%s", r, debug.Stack())
					}
				}()
				done <- exerciseLoad(path, dir, envMap(env))
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Fatalf("input %q (token in env: %v): %s", data, withToken, msg)
				}
			case <-time.After(fuzzBound):
				t.Fatalf("input %q (token in env: %v): not done after %s", data, withToken, fuzzBound)
			}
		}
	})
}

// exerciseLoad loads path and uses the result as flashcall does. It returns "" or what went wrong.
func exerciseLoad(path, dir string, getenv func(string) string) string {
	secrets := fileTokens(path)
	if t := getenv(EnvAuthToken); t != "" {
		secrets = append(secrets, t)
	}
	leaks := func(where, msg string) string {
		// What the redaction writes, and the test's own paths, may happen to contain a token as short as a
		// word: they are not the token shown.
		clean := msg
		for _, ours := range []string{HiddenValue, "(credentials not shown)", mask, path, dir} {
			clean = strings.ReplaceAll(clean, ours, "\x00")
		}
		for _, s := range secrets {
			if len(s) >= minScrubbed && strings.Contains(clean, s) {
				return fmt.Sprintf("%s shows the auth token %q: %s", where, s, msg)
			}
		}
		return ""
	}
	c, err := Load(path, getenv)
	if err != nil {
		return leaks("Load's error", err.Error())
	}
	if tok := c.Restcomm.AuthToken.Reveal(); tok != "" {
		secrets = append(secrets, tok)
	}
	// Keep file reads inside dir: whatever the input names is replaced by a file of our own.
	if p := c.BlockedPrefixesPath(getenv); p != "" && !inside(dir, p) {
		c.Policy.BlockedPrefixesFile = "prefixes.txt"
	}
	// Messages: Validate and Warnings redact them themselves.
	var messages []string
	verr := c.Validate()
	if verr != nil {
		messages = append(messages, verr.Error())
	}
	messages = append(messages, c.Warnings()...)
	// What doctor and the start-up print through Redact: the guess figures, the policy, the paths.
	var printed []string
	if gs, err := c.PoolGuesses(); err == nil {
		for _, g := range gs {
			printed = append(printed, g.Key+g.Pool.String()+g.CodesText()+g.Odds()+c.GuessFix(g.Key))
			_, _ = g.Weak(), g.Guessable()
		}
	}
	if sel, err := c.CallerIDs(); err == nil {
		sel.Worst(c.Verify.MaxChecks, c.Call.CodeDigits)
	}
	rules := c.PolicyRules(getenv)
	printed = append(printed, rules.Describe()...)
	if verr == nil {
		if p, err := policy.New(rules); err == nil {
			printed = append(printed, p.Describe()...)
		}
	}
	printed = append(printed, c.HistoryPath(getenv), c.LogPath(getenv), c.AuthorizedKeysPath(getenv),
		c.HostKeyPath(getenv), c.SSHLogPath(getenv), c.DataDir(getenv), c.Source())
	for _, m := range messages {
		if l := leaks("a message", m); l != "" {
			return l
		}
	}
	for _, s := range printed {
		if l := leaks("doctor", c.Redact(s)); l != "" {
			return l
		}
	}
	return ""
}

// fileTokens returns the auth tokens a file assigns, as far as a quick look can tell.
func fileTokens(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return fileTokenValues(string(data))
}

// inside reports whether p, cleaned, lies under dir.
func inside(dir, p string) bool {
	rel, err := filepath.Rel(dir, filepath.Clean(p))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
