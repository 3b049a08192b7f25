package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/policy"
)

// Problem is one thing Validate found wrong: the key and what to do about it.
type Problem struct {
	// Key is the dotted key, e.g. "call.timeout".
	Key string
	// Message says what is wrong and how to fix it; it never contains the auth token.
	Message string
}

// Error returns "key: message".
func (p *Problem) Error() string { return p.Key + ": " + p.Message }

// problems collects Validate's findings.
type problems []*Problem

func (ps *problems) add(key, format string, args ...any) {
	*ps = append(*ps, &Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

// Validate checks every setting and returns nil, or one *Problem per problem joined with errors.Join, each
// naming its key and saying how to fix it. The auth token never appears in a message.
func (c *Config) Validate() error {
	var ps problems
	c.validateRestcomm(&ps)
	c.validateCall(&ps)
	c.validateLookupWindow(&ps)
	c.validateRCML(&ps)
	c.validateServer(&ps)
	c.validateRest(&ps)
	c.validateSSH(&ps)
	c.validatePolicy(&ps)
	c.validateRetention(&ps)
	c.validateAlarms(&ps)
	c.validateHistoryURL(&ps)
	r := c.redactor()
	ps = ps.capped()
	errs := make([]error, len(ps))
	for i, p := range ps {
		p.Message = r.scrub(p.Message)
		errs[i] = p
	}
	return errors.Join(errs...)
}

// maxProblemsPerKey bounds how many problems of one key (its entries counted together) are reported one by
// one: a list of thousands of bad entries is better summed up than printed.
const maxProblemsPerKey = 20

// capped keeps the first maxProblemsPerKey problems of each key, in order, and ends with one problem per
// key that had more, counting those left out.
func (ps problems) capped() problems {
	seen := map[string]int{}
	var out, more problems
	for _, p := range ps {
		key, _, _ := strings.Cut(p.Key, "[")
		seen[key]++
		switch n := seen[key]; {
		case n <= maxProblemsPerKey:
			out = append(out, p)
		case n == maxProblemsPerKey+1:
			more = append(more, &Problem{Key: key})
		}
	}
	for _, m := range more {
		n, noun := seen[m.Key]-maxProblemsPerKey, "problems"
		if n == 1 {
			noun = "problem"
		}
		m.Message = fmt.Sprintf("%d more %s not shown: fix those above first", n, noun)
	}
	return append(out, more...)
}

func (c *Config) validateRestcomm(ps *problems) {
	r := c.Restcomm
	if d := r.RequestTimeout.Duration; d < time.Second || d > 5*time.Minute {
		ps.add("restcomm.request_timeout", "is %s: use between 1s and 5m, e.g. \"10s\"", d)
	}
	if c.UsesSimulator() {
		return
	}
	checkBaseURL(ps, strings.TrimSpace(r.BaseURL))
	switch sid := r.AccountSID; {
	case sid == "":
		ps.add("restcomm.account_sid", "is required for a real Restcomm account: set it (AC followed by 32 "+
			"letters or digits, or the account e-mail) or %s; or set restcomm.base_url = \"sim\" to use the "+
			"simulator", EnvAccountSID)
	case !validAccountSID(sid):
		hint := ""
		if looksLikeToken(sid) {
			hint = "; it looks like an auth token: are account_sid and auth_token swapped?"
		}
		ps.add("restcomm.account_sid", "is not an Account SID (it has %d characters): use AC followed by 32 "+
			"letters or digits, or the account e-mail, as shown in the Restcomm console%s", len(sid), hint)
	}
	if r.AuthToken == "" {
		ps.add("restcomm.auth_token", "is required for a real Restcomm account: set restcomm.auth_token in a "+
			"file only you can read (chmod 600), or %s", EnvAuthToken)
	} else if strings.ContainsFunc(r.AuthToken.Reveal(), unicode.IsSpace) {
		ps.add("restcomm.auth_token", "contains white space: copy the token again from the Restcomm console")
	}
}

// checkBaseURL validates a real (non-simulator) base URL. It never echoes a URL that holds credentials.
func checkBaseURL(ps *problems, s string) {
	const example = "https://cloud.restcomm.com/restcomm"
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		shown := ""
		if !strings.Contains(s, "@") {
			shown = strconv.Quote(s) + " "
		}
		ps.add("restcomm.base_url", "%sis not \"sim\" or an http(s) URL: use \"sim\" for the embedded simulator "+
			"or the Restcomm API root, e.g. %s", shown, example)
	case u.User != nil:
		ps.add("restcomm.base_url", "must not contain credentials: remove the \"user:password@\" part and set "+
			"restcomm.account_sid and restcomm.auth_token (or %s) instead", EnvAuthToken)
	case u.RawQuery != "" || u.Fragment != "":
		ps.add("restcomm.base_url", "must not have a query or fragment: use the API root, e.g. %s", example)
	}
}

// validAccountSID accepts AC + 32 letters or digits, or an e-mail address (Restcomm takes either for Basic
// auth).
func validAccountSID(s string) bool {
	if len(s) == 34 && strings.HasPrefix(s, "AC") && isAlnum(s[2:]) {
		return true
	}
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsFunc(s, unicode.IsSpace)
}

// looksLikeToken reports a 32-hex-digit string, the shape of a Restcomm auth token.
func looksLikeToken(s string) bool {
	if len(s) != restcommTokenLen {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// minPollsPerRing is how many polls must fit into the ring Timeout for polling alone to see a call ringing:
// the call is QUEUED for the first moments, and a poll may be late by a request's round trip.
const minPollsPerRing = 3

func (c *Config) validateCall(ps *problems) {
	k := c.Call
	if k.CodeDigits < 3 || k.CodeDigits > 8 {
		ps.add("call.code_digits", "is %d: use 3 to 8 digits (4 is usual)", k.CodeDigits)
	}
	c.validatePool(ps)
	if k.Timeout < 1 || k.Timeout > 60 {
		ps.add("call.timeout", "is %d: use 1 to 60 seconds of ringing (a flash call rings briefly; 10 is usual)",
			k.Timeout)
	}
	if k.RCMLURL != "" && !isHTTPURL(k.RCMLURL) {
		ps.add("call.rcml_url", "%q is not an absolute http(s) URL: give the full address of an RCML document, "+
			"or leave it empty to let flashcall serve it", k.RCMLURL)
	}
	switch k.RCMLMethod {
	case "GET", "POST":
	case "get", "post":
		ps.add("call.rcml_method", "must be upper case: use %q", strings.ToUpper(k.RCMLMethod))
	default:
		ps.add("call.rcml_method", "%q is not GET or POST: use \"GET\" (static hosting usually needs it) or "+
			"\"POST\"", k.RCMLMethod)
	}
	if d := k.PollInterval.Duration; d < 200*time.Millisecond || d > time.Minute {
		ps.add("call.poll_interval", "is %s: use between 200ms and 1m, e.g. \"1s\"", d)
	}
	if n := k.PollWorkers; n < 1 || n > MaxPollWorkers {
		ps.add("call.poll_workers", "is %d: use between 1 and %d, e.g. %d", n, MaxPollWorkers, DefaultPollWorkers)
	}
	if r := k.MaxRequestsPerSecond; r < 0 || r > 100000 || r != r {
		ps.add("call.max_requests_per_second", "is %v: use 0 (no cap) or a rate up to 100000, e.g. %d", r,
			DefaultMaxRequestsPerSecond)
	} else if r > 0 && r < 1 {
		ps.add("call.max_requests_per_second", "is %v: at least 1 request a second is needed to follow a call; "+
			"use 0 for no cap", r)
	}
	if d, ring := k.PollInterval.Duration, time.Duration(k.Timeout)*time.Second; d > 0 && k.Timeout > 0 &&
		ring < minPollsPerRing*d && !c.UsesSimulator() && c.Server.PublicURL == "" {
		ps.add("call.timeout", "is %ds with call.poll_interval %s and no status callbacks: polling can miss the "+
			"ringing of so short a call, and a missed call whose ringing nobody saw counts as not delivered: set "+
			"call.poll_interval to at most %s, or server.public_url so that Restcomm reports ringing itself",
			k.Timeout, d, (ring / minPollsPerRing).Truncate(time.Millisecond))
	}
	if r := k.DefaultRegion; r != "" && !policy.KnownRegion(r) {
		switch {
		case policy.KnownRegion(strings.ToUpper(r)):
			ps.add("call.default_region", "must be upper case: use %q", strings.ToUpper(r))
		case isRegion(strings.ToUpper(r)):
			ps.add("call.default_region", "%q is not a country with a telephone country code: use the ISO 3166 "+
				"code of the country whose national numbers operators type, such as \"GB\" or \"US\", or leave "+
				"it empty to require numbers starting with +", r)
		default:
			ps.add("call.default_region", "%q is not a region code: use two letters such as \"GB\" or \"US\", "+
				"or leave it empty to require numbers starting with +", r)
		}
	}
	if !c.UsesSimulator() && k.RCMLURL == "" && c.Server.PublicURL == "" {
		ps.add("server.public_url", "is empty, and so is call.rcml_url: Restcomm must be able to fetch the RCML "+
			"document: set server.public_url to the address where Restcomm reaches server.listen, or "+
			"call.rcml_url to an RCML document hosted elsewhere")
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isRegion(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// isHTTPURL reports an absolute http or https URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// languages are the TTS language keys Restcomm's engines share (see docs/restcomm.md); matching is exact
// and lower case, because Restcomm turns "en-GB" silently into "en".
func languages() []string {
	return []string{"en", "en-gb", "en-au", "en-in", "en-ca", "es", "es-mx", "fr", "fr-ca", "de", "it", "nl",
		"pt", "pt-br", "pl", "ru", "da", "fi", "sv", "nb", "ja", "ko", "zh-cn"}
}

func (c *Config) validateRCML(ps *problems) {
	r := c.RCML
	if strings.TrimSpace(r.Text) == "" {
		ps.add("rcml.text", "is empty: write what a customer who answers hears, "+
			"e.g. \"Your phone number has been confirmed.\"")
	}
	if r.Voice != "man" && r.Voice != "woman" {
		if v := strings.ToLower(r.Voice); v == "man" || v == "woman" {
			ps.add("rcml.voice", "must be lower case: use %q", v)
		} else {
			ps.add("rcml.voice", "%q is not a voice: use \"man\" or \"woman\"", r.Voice)
		}
	}
	langs := languages()
	if !slices.Contains(langs, r.Language) {
		fixed := strings.ReplaceAll(strings.ToLower(r.Language), "_", "-")
		if slices.Contains(langs, fixed) {
			ps.add("rcml.language", "%q must be lower case: use %q (Restcomm silently falls back to \"en\" "+
				"otherwise)", r.Language, fixed)
		} else {
			ps.add("rcml.language", "%q is not a language Restcomm's text-to-speech knows: use one of %s",
				r.Language, strings.Join(langs, ", "))
		}
	}
	switch {
	case r.Loop == 0:
		ps.add("rcml.loop", "is 0, which Restcomm reads as \"repeat forever\": use 1 to 10")
	case r.Loop < 0 || r.Loop > 10:
		ps.add("rcml.loop", "is %d: use 1 to 10", r.Loop)
	}
}

func (c *Config) validateServer(ps *problems) {
	s := c.Server
	host, port, err := net.SplitHostPort(s.Listen)
	if err != nil {
		ps.add("server.listen", "%q is not host:port: use e.g. \"127.0.0.1:8780\"", s.Listen)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		ps.add("server.listen", "%q has no valid port: use a number from 0 to 65535, e.g. \"%s:8780\"",
			s.Listen, host)
	}
	if s.PublicURL != "" {
		u, err := url.Parse(s.PublicURL)
		switch {
		case err != nil || !isHTTPURL(s.PublicURL):
			ps.add("server.public_url", "%q is not an absolute http(s) URL: give the address at which Restcomm "+
				"reaches server.listen, e.g. \"https://flashcall.example.com\"", s.PublicURL)
		case u.RawQuery != "" || u.Fragment != "":
			ps.add("server.public_url", "must not have a query or fragment: flashcall appends its own paths")
		case u.User != nil:
			ps.add("server.public_url", "must not contain a user name or password: flashcall's server checks "+
				"none, and Restcomm would keep it with every call's RCML and callback addresses; remove the "+
				"\"user:password@\" part (the auth token belongs in restcomm.auth_token or %s)", EnvAuthToken)
		}
	}
}

// ReadBackMargin is the least time verify.expiry must leave after the longest ring (call.timeout): the
// customer has to notice the missed call, find its number and read the last digits to the operator, which
// takes well under a minute when it goes smoothly, and a minute leaves room for one retry of the read-back.
const ReadBackMargin = time.Minute

func (c *Config) validateRest(ps *problems) {
	if m := c.Verify.MaxChecks; m < 1 || m > 10 {
		ps.add("verify.max_checks", "is %d: allow 1 to 10 read-backs before a verification locks (3 is usual)", m)
	}
	ring := time.Duration(c.Call.Timeout) * time.Second
	switch d := c.Verify.Expiry.Duration; {
	case d < 30*time.Second || d > 24*time.Hour:
		ps.add("verify.expiry", "is %s: use between 30s and 24h, e.g. \"5m\"", d)
	case c.Call.Timeout > 0 && d < ring+ReadBackMargin:
		ps.add("verify.expiry", "is %s, but the phone rings for up to %s (call.timeout) and the customer then needs "+
			"time to find the missed call and read its digits back: the verification would expire as it is "+
			"delivered; use at least %s (the ring plus %s), e.g. \"5m\"", d, ring, ring+ReadBackMargin, ReadBackMargin)
	}
	if s := c.Sim.Speed; !(s > 0) || s > 1000 || math.IsInf(s, 0) {
		ps.add("sim.speed", "is %g: use a number above 0 and at most 1000 (1.0 is real time)", s)
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		ps.add("log.level", "%q is not a level: use \"debug\", \"info\", \"warn\" or \"error\"", c.Log.Level)
	}
	if op := c.Console.Operator; strings.ContainsFunc(op, unicode.IsControl) || len(op) > 64 {
		ps.add("console.operator", "must be at most 64 printable characters, or empty for the OS user")
	}
}

// Guess odds a pool must beat: a real account refuses to start above guessRefuse (unless
// call.accept_guessable_codes is set) and warns above guessWarn.
const (
	guessRefuse = 1.0 / 100
	guessWarn   = 1.0 / 1000
)

// validatePool checks call.from and call.from_by_country, and that the codes they give cannot be guessed.
func (c *Config) validatePool(ps *problems) {
	k := c.Call
	sel, err := c.CallerIDs()
	if err != nil {
		var ee *callerid.EntryError
		for _, e := range flatten(err) {
			if errors.As(e, &ee) {
				key := ee.Key
				if ee.Index >= 0 {
					key = fmt.Sprintf("%s[%d]", ee.Key, ee.Index)
				}
				ps.add(key, "%s", ee.Problem)
				continue
			}
			ps.add("call.from", "%v", e)
		}
		return
	}
	if k.CodeDigits < 3 || k.CodeDigits > 8 || c.UsesSimulator() || k.AcceptGuessableCodes {
		return
	}
	region, p := sel.Worst(c.Verify.MaxChecks, k.CodeDigits)
	if p > guessRefuse {
		key, pool := "call.from", sel.Default()
		if region != "" {
			key, pool = "call.from_by_country."+region, sel.For(region)
		}
		ps.add(key, "gives %d distinct %d-digit codes (%s): with verify.max_checks = %d a caller who never got "+
			"the call guesses the code with a chance of %s: add caller IDs (a range such as "+
			"\"+447418340000-+447418349999\" gives every code), or set call.accept_guessable_codes = true "+
			"to accept the risk", pool.DistinctCodes(k.CodeDigits), k.CodeDigits, pool,
			c.Verify.MaxChecks, callerid.FormatOdds(p))
	}
}

// CallerIDs parses the caller-ID pools: call.from, and call.from_by_country by destination region.
func (c *Config) CallerIDs() (*callerid.Selector, error) {
	def, err := callerid.ParseKey("call.from", c.Call.From)
	byCountry, berr := callerid.ParseByCountry("call.from_by_country", c.Call.FromByCountry)
	if err = errors.Join(err, berr); err != nil {
		return nil, err
	}
	return callerid.NewSelector(def, byCountry), nil
}

// flatten lists the errors an errors.Join holds (err itself when it is not one).
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
