package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

var gbMobile = Number{E164: "+447400123456", International: "+44 7400 123456", National: "07400 123456",
	Region: "GB", Country: "United Kingdom", CountryCode: 44, Type: Mobile}

var usNumber = Number{E164: "+12025550123", International: "+1 202-555-0123", National: "(202) 555-0123",
	Region: "US", Country: "United States", CountryCode: 1, Type: FixedLineOrMobile}

func TestParseNumberAccepts(t *testing.T) {
	cases := []struct {
		input, region string
		want          Number // Input is filled in from input
	}{
		{"+44 7400 123456", "", gbMobile},
		{"+447400123456", "US", gbMobile},
		{"07400 123456", "GB", gbMobile},
		{"07400-123-456", "gb", gbMobile},
		{" (07400) 123.456\t", " GB ", gbMobile},
		{"+44 (0)7400 123456", "", gbMobile},
		{"00447400123456", "GB", gbMobile},
		{"00 44 7400 123456", "", gbMobile},
		{"00447400123456", "US", gbMobile},
		{"011 44 7400 123456", "US", gbMobile},
		{"+1 202 555 0123", "", usNumber},
		{"+1 (202) 555-0123", "GB", usNumber},
		{"202.555.0123", "US", usNumber},
		{"1 202 555 0123", "US", usNumber},
		{"+44 20 7946 0018", "", Number{E164: "+442079460018", International: "+44 20 7946 0018", National: "020 7946 0018",
			Region: "GB", Country: "United Kingdom", CountryCode: 44, Type: FixedLine}},
		{"0800 123 4567", "GB", Number{E164: "+448001234567", International: "+44 800 123 4567", National: "0800 123 4567",
			Region: "GB", Country: "United Kingdom", CountryCode: 44, Type: TollFree}},
		{"+1 900 555 0123", "", Number{E164: "+19005550123", International: "+1 900-555-0123", National: "(900) 555-0123",
			Region: "US", Country: "United States", CountryCode: 1, Type: PremiumRate}},
		{"+800 1234 5678", "", Number{E164: "+80012345678", International: "+800 1234 5678", National: "1234 5678",
			Region: "001", Country: "International", CountryCode: 800, Type: TollFree}},
		{"+39 06 1234 5678", "", Number{E164: "+390612345678", International: "+39 06 1234 5678", National: "06 1234 5678",
			Region: "IT", Country: "Italy", CountryCode: 39, Type: FixedLine}},
	}
	for _, c := range cases {
		got, err := ParseNumber(c.input, c.region)
		want := c.want
		want.Input = c.input
		if err != nil || got != want {
			t.Errorf("ParseNumber(%q, %q) =\n  %+v, %v\nwant\n  %+v", c.input, c.region, got, err, want)
		}
	}
}

func TestParseNumberRefuses(t *testing.T) {
	cases := []struct {
		input, region, want string
	}{
		{"", "GB", "no number: type one with its country code, e.g. +447400123456"},
		{"   ", "", "no number: type one with its country code, e.g. +447400123456"},
		{"abc", "", "not a phone number: use digits, e.g. +447400123456"},
		{"+44 7400 12345x", "", "not a phone number: use digits, e.g. +447400123456"},
		{"1-800-FLOWERS", "US", "not a phone number: use digits, e.g. +447400123456"},
		{"+44 7400 123456 ext 12", "", "not a phone number: use digits, e.g. +447400123456"},
		{"()-.", "", "not a phone number: use digits, e.g. +447400123456"},
		{"+", "", "not a phone number: use digits, e.g. +447400123456"},
		{"0+44", "", `not a phone number: "+" may only come first, e.g. +447400123456`},
		{"07400 123456", "", "no country: start with + and the country code, or set call.default_region"},
		{"447400123456", "", "no country: start with + and the country code, or set call.default_region"},
		{"+999 123456", "", "invalid country code: check the digits after the +, e.g. +447400123456"},
		{"+44", "", "too short: type the country code and the whole number, e.g. +447400123456"},
		{"+1", "GB", "too short: type the country code and the whole number, e.g. +447400123456"},
		{"0", "GB", "too short for United Kingdom: check for missing digits"},
		{"+44 12", "", "too short for United Kingdom: check for missing digits"},
		{"123", "GB", "too short for United Kingdom: check for missing digits"},
		{"+44 1234 56", "", "too short for United Kingdom: include the area code"},
		{"555 0123", "US", "too short for United States: include the area code"},
		{"+44 7400 1234567890", "", "too long for United Kingdom: check for extra digits"},
		{"+44 7400 1234567890123456789", "", "too long: a phone number has at most 15 digits with its country code"},
		{strings.Repeat("1", 1<<20), "GB", "too long: a phone number has at most 15 digits with its country code"},
		{"+44 7400 12345", "", "possible but not a valid number for United Kingdom: check the digits"},
		{"07400 12345", "GB", "possible but not a valid number for United Kingdom: check the digits"},
		{"+1 202 055 0123", "", "possible but not a valid number for United States: check the digits"},
		{"+44 7400 123456", "XX", `unknown default region "XX": set call.default_region to an ISO country code such as GB, or leave it empty`},
	}
	for _, c := range cases {
		got, err := ParseNumber(c.input, c.region)
		var ne *NumberError
		if !errors.As(err, &ne) {
			t.Errorf("ParseNumber(%q, %q) = %+v, %v; want a *NumberError", c.input, c.region, got, err)
			continue
		}
		if ne.Reason != c.want || err.Error() != c.want || ne.Input != c.input {
			t.Errorf("ParseNumber(%q, %q) error = %q (input %q), want %q", c.input, c.region, err, ne.Input, c.want)
		}
		if got != (Number{}) {
			t.Errorf("ParseNumber(%q, %q) returned %+v with its error", c.input, c.region, got)
		}
		msg := strings.ReplaceAll(err.Error(), "+447400123456", "") // the example in the advice
		if digits := strings.Map(keepDigits, c.input); len(digits) >= 6 && strings.Contains(msg, digits) {
			t.Errorf("error %q leaks the number", err)
		}
	}
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// TestParseNumberExampleTypes parses libphonenumber's own example number of every type, for several
// countries, in international and national form, and checks the line type reported.
func TestParseNumberExampleTypes(t *testing.T) {
	types := map[phonenumbers.PhoneNumberType]LineType{
		phonenumbers.FIXED_LINE: FixedLine, phonenumbers.MOBILE: Mobile, phonenumbers.TOLL_FREE: TollFree,
		phonenumbers.PREMIUM_RATE: PremiumRate, phonenumbers.SHARED_COST: SharedCost, phonenumbers.VOIP: VoIP,
		phonenumbers.PERSONAL_NUMBER: PersonalNumber, phonenumbers.PAGER: Pager, phonenumbers.UAN: UAN,
		phonenumbers.VOICEMAIL: Voicemail,
	}
	seen := map[LineType]bool{}
	for _, region := range []string{"GB", "US", "DE", "FR", "IT", "ES", "AU", "NL", "BE", "CH", "AT", "PL", "BR", "IN"} {
		for pt, want := range types {
			ex := phonenumbers.GetExampleNumberForType(region, pt)
			if ex == nil {
				continue
			}
			either := want == FixedLine || want == Mobile // some plans (US, IN) cannot always tell them apart
			for _, in := range []struct{ input, region string }{
				{phonenumbers.Format(ex, phonenumbers.INTERNATIONAL), ""},
				{phonenumbers.Format(ex, phonenumbers.NATIONAL), region},
			} {
				n, err := ParseNumber(in.input, in.region)
				if err != nil {
					t.Errorf("%s %s example %q: %v", region, want, in.input, err)
					continue
				}
				typeOK := n.Type == want || either && n.Type == FixedLineOrMobile
				if !typeOK || n.Region != region || n.E164 != phonenumbers.Format(ex, phonenumbers.E164) {
					t.Errorf("%s %s example %q = %+v", region, want, in.input, n)
				}
				seen[n.Type] = true
			}
		}
	}
	for _, lt := range []LineType{FixedLine, Mobile, FixedLineOrMobile, TollFree, PremiumRate, SharedCost, VoIP,
		PersonalNumber, Pager, UAN, Voicemail} {
		if !seen[lt] {
			t.Errorf("no example number came out as %s", lt)
		}
	}
}

func TestPremiumRateExamplesDetected(t *testing.T) {
	for _, region := range []string{"GB", "US", "DE", "FR", "IT", "ES", "AU"} {
		ex := phonenumbers.GetExampleNumberForType(region, phonenumbers.PREMIUM_RATE)
		if ex == nil {
			t.Fatalf("libphonenumber has no premium-rate example for %s", region)
		}
		n, err := ParseNumber(phonenumbers.Format(ex, phonenumbers.E164), "")
		if err != nil || n.Type != PremiumRate {
			t.Errorf("%s premium-rate example: %+v, %v", region, n, err)
		}
	}
}

func TestLineTypeUnknown(t *testing.T) {
	if got := lineType(phonenumbers.UNKNOWN); got != Unknown {
		t.Errorf("lineType(UNKNOWN) = %q", got)
	}
	if got := lineType(phonenumbers.PhoneNumberType(99)); got != Unknown {
		t.Errorf("lineType(99) = %q", got)
	}
}

func TestMasked(t *testing.T) {
	it, _ := ParseNumber("+39 06 1234 5678", "")
	cases := []struct {
		n    Number
		want string
	}{
		{gbMobile, "+44*******456"},
		{usNumber, "+1*******123"},
		{Number{E164: "+80012345678", CountryCode: 800}, "+800*****678"},
		{it, "+39*******678"},
		{Number{E164: "+6831234", CountryCode: 683}, "+683*234"},
		{Number{E164: "+683123", CountryCode: 683}, "+683***"},
		{Number{E164: "+447400123456"}, "+44*******456"}, // one masking: the country code is read from the number
		{Number{}, ""},
	}
	for _, c := range cases {
		if got := c.n.Masked(); got != c.want {
			t.Errorf("%+v.Masked() = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestCountryName(t *testing.T) {
	for region, want := range map[string]string{"GB": "United Kingdom", "US": "United States", "DE": "Germany",
		"001": "International", "BT": "BT", "": ""} {
		if got := CountryName(region); got != want {
			t.Errorf("CountryName(%q) = %q, want %q", region, got, want)
		}
	}
}

func BenchmarkParseNumber(b *testing.B) {
	inputs := []struct{ input, region string }{
		{"+44 7400 123456", ""},
		{"07400 123456", "GB"},
		{"+1 (202) 555-0123", ""},
		{"+44 7400 12", ""},
		{"not a number", ""},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		_, _ = ParseNumber(in.input, in.region)
	}
}

// TestParseNumberConcurrent runs ParseNumber from many goroutines at once (one per operator session); with
// -race it proves the intake shares no unsynchronised state.
func TestParseNumberConcurrent(t *testing.T) {
	inputs := []struct{ input, region string }{{"+44 7400 123456", ""}, {"07400 123456", "GB"}, {"+1 202 555 0123", ""}}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 50; i++ {
				in := inputs[(g+i)%len(inputs)]
				if _, err := ParseNumber(in.input, in.region); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
