package policy

import (
	"strconv"
	"strings"
)

// NonGeographicCode is an ITU-T E.164 country code that belongs to no country: a global service, an
// international network, a satellite system, a trial or a reserved code. Calls to them are billed at
// satellite or premium rates, with revenue shared with whoever holds the range, which makes them a favourite
// of international revenue-share fraud; no customer of a verification console is reached there.
type NonGeographicCode struct {
	// Code is the country code, e.g. 870.
	Code int
	// Service is what ITU-T assigned the code to, e.g. "Inmarsat (satellite)".
	Service string
}

// Prefix returns the code as an E.164 prefix, e.g. "+870".
func (c NonGeographicCode) Prefix() string { return "+" + strconv.Itoa(c.Code) }

// nonGeographicCodes is THE list of non-geographic country codes: every entry is refused whatever the
// configuration says, unless policy.allow_prefixes lists a prefix of the number. It holds the global
// services, networks and trials of ITU-T's list of assigned E.164 country codes, the codes ITU-T reserves
// for such services, and the retired Inmarsat ocean-region codes (871 to 874, replaced by 870 in 2008),
// because a carrier that still routes one bills it at satellite rates. It is cross-checked against
// libphonenumber's own list (phonenumbers.GetSupportedGlobalNetworkCallingCodes) by the tests, which also
// hold one number per entry. Codes nobody holds (801 to 807 and the other spare codes) need no entry: no
// numbering plan knows them, so ParseNumber refuses them as invalid country codes.
var nonGeographicCodes = []NonGeographicCode{
	{388, "a group of countries' shared code (the former European Telephony Numbering Space)"},
	{800, "international freephone (UIFN)"},
	{808, "international shared cost (ISCS)"},
	{870, "Inmarsat (satellite)"},
	{871, "Inmarsat Atlantic East (satellite, retired)"},
	{872, "Inmarsat Pacific (satellite, retired)"},
	{873, "Inmarsat Indian Ocean (satellite, retired)"},
	{874, "Inmarsat Atlantic West (satellite, retired)"},
	{875, "reserved for maritime mobile services"},
	{876, "reserved for maritime mobile services"},
	{877, "reserved for maritime mobile services"},
	{878, "universal personal telecommunication (UPT)"},
	{879, "reserved for national non-commercial purposes"},
	{881, "global mobile satellite systems (Iridium, Globalstar and others)"},
	{882, "international networks (satellite, maritime and roaming operators)"},
	{883, "international networks (satellite, maritime and roaming operators)"},
	{888, "telecommunications for disaster relief (OCHA)"},
	{979, "international premium rate (IPRS)"},
	{991, "an international telecommunication service trial (ITPCS)"},
	{999, "reserved for a future global service"},
}

// NonGeographicCodes returns every non-geographic country code flashcall refuses, in ascending order.
func NonGeographicCodes() []NonGeographicCode {
	out := make([]NonGeographicCode, len(nonGeographicCodes))
	copy(out, nonGeographicCodes)
	return out
}

// nonGeographicOf returns the non-geographic code of an E.164 number or prefix ("+870301234567", "+8816"),
// if it has one.
func nonGeographicOf(e164 string) (NonGeographicCode, bool) {
	for _, c := range nonGeographicCodes {
		if strings.HasPrefix(e164, c.Prefix()) {
			return c, true
		}
	}
	return NonGeographicCode{}, false
}

// nonGeographicNumber returns the non-geographic code a parsed number belongs to: one of the list, or, for a
// number libphonenumber places in no country (region "001") under a code the list lacks, that code.
func nonGeographicNumber(n Number) (NonGeographicCode, bool) {
	if c, ok := nonGeographicOf(n.E164); ok {
		return c, true
	}
	if n.Region == "001" {
		return NonGeographicCode{Code: n.CountryCode, Service: "a service of no country"}, true
	}
	return NonGeographicCode{}, false
}

// nonGeographicList is "+388, +800, ...", for messages.
func nonGeographicList() string {
	ps := make([]string, len(nonGeographicCodes))
	for i, c := range nonGeographicCodes {
		ps[i] = c.Prefix()
	}
	return strings.Join(ps, ", ")
}
