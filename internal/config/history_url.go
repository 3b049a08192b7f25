package config

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// HistoryEngine names where the history is kept.
type HistoryEngine string

const (
	// EngineSQLite is the embedded default: one file, history.path.
	EngineSQLite HistoryEngine = "sqlite"
	// EnginePostgres is a PostgreSQL database, history.url, shared by every instance that names it.
	EnginePostgres HistoryEngine = "postgres"
)

// HistoryEngine reports which engine keeps the history: PostgreSQL when history.url (or
// $FLASHCALL_HISTORY_URL) is set, else SQLite.
func (c *Config) HistoryEngine() HistoryEngine {
	if strings.TrimSpace(c.History.URL.Reveal()) != "" {
		return EnginePostgres
	}
	return EngineSQLite
}

// HistoryURL returns history.url as written, password included: for the driver only, never for a message
// (RedactedHistoryURL is the form to show).
func (c *Config) HistoryURL() string { return strings.TrimSpace(c.History.URL.Reveal()) }

// RedactedHistoryURL returns history.url with its password, in the user information or a password parameter,
// replaced: the form every message, log line and doctor report shows.
func (c *Config) RedactedHistoryURL() string { return redactURLPassword(c.HistoryURL()) }

// postgresSchemes are the URL schemes history.url accepts.
var postgresSchemes = []string{"postgres://", "postgresql://"}

// validateHistoryURL checks history.url's form; whether the server answers is for start-up to say.
func (c *Config) validateHistoryURL(ps *problems) {
	u := c.HistoryURL()
	if u == "" {
		return
	}
	ok := false
	for _, s := range postgresSchemes {
		ok = ok || strings.HasPrefix(strings.ToLower(u), s)
	}
	switch {
	case !ok:
		ps.add("history.url", "is not a PostgreSQL URL: write postgres://USER:PASSWORD@HOST:5432/DATABASE "+
			"(or postgres:///DATABASE?host=/run/postgresql for a unix socket), or leave it empty to keep the "+
			"history in the SQLite file history.path (also set by $%s)", EnvHistoryURL)
	case strings.ContainsFunc(u, unicode.IsSpace) || strings.ContainsFunc(u, unicode.IsControl):
		ps.add("history.url", "contains white space or control characters: percent-encode them (a space is %%20)")
	}
}

// passwordParam matches a password=VALUE parameter in a URL's query.
var passwordParam = regexp.MustCompile(`(?i)([?&]password=)[^&#\s"']*`)

// redactURLPassword hides the password of a connection URL: the user information's and a password parameter.
func redactURLPassword(u string) string {
	u = userinfoPattern.ReplaceAllStringFunc(u, func(m string) string {
		user, _, hasPW := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(m, "//"), "@"), ":")
		if !hasPW {
			return m
		}
		return "//" + user + ":xxxxx@"
	})
	return passwordParam.ReplaceAllString(u, "${1}xxxxx")
}

// historyPassword returns the password history.url holds (user information or password parameter), for the
// redactor to hide wherever a message quotes it.
func (c *Config) historyPassword() string {
	u := c.HistoryURL()
	if m := passwordParam.FindStringSubmatch(u); m != nil {
		return strings.TrimPrefix(m[0], m[1])
	}
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// historyURLWarning warns when the configuration file others can read holds the database password.
func (c *Config) historyURLWarning() string {
	if c.source == "" || !c.historyPasswordInFile || c.sourceMode&0o044 == 0 {
		return ""
	}
	return fmt.Sprintf("%s is readable by other users (mode %04o) and history.url holds the database password: "+
		"chmod 600 %s, or move the password to $%s or ~/.pgpass", c.source, c.sourceMode.Perm(), c.source, EnvHistoryURL)
}
