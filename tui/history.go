package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/record"
)

// historyTable is the history, one line per verification (its newest attempt's call and result, and how
// many calls it made), each verification's attempts folded under it and shown on request. It holds only a
// window of the history, what the screen shows and a margin on both sides, and pages the rest from the
// database as the cursor nears an edge of the window (historypage.go): a history of a million attempts costs
// a session what one of a hundred does. Filters and sorts are database queries too.
type historyTable struct {
	styles  *Styles
	groups  []historyGroup // the window, in sort order
	byVerif map[int64]int  // verification ID -> index in groups
	lines   []historyLine  // what is drawn: every group, and the attempts of the unfolded ones

	// The window's place in the history: whether rows come before its first group or after its last.
	atStart, atEnd bool
	total          int  // verifications the filter matches (-1 while not known)
	totalCapped    bool // total is a lower bound
	sort           record.HistorySort
	filter         record.HistoryFilter
	filterErr      string // why the filter text typed last cannot be read ("" when it can)
	paging         pager  // the page request in flight, if any
	window         int    // how many verifications the table holds at most

	// known holds rows the events brought for attempts that are not final, wherever the window is: the live
	// calls pane and the notices look them up.
	known map[int64]record.HistoryRow

	cursor     int // index in lines of the selected line
	pending    int // lines the cursor is to move past the window's edge once the page there loads
	offset     int // index in lines of the first line on screen
	width      int
	height     int // lines, including the title and the column header
	cols       []column
	wideTime   bool
	focused    bool
	codeDigits int
	loc        *time.Location
	sub        bool // set while an attempt line under its verification is drawn

	revealID     int64  // the one attempt whose full number is shown, 0 for none
	revealNumber string // its number, as the service revealed it

	drawnRows *memoSet[rowKey] // the rows as last drawn (memo.go)
	drawnHead *memo[tableHead] // the title and the column header as last drawn
}

// rowKey is everything a history line is drawn from.
type rowKey struct {
	row                          record.HistoryRow
	attempts                     int
	open, sub, selected, focused bool
	revealed                     string // the full number, when this row's is revealed
	today                        civilDay
	width                        int
}

// civilDay is a date: a row created today shows its time of day, an older one its date.
type civilDay struct {
	year  int
	month time.Month
	day   int
}

// tableHead is everything the title and the column header are drawn from.
type tableHead struct {
	title   string
	focused bool
	sort    record.HistorySort
	width   int
}

// historyGroup is one verification in the window.
type historyGroup struct {
	v        record.Verification
	latest   record.HistoryRow   // its newest attempt (ID 0 when it has none yet)
	attempts int                 // how many it has
	open     bool                // its attempts are shown under it
	rows     []record.HistoryRow // its attempts, newest first, once loaded (for an open group)
	loading  bool                // its attempts are being loaded
}

// historyLine is one drawn line: a group (attempt < 0) or one of its attempts.
type historyLine struct {
	group, attempt int
}

func newHistoryTable(st *Styles, codeDigits int, loc *time.Location, window int) historyTable {
	if window <= 0 {
		window = DefaultHistoryWindow
	}
	return historyTable{window: window, drawnRows: newMemoSet[rowKey](), drawnHead: &memo[tableHead]{},
		styles: st, byVerif: map[int64]int{}, known: map[int64]record.HistoryRow{},
		codeDigits: codeDigits, loc: loc, total: -1, atStart: true, atEnd: true, sort: record.SortTime,
	}
}

// SetSize sets the table's size and lays out its columns; it runs once per resize.
func (h *historyTable) SetSize(w, height int) {
	h.width, h.height = w, height
	h.wideTime = w >= 120
	h.cols = layoutColumns(historyColumns(h.wideTime), w-gutter)
	h.clamp()
}

// Focus gives the table the keyboard.
func (h *historyTable) Focus() { h.focused = true }

// Blur takes the keyboard away.
func (h *historyTable) Blur() { h.focused = false }

// pageRows is how many rows fit under the title and the column header.
func (h historyTable) pageRows() int { return max(1, h.height-2) }

// Len is the number of lines the window holds.
func (h historyTable) Len() int { return len(h.lines) }

// Total is the number of verifications the filter matches, as far as the table knows.
func (h historyTable) Total() int { return max(h.total, len(h.groups)) }

// totalText is Total as the title says it: "1000+" when counting stopped at its cap, "100+" while the count
// is on its way and more rows follow the window.
func (h historyTable) totalText() string {
	t := fmt.Sprint(h.Total())
	if h.totalCapped || (h.total < 0 && !(h.atStart && h.atEnd)) {
		t += "+"
	}
	return t
}

// rowAt returns the row of line i: a group's newest attempt, or one of its attempts.
func (h historyTable) rowAt(i int) (*record.HistoryRow, bool) {
	if i < 0 || i >= len(h.lines) {
		return nil, false
	}
	l := h.lines[i]
	g := &h.groups[l.group]
	if l.attempt < 0 {
		return &g.latest, true
	}
	return &g.rows[l.attempt], true
}

// Selected returns the row under the cursor: a verification's newest attempt, or the attempt the cursor is
// on in an unfolded verification.
func (h historyTable) Selected() (record.HistoryRow, bool) {
	r, ok := h.rowAt(h.cursor)
	if !ok {
		return record.HistoryRow{}, false
	}
	return *r, true
}

// selectedGroup returns the group the cursor is in, and whether the cursor is on its own line.
func (h *historyTable) selectedGroup() (*historyGroup, bool) {
	if h.cursor < 0 || h.cursor >= len(h.lines) {
		return nil, false
	}
	l := h.lines[h.cursor]
	return &h.groups[l.group], l.attempt < 0
}

// groupOf builds a group from a page row.
func groupOf(r record.VerificationRow) historyGroup {
	return historyGroup{v: r.Verification, latest: r.Latest, attempts: r.Attempts}
}

// relines rebuilds the drawn lines and the index of the groups: O(window), after the window changes.
func (h *historyTable) relines() {
	h.lines = h.lines[:0]
	clear(h.byVerif)
	for gi := range h.groups {
		g := &h.groups[gi]
		h.byVerif[g.v.ID] = gi
		h.lines = append(h.lines, historyLine{group: gi, attempt: -1})
		if g.open {
			for ai := range g.rows {
				h.lines = append(h.lines, historyLine{group: gi, attempt: ai})
			}
		}
	}
	h.clamp()
}

// lineOf returns the line of a verification's group, -1 when it is not in the window.
func (h historyTable) lineOf(verificationID int64) int {
	gi, ok := h.byVerif[verificationID]
	if !ok {
		return -1
	}
	for i, l := range h.lines {
		if l.group == gi && l.attempt < 0 {
			return i
		}
	}
	return -1
}

// selectedKey is where the cursor is, to put it back after the window changes: the verification and the
// attempt line it is on (0: the verification's own line).
func (h historyTable) selectedKey() (verificationID, attemptID int64) {
	if h.cursor < 0 || h.cursor >= len(h.lines) {
		return 0, 0
	}
	l := h.lines[h.cursor]
	g := h.groups[l.group]
	if l.attempt >= 0 {
		return g.v.ID, g.rows[l.attempt].ID
	}
	return g.v.ID, 0
}

// reselect puts the cursor back on a line selectedKey named; it reports whether that line is still there.
func (h *historyTable) reselect(verificationID, attemptID int64) bool {
	line := h.lineOf(verificationID)
	if line < 0 {
		return false
	}
	if attemptID != 0 {
		g := h.groups[h.lines[line].group]
		for ai := range g.rows {
			if g.rows[ai].ID == attemptID {
				line += 1 + ai
				break
			}
		}
	}
	delta := line - h.cursor
	h.cursor = line
	h.offset += delta
	h.clamp()
	return true
}

// Upsert merges an attempt an event or a placement brought. Its verification's line is updated when it is in
// the window; a new verification goes on top when the window shows the top of the history in time order
// and no filter is set (otherwise the next page load brings it where it belongs). follow moves the cursor
// to it. The cursor stays on the line it was on otherwise.
func (h *historyTable) Upsert(r record.HistoryRow, follow bool) {
	if r.State.Final() {
		delete(h.known, r.ID)
	} else {
		h.known[r.ID] = r
	}
	vid, aid := h.selectedKey()
	if gi, ok := h.byVerif[r.VerificationID]; ok {
		g := &h.groups[gi]
		switch {
		case r.ID == g.latest.ID:
			if olderThan(r.Attempt, g.latest.Attempt) {
				return // an event older than what the page load showed
			}
			g.latest = h.withVerification(r, g)
		case g.latest.ID == 0 || r.CreatedAt.After(g.latest.CreatedAt) || (r.CreatedAt.Equal(g.latest.CreatedAt) && r.ID > g.latest.ID):
			if !g.has(r.ID) {
				g.attempts++
			}
			g.latest = h.withVerification(r, g)
		}
		if g.rows != nil {
			g.upsertRow(h.withVerification(r, g))
		}
		h.relines()
		if follow {
			h.reselect(r.VerificationID, 0)
		} else {
			h.reselect(vid, aid)
		}
		return
	}
	if r.VerificationID == 0 || !h.atStart {
		return
	}
	if h.sort != record.SortTime || h.filter.Active() {
		// Where a new call belongs (or whether the filter takes it) is the database's to say: the window is
		// read again (historyScrolled).
		if r.State == record.StatePlacing {
			h.paging.stale = true
		}
		return
	}
	// The window holds every verification from the newest down to its last line, newest (highest ID) first.
	// One it does not hold with an ID among them was created while others were (the replies to several
	// placements in flight come in any order): it goes where its ID puts it. One older than the whole window
	// (a call again for an old verification) is the database's to place.
	pos := 0
	for pos < len(h.groups) && h.groups[pos].v.ID > r.VerificationID {
		pos++
	}
	if pos == len(h.groups) && len(h.groups) > 0 && !h.atEnd {
		if r.State == record.StatePlacing {
			h.paging.stale = true
		}
		return
	}
	v := record.Verification{ID: r.VerificationID, Number: r.Number, Country: r.Country, Operator: r.Operator,
		CreatedAt: r.CreatedAt, Status: r.VerificationStatus, Checks: r.Checks, MaxChecks: r.MaxChecks}
	h.groups = slices.Insert(h.groups, pos, historyGroup{v: v, latest: r, attempts: 1})
	if h.total >= 0 {
		h.total++
	}
	h.relines()
	if pos > 0 {
		if follow {
			h.reselect(r.VerificationID, 0)
		} else {
			h.reselect(vid, aid)
		}
		return
	}
	if follow || vid == 0 {
		h.cursor, h.offset = 0, 0
		h.clamp()
		return
	}
	// Keep the selection on the line it was on, and the screen where it was unless it showed the top.
	keepTop := h.offset == 0 && h.cursor > 0
	h.reselect(vid, aid)
	if keepTop {
		h.offset = 0
		h.clamp()
	}
	h.trim(false)
}

// has reports whether the group's loaded attempts (or its newest) include an attempt.
func (g *historyGroup) has(attemptID int64) bool {
	if g.latest.ID == attemptID {
		return true
	}
	for i := range g.rows {
		if g.rows[i].ID == attemptID {
			return true
		}
	}
	return false
}

// upsertRow puts an attempt among the group's loaded attempts, newest first.
func (g *historyGroup) upsertRow(r record.HistoryRow) {
	for i := range g.rows {
		if g.rows[i].ID == r.ID {
			if !olderThan(r.Attempt, g.rows[i].Attempt) {
				g.rows[i] = r
			}
			return
		}
	}
	g.rows = append([]record.HistoryRow{r}, g.rows...)
}

// withVerification gives a row its verification's status and checks when the event carried none.
func (h *historyTable) withVerification(r record.HistoryRow, g *historyGroup) record.HistoryRow {
	if r.VerificationStatus == "" {
		r.VerificationStatus, r.Checks, r.MaxChecks = g.v.Status, g.v.Checks, g.v.MaxChecks
	} else {
		g.v.Status, g.v.Checks, g.v.MaxChecks = r.VerificationStatus, r.Checks, r.MaxChecks
	}
	return r
}

// UpdateVerification copies a verification's status and checks into its line and its attempts' lines.
func (h *historyTable) UpdateVerification(id int64, status record.Status, checks, maxChecks int) {
	for aid, r := range h.known {
		if r.VerificationID == id {
			r.VerificationStatus, r.Checks, r.MaxChecks = status, checks, maxChecks
			h.known[aid] = r
		}
	}
	gi, ok := h.byVerif[id]
	if !ok {
		return
	}
	g := &h.groups[gi]
	g.v.Status, g.v.Checks, g.v.MaxChecks = status, checks, maxChecks
	g.latest.VerificationStatus, g.latest.Checks, g.latest.MaxChecks = status, checks, maxChecks
	for i := range g.rows {
		g.rows[i].VerificationStatus, g.rows[i].Checks, g.rows[i].MaxChecks = status, checks, maxChecks
	}
}

// Row returns the row of an attempt the table holds: in the window, or brought by an event while not final.
func (h historyTable) Row(attemptID int64) (record.HistoryRow, bool) {
	for gi := range h.groups {
		if g := &h.groups[gi]; g.latest.ID == attemptID {
			return g.latest, true
		}
	}
	for gi := range h.groups {
		for _, r := range h.groups[gi].rows {
			if r.ID == attemptID {
				return r, true
			}
		}
	}
	r, ok := h.known[attemptID]
	return r, ok
}

// LatestOf returns the newest attempt the table knows of a verification.
func (h historyTable) LatestOf(verificationID int64) (record.HistoryRow, bool) {
	if gi, ok := h.byVerif[verificationID]; ok && h.groups[gi].latest.ID != 0 {
		return h.groups[gi].latest, true
	}
	var best record.HistoryRow
	for _, r := range h.known {
		if r.VerificationID == verificationID && (best.ID == 0 || r.CreatedAt.After(best.CreatedAt)) {
			best = r
		}
	}
	return best, best.ID != 0
}

// Select puts the cursor on an attempt's line: its verification's line, or its own in an unfolded one.
func (h *historyTable) Select(attemptID int64) {
	for i := range h.lines {
		if r, _ := h.rowAt(i); r.ID == attemptID {
			h.cursor = i
			h.clamp()
			return
		}
	}
}

// Move moves the cursor by delta lines. Lines past an edge of the window that the history has beyond it
// are kept, and moved once the page there has loaded: a held key is not lost at the edge.
func (h *historyTable) Move(delta int) {
	if (delta > 0) != (h.pending > 0) {
		h.pending = 0 // the other way now
	}
	target := h.cursor + delta
	switch last := len(h.lines) - 1; {
	case target > last && !h.atEnd:
		h.pending += target - max(last, 0)
	case target < 0 && !h.atStart:
		h.pending += target
	}
	h.cursor = target
	h.clamp()
}

// movePending moves the lines kept by Move once a page has loaded.
func (h *historyTable) movePending() {
	if p := h.pending; p != 0 {
		h.pending = 0
		h.Move(p)
	}
}

// ClickRow selects the row drawn on line y of the table (0 = the title line); it reports whether y was a row.
func (h *historyTable) ClickRow(y int) bool {
	i := h.offset + y - 2
	if y < 2 || i >= h.Len() || i >= h.offset+h.pageRows() {
		return false
	}
	h.cursor, h.pending = i, 0
	h.clamp()
	return true
}

// clamp keeps the cursor on a line and on screen.
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

// Fold shows (open) or hides a verification's attempts; it returns the verification whose attempts must be
// loaded (0: none). On an attempt line, folding goes back to its verification's line.
func (h *historyTable) Fold(open bool) int64 {
	g, own := h.selectedGroup()
	if g == nil {
		return 0
	}
	if !open {
		if !g.open {
			return 0
		}
		g.open = false
		vid := g.v.ID
		h.relines()
		h.reselect(vid, 0)
		return 0
	}
	if g.open || !own || g.attempts < 2 {
		return 0
	}
	g.open = true
	if g.rows == nil {
		g.loading = true
		return g.v.ID
	}
	h.relines()
	return 0
}

// Foldable reports whether the cursor is on a verification with several attempts, and whether they show.
func (h *historyTable) Foldable() (can, open bool) {
	g, _ := h.selectedGroup()
	if g == nil {
		return false, false
	}
	return g.attempts > 1 || g.open, g.open
}

// SetAttempts fills in the attempts of an unfolded verification.
func (h *historyTable) SetAttempts(verificationID int64, rows []record.HistoryRow) {
	gi, ok := h.byVerif[verificationID]
	if !ok {
		return
	}
	vid, aid := h.selectedKey()
	g := &h.groups[gi]
	g.loading = false
	g.rows = rows
	g.attempts = max(g.attempts, len(rows))
	h.relines()
	h.reselect(vid, aid)
}

// View renders the title, the column header and the visible rows: O(rows on screen), and a row is drawn
// again only when something it shows has changed (memo.go).
func (h historyTable) View(now time.Time) string {
	var b strings.Builder
	b.WriteString(h.drawnHead.get(tableHead{title: h.title(), focused: h.focused, sort: h.sort, width: h.width}, func() string {
		return sectionTitle(h.styles, h.title(), h.focused, h.width) + "\n" + h.styles.ColumnHeader.Render(h.headerLine())
	}))
	page := h.pageRows()
	n := h.Len()
	if n == 0 {
		b.WriteByte('\n')
		msg := "  no attempts yet: type a number above and press enter"
		switch {
		case h.paging.active():
			msg = "  loading…"
		case h.filter.Active():
			msg = "  nothing matches the filter (/ to change it, esc to clear it)"
		}
		b.WriteString(h.styles.Muted.Render(clip(msg, h.width)))
		return b.String()
	}
	h.drawnRows.begin()
	var today civilDay
	today.year, today.month, today.day = now.In(h.loc).Date()
	for i := h.offset; i < n && i < h.offset+page; i++ {
		b.WriteByte('\n')
		b.WriteString(h.drawnRows.get(h.rowKey(i, today), func() string { return h.rowLine(i, now) }))
	}
	return b.String()
}

// rowKey is what line i is drawn from.
func (h historyTable) rowKey(i int, today civilDay) rowKey {
	l := h.lines[i]
	g := &h.groups[l.group]
	r, _ := h.rowAt(i)
	k := rowKey{row: *r, attempts: g.attempts, open: g.open, sub: l.attempt >= 0, selected: i == h.cursor,
		focused: h.focused, today: today, width: h.width}
	if r.Number != "" && h.Revealed(r.ID) {
		k.revealed = h.revealNumber
	}
	return k
}

// title is the section title: how many verifications, the filter and the sort.
func (h historyTable) title() string {
	t := "History (" + h.totalText() + ")"
	if h.filter.Active() {
		t += " · filter: " + h.filter.Text
	}
	if h.sort != record.SortTime {
		t += " · sorted by " + string(h.sort)
	}
	return t
}

// sortTitles maps a sort to the title of its column.
var sortTitles = map[record.HistorySort]string{
	record.SortTime: "Time", record.SortNumber: "Number", record.SortResult: "Result", record.SortOperator: "Operator",
}

// gutter is the width before the columns: the cursor, the fold mark and the number of calls (foldMark).
const gutter = 4

// foldMark is what a line shows between the cursor and the columns: for a verification of several calls
// "▸" (folded) or "▾" (unfolded) and how many ("+" for more than 9), for one of its calls "·".
func foldMark(g *historyGroup, sub bool) string {
	switch {
	case sub:
		return " · "
	case g.attempts < 2:
		return "   "
	}
	n := "+"
	if g.attempts < 10 {
		n = fmt.Sprint(g.attempts)
	}
	if g.open {
		return "▾" + n + " "
	}
	return "▸" + n + " "
}

func (h historyTable) headerLine() string {
	var b strings.Builder
	b.WriteString("    ")
	for i, c := range h.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		title := c.title
		if title == sortTitles[h.sort] {
			// Time runs newest first, the others A to Z.
			if h.sort == record.SortTime {
				title += "▼"
			} else {
				title += "▲"
			}
		}
		if c.right {
			b.WriteString(fitRight(title, c.width))
		} else {
			b.WriteString(fit(title, c.width))
		}
	}
	return clip(b.String(), h.width)
}

func (h historyTable) rowLine(i int, now time.Time) string {
	l := h.lines[i]
	g := &h.groups[l.group]
	r, _ := h.rowAt(i)
	h.sub = l.attempt >= 0
	selected := i == h.cursor
	var b strings.Builder
	if selected {
		b.WriteByte('>')
	} else {
		b.WriteByte(' ')
	}
	b.WriteString(foldMark(g, h.sub))
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
