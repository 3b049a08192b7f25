package store

import (
	"strings"
	"time"
)

// The limits count calls in a time window and a scope inside the placement's write transaction. Each count is
// bounded by the rows of its window and scope through a partial index over the calls that count (schema 7):
// everyone's calls by (created_at), a range's by (prefix, created_at), an operator's by (person, created_at),
// one number's by (number, created_at). prefix and person are generated columns: the number without its last
// 4 digits (policy.PrefixOf) and the operator's name without the key fingerprint record.Operator.String adds.

// limitBranch is one index-bounded part of the rows a CallFilter selects; the parts are disjoint.
type limitBranch struct {
	where string
	args  []any
}

// likeEscaper escapes LIKE's wildcards with a backslash.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// branches splits the rows f matches created strictly after since into disjoint parts, each one an index
// range. A prefix is matched as "the numbers that start with it": the numbers whose range is the prefix (the
// case of the per-prefix limit), those of longer ranges that start with it, and those of up to four shorter
// ranges into whose last 4 digits the prefix reaches.
func (f CallFilter) branches(since time.Time) []limitBranch {
	w := []string{countedWhere, `created_at > ?`}
	args := []any{nanos(since)}
	if since.IsZero() {
		args[0] = int64(-1 << 63)
	}
	if f.Number != "" {
		w, args = append(w, `number = ?`), append(args, f.Number)
	}
	if f.Operator != "" {
		// Attempts store the operator as record.Operator.String: the name, and over SSH the key's fingerprint
		// after it. The limit is the person's, whichever of their keys they used.
		w, args = append(w, `person = ?`), append(args, f.Operator)
	}
	if !f.Until.IsZero() {
		w, args = append(w, `created_at <= ?`), append(args, nanos(f.Until))
	}
	base := func(extra string, more ...any) limitBranch {
		all := append(append([]any{}, args...), more...)
		return limitBranch{where: strings.Join(append(append([]string{}, w...), extra), ` AND `), args: all}
	}
	p := f.Prefix
	if p == "" {
		return []limitBranch{{where: strings.Join(w, ` AND `), args: args}}
	}
	upper, ok := successor(p)
	if !ok {
		return []limitBranch{base(`number LIKE ? ESCAPE '\'`, likeEscaper.Replace(p)+"%")}
	}
	out := []limitBranch{
		base(`prefix = ?`, p),
		base(`prefix > ? AND prefix < ?`, p, upper),
	}
	var shorter []any
	for l := max(len(p)-4, 1); l < len(p); l++ {
		shorter = append(shorter, p[:l])
	}
	if len(shorter) > 0 {
		in := `prefix IN (?` + strings.Repeat(`, ?`, len(shorter)-1) + `) AND number LIKE ? ESCAPE '\'`
		out = append(out, base(in, append(shorter, likeEscaper.Replace(p)+"%")...))
	}
	return out
}

// successor is the smallest string greater than every string that starts with p, when p's last byte can be
// incremented.
func successor(p string) (string, bool) {
	last := p[len(p)-1]
	if last == 0xff {
		return "", false
	}
	return p[:len(p)-1] + string([]byte{last + 1}), true
}

// CountSQL returns the query that counts the calls f matches created strictly after since, with "?"
// placeholders, and its arguments: what LimitQuerier.CountCalls runs, for any engine.
func (f CallFilter) CountSQL(since time.Time) (string, []any) {
	bs := f.branches(since)
	parts := make([]string, len(bs))
	var args []any
	for i, b := range bs {
		parts[i] = `(SELECT count(*) FROM attempts WHERE ` + b.where + `)`
		args = append(args, b.args...)
	}
	return `SELECT ` + strings.Join(parts, ` + `), args
}

// NthSQL returns the query for the creation time of the n-th oldest (1-based) call f matches created strictly
// after since, and its arguments: what LimitQuerier.NthCall runs, for any engine.
func (f CallFilter) NthSQL(since time.Time, n int) (string, []any) {
	bs := f.branches(since)
	parts := make([]string, len(bs))
	var args []any
	for i, b := range bs {
		parts[i] = `SELECT created_at, id FROM attempts WHERE ` + b.where
		args = append(args, b.args...)
	}
	q := `SELECT created_at FROM (` + strings.Join(parts, ` UNION ALL `) + `) AS c ORDER BY created_at, id LIMIT 1 OFFSET ?`
	return q, append(args, n-1)
}
