package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
)

// The history's "/" is answered here from indexes over the whole history (schema 7): each form of a filter
// word has its own index, so a query costs the rows it finds, not the size of the history.
//
//   - the last digits of a number: verifications.number_tail, the number's last 8 characters reversed (a
//     generated column, kept by SQLite on every write), so "ends with 3450" is the range ["0543", "0544");
//   - a whole number: verifications_by_number;
//   - an operator: attempts_by_operator, without case;
//   - a call SID: attempts.sid_call (the SID after its instance ID, lower case) for a start, attempts.sid_tail
//     (the last 8 characters reversed, lower case) for an end;
//   - a result: verifications_by_status, attempts_by_outcome, attempts_by_call_status;
//   - since: and until:, and the time sort: verifications_by_time.

// reversedTail is the SQL of col's last n characters in reverse order, in the builtin functions only, so a
// generated column can hold it.
func reversedTail(col string, n int) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = fmt.Sprintf("substr(%s, %d, 1)", col, -(i + 1))
	}
	return strings.Join(parts, " || ")
}

// sqlWhere collects the conditions of a query and their arguments, in order.
type sqlWhere struct {
	conds []string
	args  []any
}

func (w *sqlWhere) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *sqlWhere) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// placeholders is "?, ?, ..." for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// inSet is one "lhs IN (...)" of a filter term: lhs is v.id with a subquery of attempts, or v.status with a
// list of values.
type inSet struct {
	lhs, in string
	args    []any
	probe   string // a query of the rows the set selects, for telling a broad set from a narrow one
	exists  string // for a set of attempts, the same as a correlated EXISTS
}

// broadAt is how many rows make a set broad: the page query then reads the sort's index in order and tests
// the set row by row (stopping at a page of matches) rather than fetching and sorting every match.
const broadAt = 1000

// broadCount is where counting stops for a filter of broad sets only ("500+ verified").
const broadCount = 500

// withAttempt is the set of verifications with an attempt that matches cond.
func withAttempt(cond string, args ...any) inSet {
	return inSet{lhs: "v.id", in: `SELECT x.verification_id FROM attempts x WHERE ` + cond, args: args,
		probe:  `SELECT 1 FROM attempts x WHERE ` + cond,
		exists: `EXISTS (SELECT 1 FROM attempts x WHERE x.verification_id = v.id AND ` + cond + `)`}
}

// filterTerms turns a filter into its terms, each an OR of sets, and the conditions of the other forms.
func filterTerms(f *record.HistoryFilter) (plain *sqlWhere, terms [][]inSet) {
	w := &sqlWhere{}
	for _, t := range f.Tails {
		rev := Reverse(t)
		w.add(`v.number_tail >= ? AND v.number_tail < ?`, rev, PrefixEnd(rev))
	}
	for _, n := range f.Numbers {
		if n == "" { // a long digit word that is no number: nothing (not the anonymised rows, whose number is "")
			w.add(`0`)
			continue
		}
		w.add(`v.number = ?`, n)
	}
	for _, sid := range f.SIDs {
		if strings.HasPrefix(sid, "ca") {
			w.add(`v.id IN (SELECT x.verification_id FROM attempts x
				WHERE x.call_sid != '' AND x.sid_call >= ? AND x.sid_call < ?)`, sid, PrefixEnd(sid))
			continue
		}
		rev := Reverse(sid)
		if len(rev) <= record.MaxSIDTail {
			w.add(`v.id IN (SELECT x.verification_id FROM attempts x
				WHERE x.call_sid != '' AND x.sid_tail >= ? AND x.sid_tail < ?)`, rev, PrefixEnd(rev))
			continue
		}
		w.add(`v.id IN (SELECT x.verification_id FROM attempts x
			WHERE x.call_sid != '' AND x.sid_tail = ? AND lower(x.call_sid) LIKE ? ESCAPE '\')`,
			rev[:record.MaxSIDTail], "%"+EscapeLike(sid))
	}
	if !f.Since.IsZero() {
		w.add(`v.created_at >= ?`, nanos(f.Since))
	}
	if !f.Until.IsZero() {
		w.add(`v.created_at < ?`, nanos(f.Until))
	}
	for _, o := range f.Operators {
		terms = append(terms, []inSet{withAttempt(`x.operator COLLATE NOCASE >= ? AND x.operator COLLATE NOCASE < ?`, o, PrefixEnd(o))})
	}
	for _, r := range f.Results {
		var sets []inSet
		if len(r.Statuses) > 0 {
			var args []any
			for _, s := range r.Statuses {
				args = append(args, string(s))
			}
			sets = append(sets, inSet{lhs: "v.status", in: placeholders(len(args)), args: args,
				probe: `SELECT 1 FROM verifications v WHERE v.status IN (` + placeholders(len(args)) + `)`})
		}
		if len(r.Outcomes) > 0 {
			var args []any
			for _, o := range r.Outcomes {
				args = append(args, string(o))
			}
			sets = append(sets, withAttempt(`x.outcome IN (`+placeholders(len(args))+`)`, args...))
		}
		if len(r.CallStatuses) > 0 {
			var args []any
			for _, c := range r.CallStatuses {
				args = append(args, c)
			}
			sets = append(sets, withAttempt(`x.status IN (`+placeholders(len(args))+`)`, args...))
		}
		terms = append(terms, sets)
	}
	return w, terms
}

// filterWhere turns a filter into conditions on verifications v. A set broad reports (nil: none) is tested
// row by row, so SQLite does not drive the query from it: a correlated EXISTS for attempts, and "+" (no
// index) on the verification's status.
func filterWhere(f *record.HistoryFilter, broad func(inSet) bool) *sqlWhere {
	w, terms := filterTerms(f)
	for _, sets := range terms {
		if len(sets) == 0 {
			w.add(`0`)
			continue
		}
		var ors []string
		var args []any
		for _, set := range sets {
			switch {
			case broad == nil || !broad(set):
				ors = append(ors, set.lhs+` IN (`+set.in+`)`)
			case set.exists != "":
				ors = append(ors, set.exists) // a look-up per row read, not a list of every match
			default:
				ors = append(ors, `+`+set.lhs+` IN (`+set.in+`)`)
			}
			args = append(args, set.args...)
		}
		w.add(`(`+strings.Join(ors, ` OR `)+`)`, args...)
	}
	return w
}

// broadSets returns the test of which sets of f are broad, from a count of each (stopping at broadAt).
func (s *Store) broadSets(ctx context.Context, f *record.HistoryFilter) (func(inSet) bool, error) {
	_, terms := filterTerms(f)
	broad := map[string]bool{}
	for _, sets := range terms {
		for _, set := range sets {
			var n int
			if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+set.probe+` LIMIT ?)`,
				append(set.args, broadAt)...).Scan(&n); err != nil {
				return nil, err
			}
			broad[set.probe+fmt.Sprint(set.args...)] = n >= broadAt
		}
	}
	return func(set inSet) bool { return broad[set.probe+fmt.Sprint(set.args...)] }, nil
}

// narrow reports whether a filter has a condition an index answers with few rows.
func narrow(f *record.HistoryFilter, broad func(inSet) bool) bool {
	plain, terms := filterTerms(f)
	if len(plain.conds) > 0 || len(terms) == 0 { // no filter at all: counting reads an index of IDs
		return true
	}
	for _, sets := range terms {
		if !slices.ContainsFunc(sets, broad) {
			return true
		}
	}
	return false
}

// findSQL is the page query of q: the verifications, how many attempts each has and the ID of its newest.
func findSQL(q record.HistoryPage, broad func(inSet) bool) (string, []any, error) {
	col, desc, err := SortColumn(q.Sort)
	if err != nil {
		return "", nil, err
	}
	w := filterWhere(&q.Filter, broad)
	down := desc != q.Backward // whether this read runs in descending order
	if q.After != nil {
		cmp := ">"
		if down {
			cmp = "<"
		}
		w.add(`(v.`+col+`, v.id) `+cmp+` (?, ?)`, KeyValue(q.After, q.Sort), q.After.ID)
	}
	dir := "ASC"
	if down {
		dir = "DESC"
	}
	// The page is chosen first, and only its rows get their attempts counted and their newest found: the
	// scalar subqueries would otherwise run for every match before the sort.
	query := `WITH page AS MATERIALIZED (SELECT ` + prefixed("v.", verificationColumns) + ` FROM verifications v` + w.String() +
		` ORDER BY v.` + col + ` ` + dir + `, v.id ` + dir + ` LIMIT ?)
		SELECT ` + prefixed("p.", verificationColumns) + `,
		(SELECT count(*) FROM attempts x WHERE x.verification_id = p.id),
		coalesce((SELECT y.id FROM attempts y WHERE y.verification_id = p.id ORDER BY y.created_at DESC, y.id DESC LIMIT 1), 0)
		FROM page p ORDER BY p.` + col + ` ` + dir + `, p.id ` + dir
	return query, append(w.args, q.PageLimit()+1), nil
}

// prefixed qualifies every column of a column list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// FindHistory returns one page of the history: the verifications q's filter matches, in its sort order,
// each with its newest attempt and its number of attempts.
func (s *Store) FindHistory(ctx context.Context, q record.HistoryPage) (record.HistoryResult, error) {
	const op = "find in history"
	res := record.HistoryResult{Total: -1}
	broad, err := s.broadSets(ctx, &q.Filter)
	if err != nil {
		return res, s.wrap(op, err)
	}
	query, args, err := findSQL(q, broad)
	if err != nil {
		return res, fmt.Errorf("%s: %w", op, err)
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return res, s.wrap(op, err)
	}
	var latest []any
	for rows.Next() {
		var r record.VerificationRow
		var latestID int64
		v, err := scanVerification(withExtra(rows, &r.Attempts, &latestID))
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
	res.Rows, res.More = FinishPage(res.Rows, q)
	var got []record.Attempt
	if len(latest) > 0 {
		if got, err = s.attempts(ctx, op, `SELECT `+attemptColumns+` FROM attempts a WHERE a.id IN (`+
			placeholders(len(latest))+`)`, latest...); err != nil {
			return res, err
		}
	}
	FillLatest(res.Rows, got)
	if q.Count {
		// Counting stops at a cap: MaxHistoryCount when a narrow condition drives it, broadCount when only
		// broad sets select (each row read is then tested), so a count never reads the whole history.
		w, limit := filterWhere(&q.Filter, broad), record.MaxHistoryCount
		if !narrow(&q.Filter, broad) {
			limit = broadCount
		}
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM verifications v`+w.String()+` LIMIT ?)`,
			append(w.args, limit)...).Scan(&res.Total); err != nil {
			return res, s.wrap(op, err)
		}
		res.TotalCapped = res.Total >= limit
	}
	return res, nil
}

// withExtra is a scanner that reads extra destinations after the ones its caller asks for.
func withExtra(sc scanner, extra ...any) scanner { return extraScanner{sc, extra} }

type extraScanner struct {
	sc    scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }
