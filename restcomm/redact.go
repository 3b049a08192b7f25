package restcomm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// redacted stands in for a secret wherever one was found.
const redacted = "********"

// foldRounds bounds how many layers of encoding fold peels off (a URL-encoded JSON escape is two).
const foldRounds = 3

// redactor removes the auth token from text a server sent back, however it was encoded: as it is (in any
// letter case), JSON-escaped (\u0064...), percent-encoded, as HTML character references, and base64 (every
// alphabet, padded or not) of the token or of the "sid:token" Basic credentials. It decodes before it
// matches: an encoded token comes out as the decoded text with the token replaced, never as the encoding.
type redactor struct {
	token   string
	secrets []string // the token and "sid:token"
	b64     []string // their base64 forms
}

// newRedactor returns the redactor of token for account sid; it does nothing when token is empty.
func newRedactor(sid, token string) *redactor {
	r := &redactor{token: token}
	if token == "" {
		return r
	}
	r.secrets = []string{token, sid + ":" + token}
	for _, s := range r.secrets {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			r.b64 = append(r.b64, enc.EncodeToString([]byte(s)))
		}
	}
	return r
}

// text returns s with every secret, in every form, replaced.
func (r *redactor) text(s string) string {
	if r.token == "" || s == "" {
		return s
	}
	out := r.plain(s)
	folded := s
	for range foldRounds {
		next := fold(folded)
		if next == folded {
			break
		}
		folded = next
		if r.holds(folded) {
			// The secret was encoded: show the decoded text, redacted, rather than the encoding.
			out = r.plain(folded)
		}
	}
	return out
}

// holds reports whether s, as it is, contains a secret in plain or base64 form.
func (r *redactor) holds(s string) bool {
	return r.plain(s) != s
}

// plain replaces the secrets as they are (any letter case), their base64 forms, and any base64 run that
// decodes to text holding the token.
func (r *redactor) plain(s string) string {
	for _, sec := range r.secrets[1:] {
		s = replaceFold(s, sec)
	}
	s = replaceFold(s, r.token)
	for _, b := range r.b64 {
		s = strings.ReplaceAll(s, b, redacted)
	}
	return base64Run.ReplaceAllStringFunc(s, func(run string) string {
		if r.decodesToSecret(run) {
			return redacted
		}
		return run
	})
}

// base64Run matches text that may be base64 long enough to hold a token.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{12,}={0,2}`)

// decodesToSecret reports whether run, decoded as base64 in either alphabet from any of its first four
// characters (the secret may start mid-quantum), contains the token.
func (r *redactor) decodesToSecret(run string) bool {
	trimmed := strings.TrimRight(run, "=")
	for skip := range 4 {
		if skip >= len(trimmed) {
			break
		}
		part := trimmed[skip:]
		if len(part)%4 == 1 {
			part = part[:len(part)-1] // a lone trailing character encodes nothing
		}
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(part); err == nil && replaceFold(string(b), r.token) != string(b) {
				return true
			}
		}
	}
	return false
}

// replaceFold replaces every occurrence of sec in s, ignoring letter case, with redacted.
func replaceFold(s, sec string) string {
	if sec == "" || len(s) < len(sec) {
		return s
	}
	ls, lsec := strings.ToLower(s), strings.ToLower(sec)
	if len(ls) != len(s) || !strings.Contains(ls, lsec) {
		// Case mapping changed byte lengths (rare scripts): fall back to an exact match.
		return strings.ReplaceAll(s, sec, redacted)
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lsec)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(redacted)
		s, ls = s[i+len(sec):], ls[i+len(lsec):]
	}
}

// fold peels one layer of the encodings a reflecting server may apply: percent-encoding, HTML character
// references and JSON string escapes.
func fold(s string) string {
	if strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		} else {
			s = lenientPercent(s)
		}
	}
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	if strings.Contains(s, `\`) {
		s = unescapeJSON(s)
	}
	return s
}

// lenientPercent decodes the valid %XX sequences of s and leaves the rest.
func lenientPercent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeJSON decodes the JSON string escapes in s (\uXXXX, \n, \/, ...) and leaves anything else.
func unescapeJSON(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
					b.WriteRune(rune(v))
					i += 5
					continue
				}
			}
			b.WriteByte(s[i])
		case '"', '\\', '/':
			b.WriteByte(c)
			i++
		case 'n', 't', 'r', 'b', 'f':
			b.WriteByte(' ')
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// body redacts a whole reply body. A JSON body is decoded, every string (keys too) redacted, and encoded
// again, so the decoders after it never see an escaped secret; any other body is redacted as text.
func (r *redactor) body(data []byte) []byte {
	if r.token == "" || len(data) == 0 {
		return data
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && utf8.Valid(trimmed) {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil && !dec.More() {
			if out, err := json.Marshal(r.value(v)); err == nil {
				return out
			}
		}
	}
	return []byte(r.text(string(data)))
}

// value redacts every string inside a decoded JSON value.
func (r *redactor) value(v any) any {
	switch x := v.(type) {
	case string:
		return r.text(x)
	case []any:
		for i := range x {
			x[i] = r.value(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[r.text(k)] = r.value(e)
		}
		return out
	}
	return v
}
