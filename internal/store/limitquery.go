package store

import (
	"strings"
	"time"
)

// The limits count calls in a time window and a scope inside the placement's write transaction. Each count is
// bounded by the rows of its window and scope through a partial index over the calls that count (schema 7),
// read alone without the rows: a range's calls by (prefix, created_at), an operator's by (person,
// created_at), one number's by (number, created_at); everyone's from per-hour and per-minute counters, and
// by (created_at) only at the window's edges. prefix and person are generated columns: the number without its last
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
// case of the per-prefix limit), those of longer ranges that start with it (numbers longer than the range's
// own), and those of up to four shorter ranges into whose last 4 digits the prefix reaches.
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
	longer := base(`prefix > ? AND prefix < ?`, p, upper)
	// The longer ranges are read through the range index alone (+created_at keeps the planner off the time
	// index): where every number of a country has one length there are none, and the range is empty.
	longer.where = strings.Replace(longer.where, `created_at > ?`, `+created_at > ?`, 1)
	out := []limitBranch{base(`prefix = ?`, p), longer}
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
// placeholders, and its arguments: what LimitQuerier.CountCalls runs, for any engine. Everyone's calls
// within a bounded window (the global limit, the daily cap) are summed from the per-hour and per-minute
// counters kept by triggers on attempts (call_buckets), and only the minutes at the window's edges are
// counted row by row: a day's count reads some 200 rows, however many calls the day holds.
func (f CallFilter) CountSQL(since time.Time) (string, []any) {
	if f.Number == "" && f.Prefix == "" && f.Operator == "" && !f.Until.IsZero() && !since.IsZero() {
		return bucketedCount(nanos(since)+1, nanos(f.Until)+1)
	}
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

// Bucket spans, in nanoseconds: the triggers keep a counter of the calls created in each hour and each minute.
const (
	minuteBucket = int64(time.Minute)
	hourBucket   = int64(time.Hour)
)

// bucketedCount is the query counting everyone's calls created in [lo, hi) (nanoseconds): whole hours and
// whole minutes from call_buckets, the rest row by row through attempts_counted_by_time.
func bucketedCount(lo, hi int64) (string, []any) {
	return bucketedSum(lo, hi, `call_buckets`, `sum(n)`, `count(*)`)
}

// bucketedSum is the query summing a figure of everyone's calls created in [lo, hi) (nanoseconds): whole
// hours and whole minutes from a table of per-span counters (buckets, keyed by span and start, summed with
// bucketSum), the rest of the window with rowSum ("count(*)", "sum(EXPR)") over the
// calls' rows through attempts_counted_by_time. It reads a few hundred rows for a day, however busy.
func bucketedSum(lo, hi int64, buckets, bucketSum, rowSum string) (string, []any) {
	var parts []string
	var args []any
	var split func(lo, hi int64, spans []int64)
	split = func(lo, hi int64, spans []int64) {
		if lo >= hi {
			return
		}
		if len(spans) == 0 {
			parts = append(parts, `(SELECT coalesce(`+rowSum+`, 0) FROM attempts WHERE `+countedWhere+` AND created_at > ? AND created_at <= ?)`)
			args = append(args, lo-1, hi-1)
			return
		}
		span := spans[0]
		a, b := ceilTo(lo, span), floorTo(hi, span)
		if a >= b {
			split(lo, hi, spans[1:])
			return
		}
		split(lo, a, spans[1:])
		parts = append(parts, `(SELECT coalesce(`+bucketSum+`, 0) FROM `+buckets+` WHERE span = ? AND start >= ? AND start < ?)`)
		args = append(args, span, a, b)
		split(b, hi, spans[1:])
	}
	split(lo, hi, []int64{hourBucket, minuteBucket})
	if len(parts) == 0 {
		return `SELECT 0`, nil
	}
	return `SELECT CAST(` + strings.Join(parts, ` + `) + ` AS BIGINT)`, args
}

// floorTo rounds t down to a multiple of span; ceilTo rounds it up.
func floorTo(t, span int64) int64 {
	r := t % span
	if r < 0 {
		r += span
	}
	return t - r
}

func ceilTo(t, span int64) int64 {
	f := floorTo(t, span)
	if f == t {
		return t
	}
	return f + span
}
