package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// geoExample is the fix a real account with no countries is shown: the setting to write.
const geoExample = `allowed_countries = ["GB", "IE"]`

// geoProblems checks the destination settings: countries chosen on a real account, the high-risk
// allowances, the non-geographic allowances.
func (r Rules) geoProblems() []*RuleProblem {
	var ps []*RuleProblem
	add := func(key, format string, args ...any) {
		ps = append(ps, &RuleProblem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case r.AllowAllCountries && len(r.AllowedCountries) > 0:
		add("allow_all_countries", "is true but allowed_countries lists %s: keep one, the list to call only "+
			"those countries, or allow_all_countries = true with allowed_countries = [] to call every country",
			strings.Join(r.AllowedCountries, ", "))
	case r.RealAccount && len(r.AllowedCountries) == 0 && !r.AllowAllCountries:
		add("allowed_countries", "is empty, and calls go to a real Restcomm account, so nothing limits where "+
			"they go (toll fraud dials far-away ranges): list the ISO codes of the countries you serve, e.g. "+
			"%s, or set policy.allow_all_countries = true on purpose (high-risk countries and non-geographic "+
			"ranges stay refused)", geoExample)
	}
	if len(r.AllowedCountries) > 0 {
		for _, c := range r.AllowHighRisk {
			if KnownRegion(c) && !slices.Contains(r.AllowedCountries, c) {
				add("allow_high_risk", "lists %q, which allowed_countries does not: add %q to allowed_countries "+
					"as well (allow_high_risk only lifts the high-risk refusal)", c, c)
			}
		}
	}
	for _, s := range r.AllowPrefixes {
		p, err := ParsePrefix(s)
		if err != nil {
			add("allow_prefixes", "%v", err)
			continue
		}
		if _, ok := nonGeographicOf(p); !ok {
			add("allow_prefixes", "%q is not inside a non-geographic code (%s): allow_prefixes only opens those "+
				"ranges, whole country code first, e.g. \"+8816\"; open a country with allowed_countries", p,
				nonGeographicList())
		}
	}
	return ps
}

// unrestricted reports the simulator with no countries chosen: every country is called and the high-risk
// list is not consulted. New refuses such rules with a real account.
func (r Rules) unrestricted() bool {
	return !r.RealAccount && len(r.AllowedCountries) == 0 && !r.AllowAllCountries
}

// checkGeo applies the destination rules that depend on where a number is: the non-geographic ranges, the
// allowed countries and the high-risk countries.
func (p *Policy) checkGeo(n Number) *Refusal {
	var never time.Time
	if code, ok := nonGeographicNumber(n); ok {
		for _, pre := range p.allowPrefixes {
			if strings.HasPrefix(n.E164, pre) {
				return nil
			}
		}
		return refusal(RuleNonGeographic, "+"+strconv.Itoa(code.Code)+" is "+code.Service+", a non-geographic "+
			"range: calls there are billed at satellite or premium rates and are a favourite of toll fraud, so "+
			"they are refused unless policy.allow_prefixes lists a prefix of the number", never, never)
	}
	if p.rules.unrestricted() {
		return nil
	}
	if len(p.countries) > 0 && !p.countries[n.Region] {
		return refusal(RuleCountry, countryLabel(n)+" is not in policy.allowed_countries ("+
			strings.Join(sortedKeys(p.countries), ", ")+")", never, never)
	}
	if p.highRisk[n.Region] && !p.allowHighRisk[n.Region] {
		return refusal(RuleHighRisk, countryLabel(n)+" is in policy.high_risk_countries, destinations with a "+
			"record of toll fraud: to call it, add "+strconv.Quote(n.Region)+" to policy.allow_high_risk", never, never)
	}
	return nil
}

// Describe says in a few lines what the rules let through, for `flashcall doctor` and the start-up log:
// the countries, the high-risk countries, the non-geographic ranges, the line types and the blocked
// prefixes (those of policy.blocked_prefixes; a Policy also counts its file's).
func (r Rules) Describe() []string {
	return r.describe(len(r.BlockedPrefixes), r.BlockedPrefixesFile)
}

// Describe is Rules.Describe, counting the prefixes of the blocked-prefixes file as well.
func (p *Policy) Describe() []string {
	return p.rules.describe(len(p.prefixes), "")
}

func (r Rules) describe(blocked int, file string) []string {
	var out []string
	highRisk := slices.Sorted(slices.Values(r.HighRiskCountries))
	open := slices.Sorted(slices.Values(r.AllowHighRisk))
	switch {
	case r.unrestricted():
		out = append(out, "countries: every country (the simulator with no policy.allowed_countries; a real "+
			"account must list them), high-risk ones included")
	case r.AllowAllCountries:
		out = append(out, "countries: every country (policy.allow_all_countries = true) but the high-risk ones")
	default:
		out = append(out, "countries: "+strings.Join(slices.Sorted(slices.Values(r.AllowedCountries)), ", ")+
			" (policy.allowed_countries)")
	}
	if !r.unrestricted() {
		var refused []string
		for _, c := range highRisk {
			if !slices.Contains(open, c) && (r.AllowAllCountries || slices.Contains(r.AllowedCountries, c)) {
				refused = append(refused, c)
			}
		}
		line := "high-risk countries refused: "
		switch {
		case len(highRisk) == 0:
			line += "none (policy.high_risk_countries is empty)"
		case len(refused) == 0 && r.AllowAllCountries:
			line += "none (policy.allow_high_risk lists them all)"
		case len(refused) == 0:
			line += "none of the allowed countries"
		case r.AllowAllCountries:
			line += strings.Join(refused, ", ")
		default:
			line += strings.Join(refused, ", ") + " (listed in policy.allowed_countries, but not in policy.allow_high_risk)"
		}
		if len(open) > 0 {
			line += "; allowed on purpose (policy.allow_high_risk): " + strings.Join(open, ", ")
		}
		out = append(out, line)
	}
	line := "non-geographic ranges refused: " + nonGeographicList()
	if len(r.AllowPrefixes) > 0 {
		line += "; except (policy.allow_prefixes): " + strings.Join(r.AllowPrefixes, ", ")
	}
	out = append(out, line)
	types := make([]string, len(r.AllowedTypes))
	for i, t := range r.AllowedTypes {
		types[i] = string(t)
	}
	out = append(out, "line types: "+strings.Join(types, ", ")+" (policy.allowed_types)")
	line = "blocked prefixes: " + strconv.Itoa(blocked)
	if file != "" {
		line += ", and those of " + file
	}
	return append(out, line)
}
