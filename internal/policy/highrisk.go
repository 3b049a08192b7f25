package policy

import "slices"

// defaultHighRiskCountries are the destinations that need policy.allow_high_risk even when allowed_countries
// lists them or allow_all_countries is set. Each is here for a published record of toll fraud or of numbers
// sold for it; the list is a floor, not a census (IRSF test ranges now appear in most countries), and an
// operator can extend it or, deliberately, shorten it with policy.high_risk_countries.
//
//   - CU Cuba and LV Latvia: Syniverse's 2016-17 mobile fraud report found Cuba the country where the most
//     fraudulent calls terminated, and Commsrisk's 2020 analysis of IRSF test-number data (Colin Yates) notes
//     that Cuba and Latvia often top the lists of IRSF destinations.
//   - SL Sierra Leone and MR Mauritania: the FCC's 2019 consumer alerts on "One Ring" (Wangiri) calls named
//     the +232 and +222 country codes; a Wangiri callback and an IRSF call earn the same way.
//   - AG, DM, DO, GD, JM, MS, TC, VG (Antigua and Barbuda, Dominica, the Dominican Republic, Grenada,
//     Jamaica, Montserrat, the Turks and Caicos and the British Virgin Islands): the area codes the FTC named
//     in 2017 for one-ring calls (268, 767, 809/829/849, 473, 876, 664, 649, 284). They share +1 with the
//     US, so a number there looks domestic but is billed as an international call.
//   - CK, KI, NR, NU, PG, SB, TK, TV, VU (the Cook Islands, Kiribati, Nauru, Niue, Papua New Guinea, the
//     Solomon Islands, Tokelau, Tuvalu, Vanuatu): small Pacific numbering plans with high termination rates;
//     the ITU has run capacity building (ICB4PAC, 2013; an ITU-PITA workshop, 2018) for the Pacific island
//     countries on the misappropriation of their numbers for telecom fraud.
//   - SO Somalia and TN Tunisia: among the IRSF destinations sampled in flashcall's own security review,
//     together with CU, LV, SL and TK, all of whose mobile numbers the old defaults dialled.
//   - AC Ascension Island: a satellite-served territory whose calls cost several pounds a minute in UK
//     carriers' published tariffs.
var defaultHighRiskCountries = []string{
	"AC", "AG", "CK", "CU", "DM", "DO", "GD", "JM", "KI", "LV", "MR", "MS", "NR", "NU", "PG", "SB", "SL", "SO",
	"TC", "TK", "TN", "TV", "VG", "VU",
}

// DefaultHighRiskCountries returns the default policy.high_risk_countries, sorted: the destinations that
// need policy.allow_high_risk to be called (see the comment on the list for why each is there).
func DefaultHighRiskCountries() []string { return slices.Clone(defaultHighRiskCountries) }
