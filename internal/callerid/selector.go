package callerid

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ByCountry maps a destination's ISO 3166-1 alpha-2 region code ("GB") to the pool its calls ring from: a
// local caller ID is delivered and trusted more often than a foreign one.
type ByCountry map[string]*Pool

// ParseByCountry reads per-country caller-ID lists, keyed by region code, as ParseKey does for each; key is
// the configuration key of the table (e.g. "call.from_by_country"), so an error reads
// "call.from_by_country.GB[1]: ...". Region codes are matched without regard to case and must be two
// letters. Every problem of every list is reported, countries in alphabetical order.
func ParseByCountry(key string, lists map[string][]string) (ByCountry, error) {
	out := make(ByCountry, len(lists))
	var errs []error
	seen := map[string]string{}
	for _, region := range slices.Sorted(maps.Keys(lists)) {
		sub := key + "." + region
		norm := strings.ToUpper(region)
		if !isRegionCode(norm) {
			errs = append(errs, &EntryError{Key: sub, Index: -1, Problem: fmt.Sprintf("%q is not a country: "+
				`use a two-letter ISO 3166-1 code, e.g. "GB" or "US"`, region)})
			continue
		}
		if other, dup := seen[norm]; dup {
			errs = append(errs, &EntryError{Key: sub, Index: -1, Problem: fmt.Sprintf("the same country as %q: "+
				"merge the two lists into one", key+"."+other)})
			continue
		}
		seen[norm] = region
		pool, err := ParseKey(sub, lists[region])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[norm] = pool
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// isRegionCode reports whether s is two upper-case ASCII letters.
func isRegionCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Selector chooses the caller-ID pool for a destination: the destination country's own pool when there is
// one, the default pool otherwise. It is immutable and safe for concurrent use.
type Selector struct {
	def       *Pool
	byCountry ByCountry // upper-case region codes; no empty pools
}

// NewSelector returns a Selector over a default pool and per-country pools. Region codes are upper-cased
// (when two keys differ only in case, the one that sorts first wins); nil and empty pools are dropped, so
// their countries use the default. The map is copied.
func NewSelector(def *Pool, byCountry map[string]*Pool) *Selector {
	s := &Selector{def: def, byCountry: make(ByCountry, len(byCountry))}
	for _, region := range slices.Sorted(maps.Keys(byCountry)) {
		pool, norm := byCountry[region], strings.ToUpper(region)
		if _, dup := s.byCountry[norm]; dup || pool.Size() == 0 {
			continue
		}
		s.byCountry[norm] = pool
	}
	return s
}

// For returns the pool to ring a number of region (ISO 3166-1 alpha-2, any case) from: the region's own
// pool, or the default pool (which may be nil) when the region has none.
func (s *Selector) For(region string) *Pool {
	if s == nil {
		return nil
	}
	if p, ok := s.byCountry[strings.ToUpper(region)]; ok {
		return p
	}
	return s.def
}

// Default returns the pool used for regions without their own.
func (s *Selector) Default() *Pool {
	if s == nil {
		return nil
	}
	return s.def
}

// Regions returns the region codes that have their own pool, sorted.
func (s *Selector) Regions() []string {
	if s == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(s.byCountry))
}

// Worst returns the pool with the highest GuessProbability and that probability: region is "" for the
// default pool (which wins ties, then regions in alphabetical order). With no pool at all it returns ("",
// 1): nothing protects the code.
func (s *Selector) Worst(maxChecks, codeDigits int) (region string, probability float64) {
	if s == nil {
		return "", 1
	}
	found := false
	if s.def.Size() > 0 {
		region, probability, found = "", s.def.GuessProbability(maxChecks, codeDigits), true
	}
	for _, r := range s.Regions() {
		if p := s.byCountry[r].GuessProbability(maxChecks, codeDigits); !found || p > probability {
			region, probability, found = r, p, true
		}
	}
	if !found {
		return "", 1
	}
	return region, probability
}

// WorstGuessProbability returns the highest GuessProbability over the default and every per-country pool:
// the odds the console and doctor should show, since an attacker picks the weakest destination.
func (s *Selector) WorstGuessProbability(maxChecks, codeDigits int) float64 {
	_, p := s.Worst(maxChecks, codeDigits)
	return p
}
