// Package policy decides which numbers flashcall may dial: number intake (parsing and classifying what an
// operator types) and the fraud controls built on it.
package policy

import (
	"errors"
	"strconv"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/nyaruka/phonenumbers"
)

// LineType is what kind of line a number belongs to, as libphonenumber classifies it.
type LineType string

// Line types. Where a country's numbering plan cannot tell mobile from fixed line (the US, for one), the
// type is FixedLineOrMobile.
const (
	Mobile            LineType = "mobile"               // a mobile phone
	FixedLine         LineType = "fixed-line"           // a landline
	FixedLineOrMobile LineType = "fixed-line-or-mobile" // either; the numbering plan does not say which
	TollFree          LineType = "toll-free"            // free to the caller, paid by the callee
	PremiumRate       LineType = "premium-rate"         // billed at a premium: the toll-fraud target
	SharedCost        LineType = "shared-cost"          // cost shared between caller and callee
	VoIP              LineType = "voip"                 // a voice-over-IP service
	PersonalNumber    LineType = "personal-number"      // a forwarding number that follows a person
	Pager             LineType = "pager"                // a pager
	UAN               LineType = "uan"                  // a universal access (company) number
	Voicemail         LineType = "voicemail"            // a voicemail access number
	Unknown           LineType = "unknown"              // fits no known pattern of its country
)

// Number is a valid phone number as typed and in its standard forms.
type Number struct {
	// Input is what was typed, unchanged.
	Input string
	// E164 is the dialable form, e.g. "+447400123456".
	E164 string
	// International is the readable international form, e.g. "+44 7400 123456".
	International string
	// National is the readable national form, e.g. "07400 123456".
	National string
	// Region is the ISO 3166-1 alpha-2 code of the number's country, e.g. "GB" ("001" for non-geographic
	// numbers such as +800).
	Region string
	// Country is the English name of Region, e.g. "United Kingdom" (the ISO code for less common regions).
	Country string
	// CountryCode is the calling code, e.g. 44.
	CountryCode int
	// Type is the kind of line.
	Type LineType
}

// NumberError says why input is not a number flashcall can dial, and what to do about it. Its message never
// contains the input, so it can be logged without leaking a phone number.
type NumberError struct {
	// Input is what was typed.
	Input string
	// Reason is the whole message, e.g. "too short for United Kingdom: check for missing digits".
	Reason string
}

// Error returns Reason.
func (e *NumberError) Error() string { return e.Reason }

// maxDigits bounds what is handed to libphonenumber: E.164 allows 15 digits, plus room for an international
// ("00", "011") or national prefix. Anything longer is refused at once.
const maxDigits = 20

// ParseNumber reads a phone number typed by an operator. International input starts with "+" (or "00" when no
// default region is set); national input, such as "07400 123456", is read as a number of defaultRegion (an
// ISO code like "GB", any case; empty for none), whose own international prefix ("00" in GB, "011" in the US)
// also works. Spaces, tabs, dashes, dots, slashes and parentheses are ignored; anything else is refused. It
// refuses numbers that are impossible, or possible in length but not valid, for their country. Every error is
// a *NumberError saying what is wrong and what to do. ParseNumber is cheap enough to run on every keystroke.
func ParseNumber(input, defaultRegion string) (Number, error) {
	fail := func(reason string) (Number, error) {
		return Number{}, &NumberError{Input: input, Reason: reason}
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region != "" && phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return fail("unknown default region " + strconv.Quote(defaultRegion) +
			": set call.default_region to an ISO country code such as GB, or leave it empty")
	}
	cleaned, reason := clean(input)
	if reason != "" {
		return fail(reason)
	}
	if region == "" && strings.HasPrefix(cleaned, "00") {
		cleaned = "+" + cleaned[2:]
	}
	num, reason := parse(cleaned, region)
	if reason != "" && region != "" && strings.HasPrefix(cleaned, "00") {
		// "00" is the international prefix of most of the world; try it as such in the US and elsewhere.
		if n, r := parse("+"+cleaned[2:], ""); r == "" {
			num, reason = n, r
		}
	}
	if reason != "" {
		return fail(reason)
	}
	return Number{
		Input:         input,
		E164:          phonenumbers.Format(num, phonenumbers.E164),
		International: phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
		National:      phonenumbers.Format(num, phonenumbers.NATIONAL),
		Region:        phonenumbers.GetRegionCodeForNumber(num),
		Country:       CountryName(phonenumbers.GetRegionCodeForNumber(num)),
		CountryCode:   int(num.GetCountryCode()),
		Type:          lineType(phonenumbers.GetNumberType(num)),
	}, nil
}

const example = "e.g. +447400123456"

// clean returns the digits of input with a leading "+" kept, or the reason it is not a phone number.
func clean(input string) (string, string) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", "no number: type one with its country code, " + example
	}
	var b strings.Builder
	b.Grow(len(s))
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if digits > maxDigits {
				return "", "too long: a phone number has at most 15 digits with its country code"
			}
			b.WriteRune(r)
		case r == '+':
			if b.Len() > 0 {
				return "", "not a phone number: \"+\" may only come first, " + example
			}
			b.WriteRune(r)
		case r == ' ' || r == '\t' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')':
		default:
			return "", "not a phone number: use digits, " + example
		}
	}
	if digits == 0 {
		return "", "not a phone number: use digits, " + example
	}
	return b.String(), ""
}

// parse runs libphonenumber on cleaned input and checks the result is a valid number; it returns the reason
// when it is not.
func parse(cleaned, region string) (*phonenumbers.PhoneNumber, string) {
	num := &phonenumbers.PhoneNumber{}
	if err := phonenumbers.ParseToNumber(cleaned, region, num); err != nil {
		switch {
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode) && strings.HasPrefix(cleaned, "+"):
			return nil, "invalid country code: check the digits after the +, " + example
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
			return nil, "no country: start with + and the country code, or set call.default_region"
		case errors.Is(err, phonenumbers.ErrNumTooLong):
			return nil, "too long: a phone number has at most 15 digits with its country code"
		case region != "" && !strings.HasPrefix(cleaned, "+"):
			// clean left only digits and a leading "+": whatever else went wrong, digits are missing.
			return nil, "too short for " + CountryName(region) + ": check for missing digits"
		default:
			return nil, "too short: type the country code and the whole number, " + example
		}
	}
	if num.GetExtension() != "" {
		return nil, "not a phone number: leave out the extension"
	}
	where := func() string {
		cc := int(num.GetCountryCode())
		if region != "" && phonenumbers.GetCountryCodeForRegion(region) == cc {
			return CountryName(region)
		}
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != phonenumbers.UNKNOWN_REGION {
			return CountryName(r)
		}
		return "+" + strconv.Itoa(cc)
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.INVALID_COUNTRY_CODE:
		return nil, "invalid country code: check the digits after the +, " + example
	case phonenumbers.TOO_SHORT:
		return nil, "too short for " + where() + ": check for missing digits"
	case phonenumbers.TOO_LONG:
		return nil, "too long for " + where() + ": check for extra digits"
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return nil, "too short for " + where() + ": include the area code"
	default:
		return nil, "wrong length for " + where() + ": check the digits"
	}
	if !phonenumbers.IsValidNumber(num) {
		return nil, "possible but not a valid number for " + where() + ": check the digits"
	}
	return num, ""
}

func lineType(t phonenumbers.PhoneNumberType) LineType {
	switch t {
	case phonenumbers.MOBILE:
		return Mobile
	case phonenumbers.FIXED_LINE:
		return FixedLine
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return FixedLineOrMobile
	case phonenumbers.TOLL_FREE:
		return TollFree
	case phonenumbers.PREMIUM_RATE:
		return PremiumRate
	case phonenumbers.SHARED_COST:
		return SharedCost
	case phonenumbers.VOIP:
		return VoIP
	case phonenumbers.PERSONAL_NUMBER:
		return PersonalNumber
	case phonenumbers.PAGER:
		return Pager
	case phonenumbers.UAN:
		return UAN
	case phonenumbers.VOICEMAIL:
		return Voicemail
	}
	return Unknown
}

// Masked returns E164 with everything but the "+", the country code and the last 3 digits replaced by "*",
// e.g. "+44*******456", for screens, exports and logs. It returns "" for the zero Number.
func (n Number) Masked() string { return record.MaskNumber(n.E164) }
