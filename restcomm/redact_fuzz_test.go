package restcomm

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const (
	fuzzSID   = "AC0123456789abcdef0123456789abcdef"
	fuzzToken = "77f8c12cc7b8f8423e5c38b035249166"
)

// encodeSecret writes secret in one of the encodings a reflecting server or proxy may apply. how picks the
// encoding; mix picks, character by character, which ones are encoded (so partial escapes are covered).
func encodeSecret(secret string, how, mix uint8) string {
	var b strings.Builder
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if (mix>>(i%8))&1 == 0 && how < 5 {
			b.WriteByte(c)
			continue
		}
		switch how % 9 {
		case 0:
			fmt.Fprintf(&b, `\u%04x`, c)
		case 1:
			fmt.Fprintf(&b, `\u%04X`, c)
		case 2:
			fmt.Fprintf(&b, "%%%02X", c)
		case 3:
			fmt.Fprintf(&b, "&#%d;", c)
		case 4:
			fmt.Fprintf(&b, "&#x%x;", c)
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	switch how % 9 {
	case 5:
		return strings.ToUpper(secret)
	case 6:
		return base64.StdEncoding.EncodeToString([]byte(fuzzSID + ":" + secret))
	case 7:
		return base64.RawURLEncoding.EncodeToString([]byte("xy" + secret))
	case 8:
		return strings.ReplaceAll(url2(s), "%", "%25") // double: percent-encoded percent-encoding
	}
	return s
}

// url2 percent-encodes every byte of s.
func url2(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

var (
	uEscape = regexp.MustCompile(`\\[uU]([0-9a-fA-F]{4})`)
	pEscape = regexp.MustCompile(`%([0-9a-fA-F]{2})`)
)

// leaks reports whether out shows the token in any form this test can read back, with decoders written
// independently of the redactor's.
func leaks(out string) bool {
	for range 4 {
		low := strings.ToLower(out)
		if strings.Contains(low, fuzzToken) {
			return true
		}
		for _, sec := range []string{fuzzToken, fuzzSID + ":" + fuzzToken, "xy" + fuzzToken} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				if e := enc.EncodeToString([]byte(sec)); strings.Contains(out, strings.TrimRight(e, "=")) {
					return true
				}
			}
		}
		out = uEscape.ReplaceAllStringFunc(out, func(m string) string {
			v, _ := strconv.ParseUint(m[2:], 16, 16)
			return string(rune(v))
		})
		out = pEscape.ReplaceAllStringFunc(out, func(m string) string {
			v, _ := strconv.ParseUint(m[1:], 16, 8)
			return string([]byte{byte(v)})
		})
		out = html.UnescapeString(out)
	}
	return false
}

// FuzzRedaction runs a server that reflects the token, encoded every way, in error bodies (JSON and plain),
// in a 2xx call's fields and in a redirect, and asserts that nothing the client returns shows it.
func FuzzRedaction(f *testing.F) {
	for how := range uint8(9) {
		for _, status := range []int{200, 302, 400, 401, 500} {
			f.Add(how, uint8(0xff), uint16(status), uint8(how%4))
		}
	}
	f.Add(uint8(0), uint8(0x55), uint16(500), uint8(1))
	f.Add(uint8(2), uint8(0x0f), uint16(400), uint8(2))
	f.Fuzz(func(t *testing.T, how, mix uint8, status uint16, where uint8) {
		payload := encodeSecret(fuzzToken, how, mix)
		code := int(status%500) + 100
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch where % 4 {
			case 0: // JSON error message
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(max(code, 400))
				fmt.Fprintf(w, `{"message":"bad token %s","more_info":"%s"}`, payload, payload)
			case 1: // plain text or HTML
				w.WriteHeader(max(code, 400))
				fmt.Fprintf(w, "<html><body>Authorization: Basic %s (%s)</body></html>", payload, payload)
			case 2: // a 2xx call echoing it in its fields
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"sid":"CA0123456789abcdef0123456789abcdef","status":"queued %s","answered_by":"%s",`+
					`"from":"+447418340465","to":"+447400123450","uri":"/x/%s"}`, payload, payload, payload)
			default: // a redirect
				w.Header().Set("Location", "http://127.0.0.1:1/?t="+payload)
				w.WriteHeader(302)
			}
		}))
		defer srv.Close()
		c, err := New(srv.URL+"/restcomm", fuzzSID, fuzzToken, WithRetry(RetryPolicy{Attempts: 1}),
			WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}))
		if err != nil {
			t.Fatal(err)
		}
		call, err := c.GetCall(context.Background(), "CA0123456789abcdef0123456789abcdef")
		var out strings.Builder
		if err != nil {
			out.WriteString(err.Error())
			fmt.Fprintf(&out, " %+v", err)
		}
		if call != nil {
			fmt.Fprintf(&out, " %+v", *call)
		}
		if leaks(out.String()) {
			t.Fatalf("the token came out (encoding %d, mix %#x, where %d, status %d):\n%s", how, mix, where%4, code, out.String())
		}
	})
}
