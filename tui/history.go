package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// historyTable is the attempt history, newest first. It renders only the rows on screen and moves its
// cursor in constant time, so a history of 100,000 attempts costs a View or a key press what 1,000 do.
//
// Rows are kept oldest first, so a new attempt is an append and the index maps stay valid; display row i
// (0 = newest) is rows[n-1-i], or rows[view[n-1-i]] while a filter is active.
type historyTable struct {
	styles     *Styles
	rows       []record.HistoryRow // oldest first
	byAttempt  map[int64]int       // attempt ID -> index in rows
	byVerif    map[int64][]int     // verification ID -> indices in rows
	filter     historyFilter
	view       []int // indices into rows matching the filter, ascending; used while filter is active
	cursor     int   // display index of the selected row
	offset     int   // display index of the first row on screen
	width      int
	height     int // lines, including the title and the column header
	cols       []column
	wideTime   bool
	focused    bool
	codeDigits int
	loc        *time.Location

	revealID     int64  // the one attempt whose full number is shown, 0 for none
	revealNumber string // its number, as the service revealed it

	parse func(string) (policy.Number, error) // number intake, for whole numbers typed into the filter
}

func newHistoryTable(st *Styles, codeDigits int, loc *time.Location, parse func(string) (policy.Number, error)) historyTable {
	return historyTable{
		styles: st, byAttempt: map[int64]int{}, byVerif: map[int64][]int{},
		codeDigits: codeDigits, loc: loc, parse: parse,
	}
}

// SetSize sets the table's size and lays out its columns; it runs once per resize.
func (h *historyTable) SetSize(w, height int) {
	h.width, h.height = w, height
	h.wideTime = w >= 120
	h.cols = layoutColumns(historyColumns(h.wideTime), w-2)
	h.clamp()
}

// Focus gives the table the keyboard.
func (h *historyTable) Focus() { h.focused = true }

// Blur takes the keyboard away.
func (h *historyTable) Blur() { h.focused = false }

// pageRows is how many rows fit under the title and the column header.
func (h historyTable) pageRows() int { return max(1, h.height-2) }

// Len is the number of rows shown (after the filter).
func (h historyTable) Len() int {
	if h.filter.active() {
		return len(h.view)
	}
	return len(h.rows)
}

// Total is the number of attempts held.
func (h historyTable) Total() int { return len(h.rows) }

// index maps a display index to an index in rows.
func (h historyTable) index(i int) int {
	n := h.Len()
	if i < 0 || i >= n {
		return -1
	}
	if h.filter.active() {
		return h.view[n-1-i]
	}
	return n - 1 - i
}

// displayOf maps an index in rows to its display index, -1 if the filter hides it.
func (h historyTable) displayOf(idx int) int {
	if !h.filter.active() {
		return len(h.rows) - 1 - idx
	}
	pos, ok := slices.BinarySearch(h.view, idx)
	if !ok {
		return -1
	}
	return len(h.view) - 1 - pos
}

// Selected returns the row under the cursor.
func (h historyTable) Selected() (record.HistoryRow, bool) {
	idx := h.index(h.cursor)
	if idx < 0 {
		return record.HistoryRow{}, false
	}
	return h.rows[idx], true
}

// SetRows replaces the history with rows given newest first, as the service returns them.
func (h *historyTable) SetRows(newestFirst []record.HistoryRow) {
	h.rows = make([]record.HistoryRow, len(newestFirst))
	for i, r := range newestFirst {
		h.rows[len(newestFirst)-1-i] = r
	}
	// The service returns newest first by creation; keep that order exact even for equal timestamps.
	h.reindex()
	h.cursor, h.offset = 0, 0
}

// reindex rebuilds the index maps and the filter view: O(n), only after a load or an out-of-order insert.
func (h *historyTable) reindex() {
	h.byAttempt = make(map[int64]int, len(h.rows))
	h.byVerif = make(map[int64][]int)
	for i := range h.rows {
		h.byAttempt[h.rows[i].ID] = i
		v := h.rows[i].VerificationID
		h.byVerif[v] = append(h.byVerif[v], i)
	}
	h.refilter()
}

// refilter recomputes which rows match the filter: O(n), run when the filter text changes.
func (h *historyTable) refilter() {
	h.view = h.view[:0]
	if !h.filter.active() {
		h.view = nil
		h.clamp()
		return
	}
	for i := range h.rows {
		if h.filter.match(&h.rows[i]) {
			h.view = append(h.view, i)
		}
	}
	h.clamp()
}

// SetFilter applies a filter text and puts the cursor on the newest match.
func (h *historyTable) SetFilter(text string) {
	h.filter = parseFilter(text, h.parse)
	h.refilter()
	h.cursor, h.offset = 0, 0
}

// Upsert adds a new attempt or replaces a known one. A new attempt goes on top; the cursor stays on the
// row it was on unless follow is set, in which case it moves to the new row.
func (h *historyTable) Upsert(r record.HistoryRow, follow bool) {
	if idx, ok := h.byAttempt[r.ID]; ok {
		if olderThan(r.Attempt, h.rows[idx].Attempt) {
			return // an event older than what the history load already showed
		}
		h.rows[idx] = r
		h.admit(idx, false)
		if follow {
			h.Select(r.ID)
		}
		return
	}
	n := len(h.rows)
	if n > 0 && r.CreatedAt.Before(h.rows[n-1].CreatedAt) {
		// An old attempt reported late (reconciliation): put it where it belongs and rebuild the maps.
		at, _ := slices.BinarySearchFunc(h.rows, r.CreatedAt, func(x record.HistoryRow, t time.Time) int {
			return x.CreatedAt.Compare(t)
		})
		sel, hasSel := h.Selected()
		h.rows = slices.Insert(h.rows, at, r)
		h.reindex()
		if hasSel {
			h.Select(sel.ID)
		}
		return
	}
	h.rows = append(h.rows, r)
	h.byAttempt[r.ID] = n
	h.byVerif[r.VerificationID] = append(h.byVerif[r.VerificationID], n)
	h.admit(n, true)
	if follow {
		h.Select(r.ID)
	}
}

// admit adds rows[idx] to the filter view when it matches and is not there yet. Rows that stop matching
// stay until the filter changes, so a row does not vanish from under the operator's cursor.
func (h *historyTable) admit(idx int, isNew bool) {
	if h.filter.active() {
		pos, found := slices.BinarySearch(h.view, idx)
		if found || !h.filter.match(&h.rows[idx]) {
			return
		}
		h.view = slices.Insert(h.view, pos, idx)
		isNew = true
	}
	if !isNew {
		return
	}
	// A row appeared at display index d: keep the selection on the row it was on.
	d := h.displayOf(idx)
	if h.Len() > 1 && d <= h.cursor {
		h.cursor++
		if d < h.offset || h.offset > 0 {
			h.offset++
		}
	}
	h.clamp()
}

// UpdateVerification copies a verification's status and checks into all of its rows.
func (h *historyTable) UpdateVerification(id int64, status record.Status, checks, maxChecks int) {
	for _, idx := range h.byVerif[id] {
		r := &h.rows[idx]
		r.VerificationStatus, r.Checks, r.MaxChecks = status, checks, maxChecks
		h.admit(idx, false)
	}
}

// Row returns the row of an attempt.
func (h historyTable) Row(attemptID int64) (record.HistoryRow, bool) {
	idx, ok := h.byAttempt[attemptID]
	if !ok {
		return record.HistoryRow{}, false
	}
	return h.rows[idx], true
}

// LatestOf returns the newest row of a verification.
func (h historyTable) LatestOf(verificationID int64) (record.HistoryRow, bool) {
	ix := h.byVerif[verificationID]
	if len(ix) == 0 {
		return record.HistoryRow{}, false
	}
	return h.rows[ix[len(ix)-1]], true
}

// Select puts the cursor on an attempt's row if the filter shows it.
func (h *historyTable) Select(attemptID int64) {
	idx, ok := h.byAttempt[attemptID]
	if !ok {
		return
	}
	if d := h.displayOf(idx); d >= 0 {
		h.cursor = d
		h.clamp()
	}
}

// Move moves the cursor by delta rows: constant time.
func (h *historyTable) Move(delta int) {
	h.cursor += delta
	h.clamp()
}

// Top and Bottom jump to the newest and the oldest row.
func (h *historyTable) Top() { h.cursor = 0; h.clamp() }

// Bottom jumps to the oldest row.
func (h *historyTable) Bottom() { h.cursor = h.Len() - 1; h.clamp() }

// ClickRow selects the row drawn on line y of the table (0 = the title line); it reports whether y was a row.
func (h *historyTable) ClickRow(y int) bool {
	i := h.offset + y - 2
	if y < 2 || i >= h.Len() || i >= h.offset+h.pageRows() {
		return false
	}
	h.cursor = i
	h.clamp()
	return true
}

// clamp keeps the cursor on a row and on screen.
func (h *historyTable) clamp() {
	n := h.Len()
	h.cursor = min(max(h.cursor, 0), max(n-1, 0))
	page := h.pageRows()
	if h.cursor < h.offset {
		h.offset = h.cursor
	}
	if h.cursor >= h.offset+page {
		h.offset = h.cursor - page + 1
	}
	h.offset = min(max(h.offset, 0), max(n-page, 0))
}

// View renders the title, the column header and the visible rows: O(rows on screen).
func (h historyTable) View(now time.Time) string {
	var b strings.Builder
	title := fmt.Sprintf("History (%d)", len(h.rows))
	if h.filter.active() {
		title = fmt.Sprintf("History (%d of %d) · filter: %s", len(h.view), len(h.rows), h.filter.text)
	}
	b.WriteString(sectionTitle(h.styles, title, h.focused, h.width))
	b.WriteByte('\n')
	b.WriteString(h.styles.ColumnHeader.Render(h.headerLine()))
	page := h.pageRows()
	n := h.Len()
	if n == 0 {
		b.WriteByte('\n')
		msg := "  no attempts yet: type a number above and press enter"
		if h.filter.active() {
			msg = "  no attempt matches the filter (/ to change it, esc to clear it)"
		}
		b.WriteString(h.styles.Muted.Render(clip(msg, h.width)))
		return b.String()
	}
	for i := h.offset; i < n && i < h.offset+page; i++ {
		b.WriteByte('\n')
		b.WriteString(h.rowLine(i, now))
	}
	return b.String()
}

func (h historyTable) headerLine() string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range h.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.right {
			b.WriteString(fitRight(c.title, c.width))
		} else {
			b.WriteString(fit(c.title, c.width))
		}
	}
	return clip(b.String(), h.width)
}

func (h historyTable) rowLine(i int, now time.Time) string {
	r := &h.rows[h.index(i)]
	selected := i == h.cursor
	var b strings.Builder
	if selected {
		b.WriteString("> ")
	} else {
		b.WriteString("  ")
	}
	for ci, c := range h.cols {
		if ci > 0 {
			b.WriteByte(' ')
		}
		text := c.cell(&h, r, now, c.width)
		if c.right {
			text = fitRight(text, c.width)
		} else {
			text = fit(text, c.width)
		}
		if !selected && c.style != nil {
			if st := c.style(h.styles, r); st != nil {
				text = st.Render(text)
			}
		}
		b.WriteString(text)
	}
	line := b.String()
	if selected {
		line = fit(line, h.width)
		if h.focused {
			return h.styles.Selected.Render(line)
		}
		return h.styles.SelectedBlurred.Render(line)
	}
	if ansi.StringWidth(line) > h.width {
		return clip(line, h.width)
	}
	return line
}
