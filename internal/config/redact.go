package config

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// HiddenValue stands, in every message about the configuration, for a value that is, contains or looks like
// the auth token, whichever key it was written under: a token pasted into the wrong key must not reach a
// terminal, a log or a bug report.
const HiddenValue = "(a value that looks like the auth token: not shown)"

// minScrubbed is the shortest known token replaced wherever it occurs in a message; a shorter one is replaced
// only where a message quotes it as a whole value, rather than garble every word that contains it.
const minScrubbed = 4

// minSameLength is the shortest known token whose length alone makes a value suspect: a value of exactly
// that length, made of the characters tokens are made of, is hidden too (an old token, or one of another
// account, pasted by mistake).
const minSameLength = 16

// restcommTokenLen is the length of a Restcomm auth token: 32 hexadecimal digits.
const restcommTokenLen = 32

// tokenRunPattern matches the runs of characters tokens are made of, with the double quotes around them if
// any, so that a quoted value is replaced whole.
var tokenRunPattern = regexp.MustCompile(`"?[A-Za-z0-9_-]+"?`)

// userinfoPattern matches the user information of a URL written in a message ("//user:password@"), up to
// and including the "@".
var userinfoPattern = regexp.MustCompile(`//[^/?#@\s"'\\]*@`)

// redactor hides the auth token, and values that look like it, in messages.
type redactor struct {
	// tokens are the auth tokens known: the one in effect and the file's when the environment overrode it.
	tokens []string
	// replace swaps every token for HiddenValue in one pass (so that a token found inside HiddenValue
	// itself cannot make the message grow): quoted, for any token, and bare, for those of at least
	// minScrubbed characters; longest first, so that a token containing another is replaced whole.
	replace *strings.Replacer
}

// newRedactor returns a redactor for the given tokens, each as written and without surrounding space;
// empty ones are ignored.
func newRedactor(tokens ...string) redactor {
	var r redactor
	for _, t := range tokens {
		for _, v := range []string{t, strings.TrimSpace(t)} {
			if v != "" && !slices.Contains(r.tokens, v) {
				r.tokens = append(r.tokens, v)
			}
		}
	}
	slices.SortStableFunc(r.tokens, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, t := range r.tokens {
		pairs = append(pairs, strconv.Quote(t), HiddenValue)
		if len(t) >= minScrubbed {
			pairs = append(pairs, t, HiddenValue)
		}
	}
	r.replace = strings.NewReplacer(pairs...)
	return r
}

// redactor returns the redactor for c's tokens.
func (c *Config) redactor() redactor {
	return newRedactor(c.Restcomm.AuthToken.Reveal(), c.fileToken.Reveal(), c.historyPassword())
}

// Redact returns s with the user information of every URL removed and every value that is, contains or
// looks like the auth token replaced by HiddenValue. Validate, Warnings and Load already apply it; doctor
// applies it to every line it prints, since its lines quote paths and URLs from the configuration.
func (c *Config) Redact(s string) string { return c.redactor().scrub(s) }

// scrub hides what r knows to hide in msg.
func (r redactor) scrub(msg string) string {
	msg = userinfoPattern.ReplaceAllString(msg, "//(credentials not shown)@")
	msg = passwordParam.ReplaceAllString(msg, "${1}xxxxx")
	if r.replace != nil {
		msg = r.replace.Replace(msg)
	}
	return tokenRunPattern.ReplaceAllStringFunc(msg, func(m string) string {
		run := strings.Trim(m, `"`)
		if !r.suspect(run) {
			return m
		}
		if len(m) == len(run)+2 {
			return HiddenValue // a quoted value: the quotes go with it
		}
		return strings.Replace(m, run, HiddenValue, 1) // a lone quote stays
	})
}

// suspect reports whether a run of token characters looks like an auth token: 32 hexadecimal digits (a
// Restcomm token), or as long as a known token and made, like it, of letters and digits mixed.
func (r redactor) suspect(run string) bool {
	if looksLikeToken(run) {
		return true
	}
	if !mixed(run) {
		return false
	}
	for _, t := range r.tokens {
		if len(t) >= minSameLength && len(run) == len(t) {
			return true
		}
	}
	return false
}

// mixed reports whether s holds both a letter and a digit: tokens do, words and numbers do not.
func mixed(s string) bool {
	return strings.ContainsAny(s, "0123456789") &&
		strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
}
