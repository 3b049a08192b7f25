package policy

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseNumber checks ParseNumber never panics, fails only with a *NumberError, and that what it accepts
// is a consistent, stable number: its E.164 and international forms parse back to the same number and its
// masked form hides all but the country code and the last 3 digits. Seeds live in testdata/fuzz/FuzzParseNumber.
func FuzzParseNumber(f *testing.F) {
	f.Add("+44 7400 123456", "")
	f.Add("07400 123456", "GB")
	f.Fuzz(func(t *testing.T, input, region string) {
		n, err := ParseNumber(input, region)
		if err != nil {
			var ne *NumberError
			if !errors.As(err, &ne) || ne.Input != input || ne.Reason == "" || n != (Number{}) {
				t.Fatalf("ParseNumber(%q, %q) = %+v, %#v", input, region, n, err)
			}
			return
		}
		if n.Input != input || n.CountryCode <= 0 || n.Region == "" || n.Country == "" || n.National == "" {
			t.Fatalf("incomplete number %+v", n)
		}
		digits := strings.TrimPrefix(n.E164, "+")
		if !strings.HasPrefix(n.E164, "+"+strconv.Itoa(n.CountryCode)) || strings.Trim(digits, "0123456789") != "" ||
			len(digits) > 15 {
			t.Fatalf("E164 %q of %+v is not E.164", n.E164, n)
		}
		switch n.Type {
		case Mobile, FixedLine, FixedLineOrMobile, TollFree, PremiumRate, SharedCost, VoIP, PersonalNumber, Pager,
			UAN, Voicemail, Unknown:
		default:
			t.Fatalf("unexpected type %q", n.Type)
		}
		for _, again := range []string{n.E164, n.International} {
			m, err := ParseNumber(again, "")
			m.Input = n.Input
			if err != nil || m != n {
				t.Fatalf("ParseNumber(%q) = %+v, %v; want %+v", again, m, err, n)
			}
		}
		masked := n.Masked()
		if len(masked) != len(n.E164) || !strings.HasPrefix(masked, "+"+strconv.Itoa(n.CountryCode)) ||
			!strings.HasSuffix(masked, n.E164[len(n.E164)-3:]) || strings.Count(masked, "*") != len(digits)-len(strconv.Itoa(n.CountryCode))-3 {
			t.Fatalf("Masked() = %q for %q", masked, n.E164)
		}
	})
}
