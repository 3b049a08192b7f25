// Package config holds flashcall's settings: defaults, then a strict TOML file, then environment overrides,
// then Validate, which explains every problem it finds and how to fix it.
package config

import (
	"io/fs"
	"strings"
	"time"
)

// SimulatorURL is the restcomm.base_url value that selects the embedded simulator.
const SimulatorURL = "sim"

// Config is the whole configuration file. Every field maps to one key of config.example.toml.
type Config struct {
	// Restcomm is the [restcomm] table: where the Voice API lives and how to authenticate.
	Restcomm RestcommConfig `toml:"restcomm"`
	// Call is the [call] table: how flash calls are placed.
	Call CallConfig `toml:"call"`
	// RCML is the [rcml] table: what a customer who answers hears.
	RCML RCMLConfig `toml:"rcml"`
	// Server is the [server] table: the local HTTP server for the RCML document and status callbacks.
	Server ServerConfig `toml:"server"`
	// Verify is the [verify] table: how codes are checked.
	Verify VerifyConfig `toml:"verify"`
	// History is the [history] table: where attempts are recorded.
	History HistoryConfig `toml:"history"`
	// Sim is the [sim] table: the embedded simulator.
	Sim SimConfig `toml:"sim"`
	// Log is the [log] table: the log file.
	Log LogConfig `toml:"log"`
	// Console is the [console] table: the operator console.
	Console ConsoleConfig `toml:"console"`
	// SSH is the [ssh] table: the console served over SSH by `flashcall serve`.
	SSH SSHConfig `toml:"ssh"`
	// Policy is the [policy] table: the fraud controls every call must pass.
	Policy PolicyConfig `toml:"policy"`
	// Alarms is the [alarms] table: what the service watches in its own figures and does about it.
	Alarms AlarmsConfig `toml:"alarms"`

	// source is the file Load read ("" when none); sourceMode its permission bits; tokenInFile reports
	// whether that file holds a non-empty auth token. They feed Warnings. fileToken is that token, kept
	// when the environment overrides it so that messages hide both.
	source      string
	sourceMode  fs.FileMode
	tokenInFile bool
	// historyPasswordInFile reports whether that file's history.url holds a password.
	historyPasswordInFile bool
	fileToken             Secret
}

// RestcommConfig is the [restcomm] table.
type RestcommConfig struct {
	// BaseURL is "sim" (or empty) for the embedded simulator, or the API root ending in /restcomm,
	// e.g. https://cloud.restcomm.com/restcomm. Overridden by $FLASHCALL_BASE_URL.
	BaseURL string `toml:"base_url"`
	// AccountSID is the account's SID (AC + 32 characters) or its e-mail. Overridden by $FLASHCALL_ACCOUNT_SID.
	AccountSID string `toml:"account_sid"`
	// AuthToken is the account's auth token. Overridden by $FLASHCALL_AUTH_TOKEN. Never printed.
	AuthToken Secret `toml:"auth_token"`
	// RequestTimeout bounds every HTTP request to Restcomm.
	RequestTimeout Duration `toml:"request_timeout"`
}

// CallConfig is the [call] table.
type CallConfig struct {
	// From is the caller-ID pool: numbers, or ranges "+447418340000-+447418349999" of numbers you may call
	// from. The code is the last CodeDigits digits of the number used, so the pool is the code's entropy.
	From []string `toml:"from"`
	// FromByCountry lists pools for destination countries (ISO region => entries as From); a country not
	// listed uses From.
	FromByCountry map[string][]string `toml:"from_by_country"`
	// AcceptGuessableCodes lets a real account start with a pool whose codes a caller who never got the call
	// guesses with a chance above 1 in 100.
	AcceptGuessableCodes bool `toml:"accept_guessable_codes"`
	// CodeDigits is how many trailing digits of the caller ID make the code.
	CodeDigits int `toml:"code_digits"`
	// Timeout is Restcomm's Timeout: seconds of ringing before the call gives up.
	Timeout int `toml:"timeout"`
	// RCMLURL is the RCML document Restcomm fetches if the customer answers; empty means flashcall serves
	// it itself at Server.PublicURL (or on loopback for the simulator).
	RCMLURL string `toml:"rcml_url"`
	// RCMLMethod is the HTTP method Restcomm uses to fetch RCMLURL: GET or POST.
	RCMLMethod string `toml:"rcml_method"`
	// PollInterval is how often live calls are polled.
	PollInterval Duration `toml:"poll_interval"`
	// PollWorkers is how many requests the tracker has in flight at once to follow live calls.
	PollWorkers int `toml:"poll_workers"`
	// MaxRequestsPerSecond caps the requests flashcall sends to Restcomm a second (0: no cap).
	MaxRequestsPerSecond float64 `toml:"max_requests_per_second"`
	// LookupWindow is how long flashcall looks for the call of a create whose outcome is unknown (the reply
	// was lost) before it gives up and ends the attempt as unknown (see validateLookupWindow).
	LookupWindow Duration `toml:"lookup_window"`
	// DefaultRegion is the ISO 3166 region (e.g. "GB") used to read national numbers; empty means every
	// number must be entered in international form, starting with +.
	DefaultRegion string `toml:"default_region"`
}

// RCMLConfig is the [rcml] table: the <Say> verb of the flash-call document.
type RCMLConfig struct {
	// Text is spoken to a customer who answers; "{code}" is replaced by the code.
	Text string `toml:"text"`
	// Voice is "man" or "woman".
	Voice string `toml:"voice"`
	// Language is a lower-case TTS language key such as "en-gb".
	Language string `toml:"language"`
	// Loop is how many times the text is spoken.
	Loop int `toml:"loop"`
}

// ServerConfig is the [server] table.
type ServerConfig struct {
	// Listen is the host:port of the RCML and status-callback server.
	Listen string `toml:"listen"`
	// PublicURL is where Restcomm reaches Listen; setting it enables status callbacks.
	PublicURL string `toml:"public_url"`
}

// VerifyConfig is the [verify] table.
type VerifyConfig struct {
	// MaxChecks is how many read-backs a verification allows before it locks.
	MaxChecks int `toml:"max_checks"`
	// Expiry is how long after the first call a verification can still be completed.
	Expiry Duration `toml:"expiry"`
}

// HistoryConfig is the [history] table.
type HistoryConfig struct {
	// Path is the SQLite history file; empty means DataDir()/history.db. Ignored when URL is set.
	Path string `toml:"path"`
	// URL, when set, keeps the history in PostgreSQL instead (postgres:// or postgresql://, TCP or a unix
	// socket, TLS options passed to the driver): every instance naming the same database shares one history,
	// audit log, limits and live state. Overridden by $FLASHCALL_HISTORY_URL. Its password is never shown.
	URL Secret `toml:"url"`
	// Retention is how long attempts keep the customer's number; 0 ("off") keeps it for ever.
	Retention Span `toml:"retention"`
	// RetentionMode is RetainAnonymise or RetainDelete: what happens to older attempts.
	RetentionMode string `toml:"retention_mode"`
}

// SimConfig is the [sim] table.
type SimConfig struct {
	// Speed scales the simulator's clock: 2 runs calls twice as fast.
	Speed float64 `toml:"speed"`
}

// LogConfig is the [log] table.
type LogConfig struct {
	// Path is the log file; empty means DataDir()/flashcall.log.
	Path string `toml:"path"`
	// Level is debug, info, warn or error.
	Level string `toml:"level"`
}

// ConsoleConfig is the [console] table.
type ConsoleConfig struct {
	// Operator names the local operator in the history; empty means the OS user. (Over SSH the name comes
	// from the key's line in ssh.authorized_keys instead.)
	Operator string `toml:"operator"`
	// Supervisor makes the local console's operator a supervisor (reveal, audit log, supersede). Whoever
	// runs flashcall locally can read its database file anyway; set it to false to take those keys away.
	Supervisor bool `toml:"supervisor"`
	// Bell rings the terminal bell when a call an operator placed is delivered and its read-back waits (the
	// local console and every SSH session).
	Bell bool `toml:"bell"`
}

// DefaultFromRange is the default caller-ID pool: 10,000 numbers, so that every code is possible. It suits the
// simulator; a real account must list the numbers it is entitled to call from.
const DefaultFromRange = "+447418340000-+447418349999"

// Default returns the configuration used when no file exists: the embedded simulator on loopback.
func Default() *Config {
	return &Config{
		Restcomm: RestcommConfig{
			BaseURL:        SimulatorURL,
			RequestTimeout: Duration{10 * time.Second},
		},
		Call: CallConfig{
			From:                 []string{DefaultFromRange},
			FromByCountry:        map[string][]string{},
			CodeDigits:           4,
			Timeout:              10,
			RCMLMethod:           "GET",
			PollInterval:         Duration{time.Second},
			PollWorkers:          DefaultPollWorkers,
			MaxRequestsPerSecond: DefaultMaxRequestsPerSecond,
			LookupWindow:         Duration{DefaultLookupWindow},
		},
		RCML: RCMLConfig{
			Text:     "Your phone number has been confirmed.",
			Voice:    "woman",
			Language: "en-gb",
			Loop:     1,
		},
		Server:  ServerConfig{Listen: "127.0.0.1:8780"},
		History: HistoryConfig{Retention: Span{Duration: DefaultRetention}, RetentionMode: RetainAnonymise},
		Verify:  VerifyConfig{MaxChecks: 3, Expiry: Duration{5 * time.Minute}},
		Sim:     SimConfig{Speed: 1.0},
		Log:     LogConfig{Level: "info"},
		Console: ConsoleConfig{Supervisor: true, Bell: true},
		SSH:     defaultSSH(),
		Alarms:  defaultAlarms(),
		Policy:  defaultPolicy(),
	}
}

// UsesSimulator reports whether calls go to the embedded simulator (base_url "sim" or empty).
func (c *Config) UsesSimulator() bool {
	u := strings.TrimSpace(c.Restcomm.BaseURL)
	return u == "" || u == SimulatorURL
}

// Source returns the file Load read, or "" when the configuration came from defaults and environment only.
func (c *Config) Source() string { return c.source }
