package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes content to dir/name with mode and returns the path.
func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // WriteFile's mode is filtered by the umask
		t.Fatal(err)
	}
	return p
}

// envMap is a getenv backed by a map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// userSees is what the command shows for a file: Load's error, else Validate's.
func userSees(path string) string {
	c, err := Load(path, nil)
	if err != nil {
		return err.Error()
	}
	if err := c.Validate(); err != nil {
		return err.Error()
	}
	return ""
}

// TestBadConfigFiles is the table of bad configuration files and the message each one produces.
func TestBadConfigFiles(t *testing.T) {
	const token = "f00dfeedcafe0123456789abcdefbeef"
	tests := []struct {
		name    string
		content string
		want    []string // substrings of what the user sees; the file is named "bad.toml"
		notWant []string
	}{
		{
			name:    "unknown key",
			content: "[call]\ntimeout = 10\ntiemout = 5\n",
			want:    []string{`bad.toml:3: unknown key "call.tiemout" (did you mean "call.timeout"?)`},
		},
		{
			name:    "unknown dotted key at the top level",
			content: "call.code_digts = 4\n",
			want:    []string{`bad.toml:1: unknown key "call.code_digts" (did you mean "call.code_digits"?)`},
		},
		{
			name:    "unknown key under the right table, shortened",
			content: "[restcomm]\ntoken = \"x\"\n",
			want:    []string{`bad.toml:2: unknown key "restcomm.token" (did you mean "restcomm.auth_token"?)`},
		},
		{
			name:    "key written without its table",
			content: "timeout = 5\n",
			want:    []string{`bad.toml:1: unknown key "timeout" (did you mean "call.timeout"?)`},
		},
		{
			name:    "unknown key with nothing close lists the table's keys",
			content: "[verify]\nzzz = 1\n",
			want:    []string{`bad.toml:2: unknown key "verify.zzz": [verify] accepts max_checks, expiry`},
		},
		{
			name:    "unknown table is reported once, not its keys",
			content: "[fraud]\nallowed = [\"GB\"]\n",
			want:    []string{`bad.toml:1: unknown table "fraud"`, "the tables are restcomm, call, rcml"},
			notWant: []string{"fraud.allowed"},
		},
		{
			name:    "every unknown key is named, in file order",
			content: "[rcml]\nvoyce = \"man\"\n[server]\nlisten = \"127.0.0.1:1\"\nlistn = \"x\"\n",
			want: []string{
				`bad.toml:2: unknown key "rcml.voyce" (did you mean "rcml.voice"?)` + "\n" +
					`bad.toml:5: unknown key "server.listn" (did you mean "server.listen"?)`,
			},
		},
		{
			name:    "keys are case-sensitive",
			content: "[call]\nTimeout = 5\n",
			want:    []string{`unknown key "call.Timeout" (did you mean "call.timeout"?)`},
		},
		{
			name:    "a table spelt two ways is still reported, without a line it cannot be sure of",
			content: "[Call]\ntimeout = 5\n[call]\ncode_digits = 4\n",
			want:    []string{`bad.toml: unknown table "Call" (did you mean "call"?)`},
		},
		{
			name:    "wrong type names file and line",
			content: "[call]\ncode_digits = 4\ntimeout = \"ten\"\n",
			want:    []string{`bad.toml:3: call.timeout must be a whole number, not a string`},
		},
		{
			name:    "string where a list belongs",
			content: "[call]\nfrom = \"447418340465\"\n",
			want:    []string{`bad.toml:2: call.from must be a list of strings, e.g. ["447418340465"], not a string`},
		},
		{
			name:    "number inside the From list",
			content: "[call]\nfrom = [\"447418340465\", 447418340466]\n",
			want:    []string{`bad.toml:2: call.from must be a list of strings`, "put every entry in double quotes"},
		},
		{
			name:    "value where a table belongs",
			content: "verify = 3\n",
			want:    []string{`bad.toml:1: verify must be a table, written [verify], not a whole number`},
		},
		{
			name:    "bad duration",
			content: "[verify]\nmax_checks = 3\nexpiry = \"5 minutes\"\n",
			want: []string{`bad.toml:3: verify.expiry: invalid duration "5 minutes": write a number and a unit, ` +
				`e.g. "10s", "1m30s"`},
		},
		{
			name:    "duration without a unit",
			content: "[call]\npoll_interval = 2\n",
			want:    []string{`bad.toml:2: call.poll_interval: invalid duration 2: give it a unit in quotes, e.g. "2s"`},
		},
		{
			name:    "syntax error names the line",
			content: "[call]\ntimeout = 10\ncode_digits = = 4\n",
			want:    []string{`bad.toml:3: invalid TOML: expected value but found '=' instead`},
		},
		{
			name:    "key defined twice",
			content: "[call]\ntimeout = 10\ntimeout = 11\n",
			want:    []string{`bad.toml:3: invalid TOML: Key 'call.timeout' has already been defined`},
		},
		{
			name:    "unquoted token: the syntax error does not echo it",
			content: "[restcomm]\nauth_token = " + token + "\n",
			want:    []string{`bad.toml:2: restcomm.auth_token is not valid TOML (its value is not shown because it is secret): write it in double quotes`},
			notWant: []string{token, token[:16]},
		},
		{
			name:    "unterminated token string",
			content: "[restcomm]\nauth_token = \"" + token + "\n",
			want:    []string{`bad.toml:2: restcomm.auth_token is not valid TOML`},
			notWant: []string{token},
		},
		{
			name:    "token in an inline table, unquoted",
			content: "restcomm = { base_url = \"sim\", auth_token = " + token + " }\n",
			want:    []string{`bad.toml:1: restcomm.auth_token is not valid TOML`},
			notWant: []string{token},
		},
		{
			name:    "empty From pool",
			content: "[call]\nfrom = []\n",
			want:    []string{`call.from: is empty: list at least one caller ID you may call from, e.g. ["447418340465"], or a range you rent, e.g. ["+447418340000-+447418349999"]`},
		},
		{
			name:    "From entry with punctuation",
			content: "[call]\nfrom = [\"+44 7418-340465\"]\n",
			want:    []string{`call.from[0]: range "+44 7418-340465": its first number "+44 7418" must be digits with an optional leading "+"`},
		},
		{
			name:    "bad language en-GB",
			content: "[rcml]\nlanguage = \"en-GB\"\n",
			want:    []string{`rcml.language: "en-GB" must be lower case: use "en-gb"`},
		},
		{
			name:    "unknown language",
			content: "[rcml]\nlanguage = \"klingon\"\n",
			want:    []string{`rcml.language: "klingon" is not a language Restcomm's text-to-speech knows: use one of en, en-gb`},
		},
		{
			name:    "several validation problems at once",
			content: "[call]\ntimeout = 0\ncode_digits = 12\n[verify]\nmax_checks = 0\n",
			want: []string{
				"call.code_digits: is 12: use 3 to 8 digits",
				"call.timeout: is 0: use 1 to 60 seconds of ringing",
				"verify.max_checks: is 0: allow 1 to 10 read-backs",
			},
		},
		{
			name: "real backend without credentials",
			content: "[restcomm]\nbase_url = \"https://cloud.restcomm.com/restcomm\"\n" +
				"[server]\npublic_url = \"https://flashcall.example.com\"\n",
			want: []string{
				"restcomm.account_sid: is required for a real Restcomm account",
				"restcomm.auth_token: is required for a real Restcomm account: set restcomm.auth_token in a file " +
					"only you can read (chmod 600), or FLASHCALL_AUTH_TOKEN",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "bad.toml", tt.content, 0o600)
			got := strings.ReplaceAll(userSees(p), filepath.Dir(p)+string(filepath.Separator), "")
			if got == "" {
				t.Fatalf("no error for:\n%s", tt.content)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("message lacks %q; got:\n%s", w, got)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(got, nw) {
					t.Errorf("message contains %q; got:\n%s", nw, got)
				}
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	notDir := writeFile(t, dir, "plain", "x", 0o600)
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing", filepath.Join(dir, "nope.toml"), ": cannot read the configuration file: no such file or directory"},
		{"directory", dir, ": cannot read the configuration file: it is a directory"},
		{"under a plain file", filepath.Join(notDir, "config.toml"), ": cannot read the configuration file: not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path, nil)
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want an error", tt.path, c)
			}
			if want := tt.path + tt.want; err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != tt.path {
				t.Errorf("error %#v is not a *FileError for %q", err, tt.path)
			}
		})
	}
}

func TestLoadTypeErrorCarriesLineAndKey(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", "# comment\n\n[call]\n\ntimeout = \"ten\"\n", 0o600)
	_, err := Load(p, nil)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FileError", err)
	}
	if fe.Line != 5 || fe.Key != "call.timeout" {
		t.Errorf("Line, Key = %d, %q; want 5, call.timeout (error %q)", fe.Line, fe.Key, err)
	}
	if !strings.HasPrefix(err.Error(), p+":5: ") {
		t.Errorf("error %q does not start with %q", err, p+":5: ")
	}
}

func TestLoadOverlaysFileOnDefaults(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", `
[call]
from = ["+447418340465", "447418340466"]
timeout = 15
poll_interval = "1500ms"
[verify]
expiry = "10m"
`, 0o600)
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Call.From; len(got) != 2 || got[0] != "+447418340465" || got[1] != "447418340466" {
		t.Errorf("From = %q", got)
	}
	if c.Call.Timeout != 15 || c.Call.PollInterval.Duration.Milliseconds() != 1500 || c.Verify.Expiry.Minutes() != 10 {
		t.Errorf("Timeout, PollInterval, Expiry = %d, %s, %s", c.Call.Timeout, c.Call.PollInterval, c.Verify.Expiry)
	}
	// Untouched keys keep their defaults.
	if c.Call.CodeDigits != 4 || c.RCML.Language != "en-gb" || c.Verify.MaxChecks != 3 {
		t.Errorf("defaults lost: code_digits %d, language %q, max_checks %d", c.Call.CodeDigits, c.RCML.Language, c.Verify.MaxChecks)
	}
	if c.Source() != p {
		t.Errorf("Source() = %q, want %q", c.Source(), p)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadWithoutFileIsTheSimulator(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.UsesSimulator() || c.Source() != "" {
		t.Errorf("UsesSimulator, Source = %v, %q", c.UsesSimulator(), c.Source())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", `
[restcomm]
base_url = "https://file.example.com/restcomm"
account_sid = "ACffffffffffffffffffffffffffffffff"
auth_token = "file-token-0000"
`, 0o600)
	c, err := Load(p, envMap(map[string]string{
		EnvBaseURL:    "https://env.example.com/restcomm",
		EnvAccountSID: "AC00000000000000000000000000000000",
		EnvAuthToken:  " env-token-1111\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Restcomm
	if r.BaseURL != "https://env.example.com/restcomm" || r.AccountSID != "AC00000000000000000000000000000000" ||
		r.AuthToken.Reveal() != "env-token-1111" {
		t.Errorf("env did not override: %q %q %q", r.BaseURL, r.AccountSID, r.AuthToken.Reveal())
	}

	// Unset (empty) variables leave the file's values.
	c, err = Load(p, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Restcomm.AuthToken.Reveal() != "file-token-0000" || c.Restcomm.BaseURL != "https://file.example.com/restcomm" {
		t.Errorf("empty env overrode the file: %q %q", c.Restcomm.BaseURL, c.Restcomm.AuthToken.Reveal())
	}

	// Environment alone selects a real backend.
	c, err = Load("", envMap(map[string]string{EnvBaseURL: "https://env.example.com/restcomm"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.UsesSimulator() {
		t.Error("FLASHCALL_BASE_URL without a file still uses the simulator")
	}
}

func TestWarningsForReadableTokenFile(t *testing.T) {
	dir := t.TempDir()
	const withToken = "[restcomm]\nauth_token = \"s3cr3t-token-value\"\n"
	tests := []struct {
		name     string
		content  string
		mode     os.FileMode
		env      map[string]string
		wantMode string // "" = no warning
	}{
		{"0644 with token", withToken, 0o644, nil, "0644"},
		{"0640 with token", withToken, 0o640, nil, "0640"},
		{"0604 with token", withToken, 0o604, nil, "0604"},
		{"0600 with token", withToken, 0o600, nil, ""},
		{"0644 without token", "[call]\ntimeout = 10\n", 0o644, nil, ""},
		{"0644, token only in env", "[call]\ntimeout = 10\n", 0o644, map[string]string{EnvAuthToken: "env-secret"}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, fmt.Sprintf("c%d.toml", i), tt.content, tt.mode)
			c, err := Load(p, envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			ws := c.Warnings()
			for _, w := range ws {
				if strings.Contains(w, "s3cr3t") || strings.Contains(w, "env-secret") {
					t.Errorf("warning leaks the token: %q", w)
				}
			}
			if tt.wantMode == "" {
				for _, w := range ws {
					if strings.Contains(w, "readable by other users") {
						t.Errorf("unexpected warning %q", w)
					}
				}
				return
			}
			want := p + " is readable by other users (mode " + tt.wantMode + ") and holds the auth token: chmod 600 " + p
			if !slices.Contains(ws, want) {
				t.Errorf("warnings %q lack %q", ws, want)
			}
		})
	}
}

func TestLoadErrorsNeverContainTheToken(t *testing.T) {
	const token = "77f8c12cc7b8f8423e5c38b035249166"
	// A token that parses, next to problems of every kind.
	p := writeFile(t, t.TempDir(), "c.toml", "[restcomm]\nauth_token = \""+token+"\"\nbogus = \""+token+"\"\n"+
		"[call]\ntimeout = \""+token+"\"\n", 0o644)
	_, err := Load(p, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error contains the token: %q", err)
	}
	if !strings.Contains(err.Error(), `unknown key "restcomm.bogus"`) {
		t.Errorf("error lacks the unknown key: %q", err)
	}
}
