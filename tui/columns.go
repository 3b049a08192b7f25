package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/flashcall/flashcall/internal/record"
)

// column is one history column: how wide it would like to be, how narrow it may get, when it is dropped
// on a narrow screen, and how a row fills it.
type column struct {
	title string
	pref  int
	min   int
	drop  int // order in which columns go when the width runs out; 0 = never dropped
	right bool
	width int // laid out by layoutColumns
	cell  func(h *historyTable, r *record.HistoryRow, now time.Time, w int) string
	style func(st *Styles, r *record.HistoryRow) *lipgloss.Style
}

// historyColumns lists the columns in screen order.
func historyColumns(wideTime bool) []column {
	timeW := 8
	if wideTime {
		timeW = 15
	}
	return []column{
		{title: "Time", pref: timeW, min: timeW, cell: func(h *historyTable, r *record.HistoryRow, now time.Time, _ int) string {
			return clockTime(r.CreatedAt, now, h.loc, h.wideTime)
		}},
		{title: "Number", pref: 16, min: 13, cell: func(h *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return h.numberText(r)
		}},
		{title: "CC", pref: 2, min: 2, drop: 5, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return orDash(r.Country)
		}},
		{title: "From", pref: 16, min: 13, drop: 4, cell: func(h *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return fromShown(r.From, r.VerificationStatus, h.codeDigits)
		}},
		{title: "Call", pref: 11, min: 11, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return callStatus(&r.Attempt)
		}, style: callStyle},
		{title: "Result", pref: 13, min: 13, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, w int) string {
			return resultText(r, w)
		}, style: resultStyle},
		{title: "Talk", pref: 5, min: 4, drop: 3, right: true, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return talkTime(&r.Attempt)
		}},
		{title: "Operator", pref: 12, min: 8, drop: 2, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return orDash(r.Operator)
		}},
		{title: "SID", pref: 9, min: 9, drop: 1, cell: func(_ *historyTable, r *record.HistoryRow, _ time.Time, _ int) string {
			return shortSID(r.CallSID)
		}},
	}
}

// layoutColumns fits the columns into avail cells: columns shrink towards their minimum (the call status
// and the result never shrink: "awaiting-code" must read whole), and when even that is too wide, columns
// are dropped in their drop order. Spare room goes to the Number and Operator
// columns. It runs once per resize.
func layoutColumns(cols []column, avail int) []column {
	for {
		total, minTotal := -1, -1
		for _, c := range cols {
			total += c.pref + 1
			minTotal += c.min + 1
		}
		if total <= avail {
			for i := range cols {
				cols[i].width = cols[i].pref
			}
			spare := avail - total
			for i := range cols {
				if spare > 0 && (cols[i].title == "Operator" || cols[i].title == "Number") {
					grow := min(spare, 8)
					cols[i].width += grow
					spare -= grow
				}
			}
			return cols
		}
		if minTotal <= avail {
			deficit := total - avail
			for i := range cols {
				cols[i].width = cols[i].pref
			}
			for i := len(cols) - 1; i >= 0 && deficit > 0; i-- {
				cut := min(deficit, cols[i].pref-cols[i].min)
				cols[i].width -= cut
				deficit -= cut
			}
			return cols
		}
		next := -1
		for i, c := range cols {
			if c.drop > 0 && (next < 0 || c.drop < cols[next].drop) {
				next = i
			}
		}
		if next < 0 {
			// Nothing left to drop: squeeze everything to its minimum; the line is clipped at the edge.
			for i := range cols {
				cols[i].width = cols[i].min
			}
			return cols
		}
		cols = append(cols[:next:next], cols[next+1:]...)
	}
}

// fromShown is the caller ID as the table may show it: its last digits are the code, hidden until the
// customer has read them back correctly.
func fromShown(from string, verificationStatus record.Status, codeDigits int) string {
	if from == "" {
		return "-"
	}
	if !verificationStatus.CodeSecret() {
		return from
	}
	return record.MaskCode(from, codeDigits)
}

// callStatus is the call's Restcomm status, or the attempt's state while there is none.
func callStatus(a *record.Attempt) string {
	if a.Status != "" {
		return a.Status
	}
	return orDash(string(a.State))
}

// resultOf is what a row's Result column says: the verification's status, or "blocked" for an attempt the
// fraud policy refused (a refused retry leaves its verification open, but that attempt placed no call).
func resultOf(r *record.HistoryRow) record.Status {
	if r.State == record.StateBlocked {
		return record.StatusBlocked
	}
	return r.VerificationStatus
}

// resultText is the row's result, followed by one ✗ per wrong read-back where the column has room.
func resultText(r *record.HistoryRow, w int) string {
	s := orDash(string(resultOf(r)))
	if r.State == record.StateBlocked {
		return s
	}
	if r.Checks > 0 && r.VerificationStatus != record.StatusVerified && len(s)+1+r.Checks <= w {
		s += " " + strings.Repeat("✗", r.Checks)
	}
	return s
}

func callStyle(st *Styles, r *record.HistoryRow) *lipgloss.Style {
	switch callStatus(&r.Attempt) {
	case "busy", "failed", "not-found", string(record.StateBlocked):
		return &st.Bad
	case "queued", "ringing", "in-progress", "wait-for-answer":
		return &st.Warn
	}
	return nil
}

func resultStyle(st *Styles, r *record.HistoryRow) *lipgloss.Style {
	switch resultOf(r) {
	case record.StatusVerified:
		return &st.Good
	case record.StatusFailed, record.StatusBlocked:
		return &st.Bad
	case record.StatusAwaitingCode, record.StatusCalling:
		return &st.Warn
	case record.StatusExpired, record.StatusCanceled, record.StatusSuperseded:
		return &st.Muted
	}
	return nil
}

// talkTime is how long an answered call lasted. Restcomm's duration of any other call means nothing to an
// operator: a call that rang out on a current server has one of about the ring time.
func talkTime(a *record.Attempt) string {
	if a.Outcome != record.OutcomeAnswered {
		return "-"
	}
	return seconds(a.Duration)
}
