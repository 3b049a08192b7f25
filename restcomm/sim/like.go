package sim

// like reports whether s matches the SQL LIKE pattern: "%" matches any run of characters (none included),
// "_" exactly one, everything else itself, case included (as in Restcomm's default HSQLDB database). There
// is no escape character: a "_" in a filter value is a wildcard too.
func like(s, pattern string) bool {
	str, pat := []rune(s), []rune(pattern)
	// Greedy matching with backtracking to the last "%": linear in practice, never exponential.
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(pat) && pat[pi] == '%':
			star, mark = pi, si
			pi++
		case pi < len(pat) && (pat[pi] == '_' || pat[pi] == str[si]):
			si++
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '%' {
		pi++
	}
	return pi == len(pat)
}
