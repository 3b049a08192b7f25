package pgstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// The history's "/" is answered from the indexes of schema 4, as the SQLite engine does from its own (see
// internal/store/historyfind.go): the end of a number or a SID is the start of its reverse, a range on an
// expression index; prefixes compare with the text_pattern_ops operators ~>=~ and ~<~, which those indexes
// answer whatever the database's collation and also in a prepared statement's generic plan.

// sidCall and sidTail are the SQL of a call SID's call part (after its instance ID) and of its reverse, both in
// lower case: the expressions of attempts_by_sid_call and attempts_by_sid_tail.
const (
	sidCall = `lower(substr(call_sid, strpos(call_sid, '-') + 1))`
	sidTail = `lower(reverse(call_sid))`
)

// pgWhere collects the conditions of a query and numbers their arguments.
type pgWhere struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *pgWhere) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// prefix is the condition "expr starts with p".
func (w *pgWhere) prefix(expr, p string) string {
	return expr + ` ~>=~ ` + w.arg(p) + ` AND ` + expr + ` ~<~ ` + w.arg(store.PrefixEnd(p))
}

func (w *pgWhere) in(expr string, vals []string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = w.arg(v)
	}
	return expr + ` IN (` + strings.Join(ph, ", ") + `)`
}

func (w *pgWhere) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// filterWhere adds a filter's conditions on verifications v.
func (w *pgWhere) filter(f *record.HistoryFilter) {
	attempts := func(cond string) string {
		return `v.id IN (SELECT x.verification_id FROM attempts x WHERE ` + cond + `)`
	}
	for _, t := range f.Tails {
		w.conds = append(w.conds, w.prefix(`reverse(v.number)`, store.Reverse(t)))
	}
	for _, n := range f.Numbers {
		if n == "" { // a long digit word that is no number: nothing (not the anonymised rows, whose number is "")
			w.conds = append(w.conds, `false`)
			continue
		}
		w.conds = append(w.conds, `v.number = `+w.arg(n))
	}
	for _, o := range f.Operators {
		w.conds = append(w.conds, attempts(w.prefix(`lower(x.operator)`, o)))
	}
	for _, sid := range f.SIDs {
		if strings.HasPrefix(sid, "ca") {
			w.conds = append(w.conds, attempts(`x.call_sid <> '' AND `+w.prefix(strings.ReplaceAll(sidCall, "call_sid", "x.call_sid"), sid)))
			continue
		}
		w.conds = append(w.conds, attempts(`x.call_sid <> '' AND `+w.prefix(strings.ReplaceAll(sidTail, "call_sid", "x.call_sid"), store.Reverse(sid))))
	}
	for _, r := range f.Results {
		var ors []string
		if len(r.Statuses) > 0 {
			vals := make([]string, len(r.Statuses))
			for i, s := range r.Statuses {
				vals[i] = string(s)
			}
			ors = append(ors, w.in(`v.status`, vals))
		}
		if len(r.Outcomes) > 0 {
			vals := make([]string, len(r.Outcomes))
			for i, o := range r.Outcomes {
				vals[i] = string(o)
			}
			ors = append(ors, attempts(w.in(`x.outcome`, vals)))
		}
		if len(r.CallStatuses) > 0 {
			ors = append(ors, attempts(w.in(`x.status`, r.CallStatuses)))
		}
		if len(ors) == 0 {
			w.conds = append(w.conds, `false`)
			continue
		}
		w.conds = append(w.conds, `(`+strings.Join(ors, ` OR `)+`)`)
	}
	if !f.Since.IsZero() {
		w.conds = append(w.conds, `v.created_at >= `+w.arg(store.Nanos(f.Since)))
	}
	if !f.Until.IsZero() {
		w.conds = append(w.conds, `v.created_at < `+w.arg(store.Nanos(f.Until)))
	}
}

// FindHistory returns one page of the history: the verifications q's filter matches, in its sort order,
// each with its newest attempt and its number of attempts.
func (s *Store) FindHistory(ctx context.Context, q record.HistoryPage) (record.HistoryResult, error) {
	const op = "find in history"
	res := record.HistoryResult{Total: -1}
	col, desc, err := store.SortColumn(q.Sort)
	if err != nil {
		return res, fmt.Errorf("%s: %w", op, err)
	}
	w := &pgWhere{}
	w.filter(&q.Filter)
	down := desc != q.Backward
	if q.After != nil {
		cmp := ">"
		if down {
			cmp = "<"
		}
		w.conds = append(w.conds, `(v.`+col+`, v.id) `+cmp+` (`+w.arg(store.KeyValue(q.After, q.Sort))+`, `+w.arg(q.After.ID)+`)`)
	}
	dir := "ASC"
	if down {
		dir = "DESC"
	}
	cols := strings.Split(verificationColumns, ", ")
	for i := range cols {
		cols[i] = "v." + cols[i]
	}
	pcols := strings.ReplaceAll(strings.Join(cols, ", "), "v.", "p.")
	// The page is chosen first, and only its rows get their attempts counted and their newest found.
	query := `WITH page AS MATERIALIZED (SELECT ` + strings.Join(cols, ", ") + ` FROM verifications v` + w.String() +
		` ORDER BY v.` + col + ` ` + dir + `, v.id ` + dir + ` LIMIT ` + w.arg(q.PageLimit()+1) + `)
		SELECT ` + pcols + `,
		(SELECT count(*) FROM attempts x WHERE x.verification_id = p.id),
		coalesce((SELECT y.id FROM attempts y WHERE y.verification_id = p.id ORDER BY y.created_at DESC, y.id DESC LIMIT 1), 0)
		FROM page p ORDER BY p.` + col + ` ` + dir + `, p.id ` + dir
	rows, err := s.pool.Query(ctx, query, w.args...)
	if err != nil {
		return res, s.wrap(op, err)
	}
	var latest []int64
	for rows.Next() {
		var r record.VerificationRow
		var latestID int64
		v, err := scanVerification(extraRow{rows, []any{&r.Attempts, &latestID}})
		if err != nil {
			rows.Close()
			return res, s.wrap(op, err)
		}
		r.Verification = *v
		r.Latest.ID = latestID
		if latestID != 0 {
			latest = append(latest, latestID)
		}
		res.Rows = append(res.Rows, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, s.wrap(op, err)
	}
	res.Rows, res.More = store.FinishPage(res.Rows, q)
	var got []record.Attempt
	if len(latest) > 0 {
		if got, err = s.attempts(ctx, op, `SELECT `+attemptColumns+` FROM attempts a WHERE a.id = ANY($1)`, latest); err != nil {
			return res, err
		}
	}
	store.FillLatest(res.Rows, got)
	if q.Count {
		cw := &pgWhere{}
		cw.filter(&q.Filter)
		lim := cw.arg(record.MaxHistoryCount)
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM verifications v`+cw.String()+` LIMIT `+lim+`) c`,
			cw.args...).Scan(&res.Total); err != nil {
			return res, s.wrap(op, err)
		}
		res.TotalCapped = res.Total >= record.MaxHistoryCount
	}
	return res, nil
}

// extraRow is a row that reads extra destinations after the ones its caller asks for.
type extraRow struct {
	row   interface{ Scan(dest ...any) error }
	extra []any
}

func (e extraRow) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }
