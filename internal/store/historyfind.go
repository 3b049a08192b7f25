package store

import (
	"context"
	"fmt"
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

// filterWhere turns a filter into conditions on verifications v.
func filterWhere(f *record.HistoryFilter) *sqlWhere {
	w := &sqlWhere{}
	for _, t := range f.Tails {
		rev := Reverse(t)
		w.add(`v.number_tail >= ? AND v.number_tail < ?`, rev, PrefixEnd(rev))
	}
	for _, n := range f.Numbers {
		w.add(`v.number = ?`, n)
	}
	for _, o := range f.Operators {
		w.add(`v.id IN (SELECT x.verification_id FROM attempts x
			WHERE x.operator COLLATE NOCASE >= ? AND x.operator COLLATE NOCASE < ?)`, o, PrefixEnd(o))
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
		head := rev[:record.MaxSIDTail]
		w.add(`v.id IN (SELECT x.verification_id FROM attempts x
			WHERE x.call_sid != '' AND x.sid_tail = ? AND lower(x.call_sid) LIKE ? ESCAPE '\')`,
			head, "%"+EscapeLike(sid))
	}
	for _, r := range f.Results {
		var ors []string
		var args []any
		if len(r.Statuses) > 0 {
			ors = append(ors, `v.status IN (`+placeholders(len(r.Statuses))+`)`)
			for _, s := range r.Statuses {
				args = append(args, string(s))
			}
		}
		if len(r.Outcomes) > 0 {
			ors = append(ors, `v.id IN (SELECT x.verification_id FROM attempts x WHERE x.outcome IN (`+
				placeholders(len(r.Outcomes))+`))`)
			for _, o := range r.Outcomes {
				args = append(args, string(o))
			}
		}
		if len(r.CallStatuses) > 0 {
			ors = append(ors, `v.id IN (SELECT x.verification_id FROM attempts x WHERE x.status IN (`+
				placeholders(len(r.CallStatuses))+`))`)
			for _, c := range r.CallStatuses {
				args = append(args, c)
			}
		}
		if len(ors) == 0 {
			w.add(`0`)
			continue
		}
		w.add(`(`+strings.Join(ors, ` OR `)+`)`, args...)
	}
	if !f.Since.IsZero() {
		w.add(`v.created_at >= ?`, nanos(f.Since))
	}
	if !f.Until.IsZero() {
		w.add(`v.created_at < ?`, nanos(f.Until))
	}
	return w
}

// findSQL is the page query of q: the verifications, how many attempts each has and the ID of its newest.
func findSQL(q record.HistoryPage) (string, []any, error) {
	col, desc, err := SortColumn(q.Sort)
	if err != nil {
		return "", nil, err
	}
	w := filterWhere(&q.Filter)
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
	query := `SELECT ` + prefixed("v.", verificationColumns) + `,
		(SELECT count(*) FROM attempts x WHERE x.verification_id = v.id),
		coalesce((SELECT y.id FROM attempts y WHERE y.verification_id = v.id ORDER BY y.created_at DESC, y.id DESC LIMIT 1), 0)
		FROM verifications v` + w.String() + ` ORDER BY v.` + col + ` ` + dir + `, v.id ` + dir + ` LIMIT ?`
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
	query, args, err := findSQL(q)
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
	if len(latest) > 0 {
		got, err := s.attempts(ctx, op, `SELECT `+attemptColumns+` FROM attempts a WHERE a.id IN (`+
			placeholders(len(latest))+`)`, latest...)
		if err != nil {
			return res, err
		}
		FillLatest(res.Rows, got)
	}
	if q.Count {
		w := filterWhere(&q.Filter)
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM verifications v`+w.String(), w.args...).Scan(&res.Total); err != nil {
			return res, s.wrap(op, err)
		}
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
