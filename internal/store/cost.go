package store

import (
	"context"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// The daily cost cap (policy.Cost) prices the day's calls from the history, never from Restcomm's price
// fields: every call placed at the price per call, and the minutes it bills at the price per answered
// minute. The minutes are counted per hour and per minute of the calls' creation in cost_buckets, kept by
// triggers on attempts in the transaction that changes one (SQLite schema 13, PostgreSQL 10), so a day's
// spend reads a few hundred rows however many calls it holds, as the daily cap's count does.

// billedMinutes is the SQL, for both engines, of the minutes one attempts row bills (row is "" for the row
// itself, "NEW." or "OLD." in a trigger): none for a call that never rang anything (blocked, not placed) or
// that ended unanswered; an answered call's duration rounded up to whole minutes, at least one; and one
// minute, its worst case, for a call whose outcome is not known yet (placing, live, or unknown), so that
// calls in flight can never together overrun the cap. It is record.Attempt.BilledMinutes in SQL (the
// dashboard's figures price with that one); the contract suite checks that both engines agree with it.
func billedMinutes(row string) string {
	return `CASE WHEN ` + row + `state IN ('` + string(record.StateBlocked) + `', '` + string(record.StateNotPlaced) + `') THEN 0
		WHEN ` + row + `outcome = '` + string(record.OutcomeAnswered) + `' AND ` + row + `duration > 60 THEN (` + row + `duration + 59) / 60
		WHEN ` + row + `outcome IN ('` + string(record.OutcomeAnswered) + `', '', '` + string(record.OutcomeUnknown) + `') THEN 1
		ELSE 0 END`
}

// BilledMinutesOf is billedMinutes for the PostgreSQL engine's trigger: row is "NEW." or "OLD.".
func BilledMinutesOf(row string) string { return billedMinutes(row) }

// BilledMinutesSQL returns the query summing the minutes billed by the calls created strictly after since
// (and at or before until, when set), with "?" placeholders, and its arguments: what
// LimitQuerier.BilledMinutes runs, for any engine. A bounded window is summed from cost_buckets with only the
// minutes at its edges read row by row.
func BilledMinutesSQL(since, until time.Time) (string, []any) {
	lo := nanos(since) + 1
	if since.IsZero() {
		lo = -1 << 63
	}
	if !until.IsZero() && !since.IsZero() {
		return bucketedSum(lo, nanos(until)+1, `cost_buckets`, `sum(minutes)`, `sum(`+billedMinutes("")+`)`)
	}
	w := []string{countedWhere, `created_at >= ?`}
	args := []any{lo}
	if !until.IsZero() {
		w, args = append(w, `created_at <= ?`), append(args, nanos(until))
	}
	return `SELECT CAST(coalesce(sum(` + billedMinutes("") + `), 0) AS BIGINT) FROM attempts WHERE ` + strings.Join(w, ` AND `), args
}

// BilledMinutes implements LimitQuerier.
func (q txQuerier) BilledMinutes(ctx context.Context, since, until time.Time) (int, error) {
	query, args := BilledMinutesSQL(since, until)
	var n int
	if err := q.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, q.s.wrap("check the cost cap", err)
	}
	return n, nil
}

// costBucketAdd is the trigger body that adds row's billed minutes (row is NEW or OLD), with sign "+" or
// "-", to the minute and hour counters of its created_at.
func costBucketAdd(row, sign string) string {
	var b strings.Builder
	for _, span := range []string{"60000000000", "3600000000000"} {
		start := row + ".created_at - " + row + ".created_at % " + span
		b.WriteString(`INSERT INTO cost_buckets (span, start, minutes) VALUES (` + span + `, ` + start + `, ` + sign +
			`(` + billedMinutes(row+".") + `)) ON CONFLICT (span, start) DO UPDATE SET minutes = minutes + excluded.minutes; `)
	}
	return b.String()
}
