package policy

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Mask hides a stored E.164 number for screens, exports and logs: the "+", the country code and the last 3
// digits stay, every other digit becomes "*", e.g. "+447400123456" -> "+44*******456". It agrees with
// Number.Masked. Input that is not "+" and digits has every character but the last 3 masked; "" stays "".
func Mask(e164 string) string {
	if e164 == "" {
		return ""
	}
	digits, ok := strings.CutPrefix(e164, "+")
	if !ok || !isAllDigits(digits) {
		return maskTail("", e164)
	}
	cc := countryCodeOf(digits)
	return maskTail("+"+digits[:cc], digits[cc:])
}

// maskTail masks rest but its last 3 characters (all of it when it is that short) after the visible head.
func maskTail(head, rest string) string {
	r := []rune(rest)
	keep := 3
	if len(r) <= keep {
		keep = 0
	}
	return head + strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
}

// countryCodeOf returns how many leading digits of an E.164 number (without "+") are its country code:
// calling codes are prefix-free, so the first 1 to 3 digits that form an assigned code are it (0 when none
// do).
func countryCodeOf(digits string) int {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		cc, _ := strconv.Atoi(digits[:n])
		if phonenumbers.GetRegionCodeForCountryCode(cc) != phonenumbers.UNKNOWN_REGION {
			return n
		}
	}
	return 0
}
