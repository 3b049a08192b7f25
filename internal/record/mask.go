package record

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// MaskNumber hides a stored E.164 number for screens, exports and logs: the "+", the country code and the last 3
// digits stay, every other digit becomes "*", e.g. "+447400123456" -> "+44*******456". It is
// the one masking of customers' numbers: screens, exports, logs and the audit log all go through it. Input that is not "+" and digits has every character but the last 3 masked; "" stays "".
func MaskNumber(e164 string) string {
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

// MaskCode hides the code digits of a caller ID: its last codeDigits digits, which the customer reads back,
// become "•", e.g. "447418340465" with 4 digits becomes "44741834••••". Every output that shows a caller ID
// before its verification is verified goes through here.
func MaskCode(from string, codeDigits int) string {
	if codeDigits <= 0 || from == "" {
		return from
	}
	r := []rune(from)
	hidden := 0
	for i := len(r) - 1; i >= 0 && hidden < codeDigits; i-- {
		if r[i] >= '0' && r[i] <= '9' {
			r[i] = '•'
			hidden++
		}
	}
	return string(r)
}

// MaskIn masks every occurrence of number in text, with and without its "+", so an error text that quotes
// the number (Restcomm's may) shows it masked too.
func MaskIn(text, number string) string {
	if number == "" || text == "" {
		return text
	}
	masked := MaskNumber(number)
	text = strings.ReplaceAll(text, number, masked)
	if bare := strings.TrimPrefix(number, "+"); bare != number && len(bare) > 4 {
		text = strings.ReplaceAll(text, bare, strings.TrimPrefix(masked, "+"))
	}
	return text
}

// MaskCodeIn hides the code in every occurrence of the caller ID from in text, written with or without its
// "+": a server's error text that quotes the From it was given must not carry the code. It masks with
// MaskCode, the one masking of caller IDs.
func MaskCodeIn(text, from string, codeDigits int) string {
	if text == "" || codeDigits <= 0 {
		return text
	}
	bare := strings.TrimPrefix(from, "+")
	if len(bare) <= codeDigits {
		return text
	}
	text = strings.ReplaceAll(text, "+"+bare, MaskCode("+"+bare, codeDigits))
	return strings.ReplaceAll(text, bare, MaskCode(bare, codeDigits))
}

// Unmasked reports a value that is a whole phone number: "+" and more than 4 digits, none of them hidden.
func Unmasked(number string) bool {
	d, ok := strings.CutPrefix(number, "+")
	return ok && len(d) > 4 && isAllDigits(d)
}

// MaskSID shows the first four and last four characters of an account or call SID.
func MaskSID(sid string) string {
	if len(sid) <= 10 {
		return "****"
	}
	return sid[:4] + "…" + sid[len(sid)-4:]
}

// isAllDigits reports whether s is one or more ASCII digits.
func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
