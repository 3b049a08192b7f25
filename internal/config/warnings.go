package config

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/flashcall/flashcall/internal/callerid"
)

// Warnings returns things that work but are probably unwise, one sentence each with the fix: a file holding
// the auth token that group or others can read, a token sent over plain http, an API root not ending in
// /restcomm, credentials that the simulator ignores, addresses Restcomm cannot reach, and, on a real
// account, a caller-ID pool whose code a caller who never got the call guesses with a chance above 1 in
// 1,000 (see PoolGuess.Weak), and a server.listen on every network interface. They never contain the token
// (see Redact).
func (c *Config) Warnings() []string {
	ws := c.warnings()
	r := c.redactor()
	for i, w := range ws {
		ws[i] = r.scrub(w)
	}
	return ws
}

// warnings is Warnings before redaction.
func (c *Config) warnings() []string {
	var ws []string
	if c.source != "" && c.tokenInFile && c.sourceMode&0o044 != 0 {
		ws = append(ws, fmt.Sprintf("%s is readable by other users (mode %04o) and holds the auth token: chmod 600 %s",
			c.source, c.sourceMode.Perm(), c.source))
	}
	if w := c.historyURLWarning(); w != "" {
		ws = append(ws, w)
	}
	if w := c.listenWarning(); w != "" {
		ws = append(ws, w)
	}
	if c.UsesSimulator() {
		if c.Restcomm.AccountSID != "" || c.Restcomm.AuthToken != "" {
			ws = append(ws, `restcomm credentials are set but restcomm.base_url is "sim": calls go to the `+
				`simulator; set base_url to your Restcomm API root (e.g. https://cloud.restcomm.com/restcomm) `+
				`to use the account`)
		}
		return ws
	}
	if u, err := url.Parse(strings.TrimSpace(c.Restcomm.BaseURL)); err == nil && u.Host != "" && u.User == nil {
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			ws = append(ws, "restcomm.base_url uses plain http: the auth token crosses the network unencrypted; "+
				"use https unless the network between here and Restcomm is trusted")
		}
		if !strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/restcomm") {
			ws = append(ws, fmt.Sprintf("restcomm.base_url %q does not end in /restcomm, where Restcomm's API "+
				"lives: e.g. https://cloud.restcomm.com/restcomm", u.Redacted()))
		}
	}
	for _, k := range []struct{ key, value string }{
		{"server.public_url", c.Server.PublicURL},
		{"call.rcml_url", c.Call.RCMLURL},
	} {
		if u, err := url.Parse(k.value); err == nil && u.Host != "" && isLoopback(u.Hostname()) {
			ws = append(ws, fmt.Sprintf("%s points at this machine (%s): Restcomm cannot reach it unless it "+
				"runs here too; use an address Restcomm can reach", k.key, u.Hostname()))
		}
	}
	return append(ws, c.guessWarnings()...)
}

// listenWarning warns when server.listen takes every network interface ("0.0.0.0:8780", "[::]:8780",
// ":8780"): allowed, since Restcomm must reach the server, but everyone else who can reach the machine
// reaches it too.
func (c *Config) listenWarning() string {
	host, port, err := net.SplitHostPort(c.Server.Listen)
	if err != nil {
		return "" // Validate's business
	}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return ""
	}
	return fmt.Sprintf("server.listen %q listens on every network interface: whoever can reach this machine "+
		"reaches the RCML and status-callback server, not only Restcomm; listen on the one address Restcomm "+
		"reaches, e.g. \"192.0.2.10:%s\", or on \"127.0.0.1:%s\" behind a reverse proxy (which can also "+
		"terminate TLS and admit only Restcomm's addresses)", c.Server.Listen, port, port)
}

// guessWarnings warns about every weak pool, one sentence each: the pool, the odds and the fix. Pools that do
// not parse, or an invalid code_digits, are Validate's business and give no warning.
func (c *Config) guessWarnings() []string {
	if c.Call.CodeDigits < 3 || c.Call.CodeDigits > 8 || c.Verify.MaxChecks < 1 {
		return nil
	}
	gs, err := c.PoolGuesses()
	if err != nil {
		return nil
	}
	var ws []string
	for _, g := range gs {
		if !g.Weak() {
			continue
		}
		whose := ""
		if g.Region != "" {
			whose = " (calls to " + g.Region + ")"
		}
		accepted := ""
		if g.Guessable() {
			accepted = " (it starts only because call.accept_guessable_codes = true)"
		}
		ws = append(ws, fmt.Sprintf("%s%s gives %s (%s): with verify.max_checks = %d a caller who never got "+
			"the call guesses the code with a chance of %s per verification, above 1 in 1,000%s: %s",
			g.Key, whose, g.CodesText(), g.Pool, c.Verify.MaxChecks, g.Odds(), accepted,
			c.GuessFix(g.Key)))
	}
	return ws
}

// codesOf spells "1 distinct 4-digit code" or "1,000 distinct 4-digit codes".
func codesOf(n uint64, digits int) string {
	noun := "codes"
	if n == 1 {
		noun = "code"
	}
	return fmt.Sprintf("%s distinct %d-digit %s", thousands(n), digits, noun)
}

// GuessFix says how to bring the pool at key ("call.from" or "call.from_by_country.GB") to 1 in 1,000 or
// better: how many distinct codes that takes, and a range that gives every code; when even every code is
// not enough, which other setting to change too. Settings Validate refuses (call.code_digits outside 3 to 8,
// verify.max_checks below 1) are brought into range first, so the advice is sound whatever the file says.
func (c *Config) GuessFix(key string) string {
	digits := min(max(c.Call.CodeDigits, minFixDigits), maxFixDigits)
	checks := max(c.Verify.MaxChecks, 1)
	need := uint64(checks) * uint64(math.Round(1/guessWarn))
	every := pow10(digits)
	all := fmt.Sprintf("%s consecutive numbers such as %q give every code", thousands(every),
		exampleRange(c.entriesOf(key), digits))
	if need <= every {
		return fmt.Sprintf("use a bigger caller-ID range in %s: %s distinct codes or more keep it at 1 in "+
			"1,000 or better, and %s", key, thousands(need), all)
	}
	best := callerid.FormatOdds(float64(checks) / float64(every))
	return fmt.Sprintf("use a bigger caller-ID range in %s (%s), and raise call.code_digits or lower "+
		"verify.max_checks: with every %d-digit code a guess still passes %s", key, all, digits, best)
}

// The code lengths GuessFix reasons about: those Validate accepts.
const (
	minFixDigits = 3
	maxFixDigits = 8
)

// pow10 returns 10^n for 0 <= n <= 19 (uint64 holds no more), exactly.
func pow10(n int) uint64 {
	v := uint64(1)
	for range min(max(n, 0), 19) {
		v *= 10
	}
	return v
}

// exampleRange is a range of 10^codeDigits consecutive numbers that gives every code: the block holding the
// first number of entries (the pool as configured), else a block of UK mobile numbers. codeDigits is
// brought into 1 to 11, below the length of the fallback number.
func exampleRange(entries []string, codeDigits int) string {
	codeDigits = min(max(codeDigits, 1), 11)
	step := pow10(codeDigits)
	first := ""
	if len(entries) > 0 {
		first, _, _ = strings.Cut(strings.TrimSpace(entries[0]), "-")
		first = strings.TrimPrefix(strings.TrimSpace(first), "+")
	}
	v, err := strconv.ParseUint(first, 10, 64)
	if err != nil || len(first) <= codeDigits || len(first) > callerid.MaxDigits || first[0] == '0' {
		v = 447418340000
	}
	lo := v / step * step
	return "+" + strconv.FormatUint(lo, 10) + "-+" + strconv.FormatUint(lo+step-1, 10)
}

// entriesOf returns the configured entries of the pool at key ("call.from" or "call.from_by_country.XX").
func (c *Config) entriesOf(key string) []string {
	region, ok := strings.CutPrefix(key, "call.from_by_country.")
	if !ok {
		return c.Call.From
	}
	for r, entries := range c.Call.FromByCountry {
		if strings.EqualFold(r, region) {
			return entries
		}
	}
	return nil
}

// thousands spells n with "," every three digits: 10000 -> "10,000".
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// GuessWarnAbove is the guess probability per verification above which a pool is weak: Warnings warns
// about it on a real account and doctor marks it. Validate refuses a real account above 1 in 100 unless
// call.accept_guessable_codes is set.
const GuessWarnAbove = guessWarn

// PoolGuess is the guess figure of one caller-ID pool: how likely a caller who never got the call is to
// pass a verification by guessing the code, the code being the caller ID's last call.code_digits digits.
type PoolGuess struct {
	// Key is the pool's configuration key: "call.from", or "call.from_by_country.GB" (region upper case).
	Key string
	// Region is the destination region the pool serves, "" for the default pool.
	Region string
	// Pool is the parsed pool.
	Pool *callerid.Pool
	// Codes is how many distinct codes the pool gives (callerid.Pool.DistinctCodes).
	Codes uint64
	// CodeDigits is call.code_digits, the length of a code.
	CodeDigits int
	// Probability is verify.max_checks / Codes, at most 1 (callerid.Pool.GuessProbability).
	Probability float64
}

// CodesText spells Codes, e.g. "10,000 distinct 4-digit codes" or "1 distinct 4-digit code".
func (g PoolGuess) CodesText() string { return codesOf(g.Codes, g.CodeDigits) }

// Odds spells Probability as callerid.FormatOdds does, e.g. "1 in 3,333".
func (g PoolGuess) Odds() string { return callerid.FormatOdds(g.Probability) }

// Weak reports a pool guessed with a chance above GuessWarnAbove (1 in 1,000) per verification.
func (g PoolGuess) Weak() bool { return g.Probability > guessWarn }

// Guessable reports a pool guessed with a chance above 1 in 100, which Validate refuses on a real account
// unless call.accept_guessable_codes is set.
func (g PoolGuess) Guessable() bool { return g.Probability > guessRefuse }

// PoolGuesses returns the guess figure of call.from, then of each call.from_by_country pool in alphabetical
// order of region, for call.code_digits and verify.max_checks as configured. It fails when the pools do not
// parse (Validate explains why).
func (c *Config) PoolGuesses() ([]PoolGuess, error) {
	sel, err := c.CallerIDs()
	if err != nil {
		return nil, err
	}
	guess := func(key, region string, p *callerid.Pool) PoolGuess {
		return PoolGuess{Key: key, Region: region, Pool: p, Codes: p.DistinctCodes(c.Call.CodeDigits),
			CodeDigits: c.Call.CodeDigits, Probability: p.GuessProbability(c.Verify.MaxChecks, c.Call.CodeDigits)}
	}
	gs := []PoolGuess{guess("call.from", "", sel.Default())}
	for _, r := range sel.Regions() {
		gs = append(gs, guess("call.from_by_country."+r, r, sel.For(r)))
	}
	return gs, nil
}

// isLoopback reports localhost and loopback addresses.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
