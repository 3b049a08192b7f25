package tui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// The history table holds a window of the history and pages the rest from the database (keyset pages,
// record.HistoryPage), so a session holds its screen and a margin, never the whole history. A page request
// runs in a command; its reply carries the generation of the filter and sort it was made for, and is dropped
// when they have changed since.

// pageKind is what a page request is for.
type pageKind int

const (
	pageNone    pageKind = iota
	pageFirst            // the top of the history: the window starts again there, cursor on top
	pageRefresh          // the top again, keeping the cursor on its line (new verifications arrived)
	pageAfter            // the rows after the window
	pageBefore           // the rows before the window
	pageLast             // the bottom of the history: the window ends there, cursor on the last line
)

// pager is the page request in flight.
type pager struct {
	gen      uint64   // bumped when the filter or the sort changes
	seq      uint64   // numbers the requests
	countSeq uint64   // numbers the count requests
	inflight pageKind // pageNone when nothing is asked for
	stale    bool     // verifications arrived that the window may miss: refresh it when it is at the top
	failed   bool     // the last request failed: no page is asked for on its own until the operator moves
}

// active reports whether a page is being loaded.
func (p pager) active() bool { return p.inflight != pageNone }

// historyPageMsg is the reply to a page request.
type historyPageMsg struct {
	gen, seq uint64
	kind     pageKind
	res      record.HistoryResult
	err      error
}

// historyCountMsg is the reply to counting what the filter matches, asked for after its first page: the
// page is what the operator waits for, the count only fills in the title.
type historyCountMsg struct {
	gen, seq uint64
	res      record.HistoryResult
	err      error
}

// historyAttemptsMsg is the reply to loading an unfolded verification's attempts.
type historyAttemptsMsg struct {
	verificationID int64
	rows           []record.HistoryRow
	err            error
}

// DefaultHistoryWindow is how many verifications a session holds at most when Options.HistoryLimit is zero:
// what a screen shows, and a margin on both sides for scrolling without waiting.
const DefaultHistoryWindow = 300

// fetchSize is how many verifications one page request asks for: a third of the window, and more than a
// screen.
func (h historyTable) fetchSize() int {
	return min(max(h.window/3, h.pageRows()+1, 10), record.MaxHistoryPage)
}

// request builds the page query of kind and marks it in flight.
func (h *historyTable) request(kind pageKind) (record.HistoryPage, uint64) {
	q := record.HistoryPage{Filter: h.filter, Sort: h.sort, Limit: h.fetchSize()}
	switch kind {
	case pageRefresh:
		// The window again from the top, as far down as it reached.
		q.Limit = min(max(len(h.groups), q.Limit), record.MaxHistoryPage)
	case pageAfter:
		if n := len(h.groups); n > 0 {
			k := record.KeyOf(&h.groups[n-1].v, h.sort)
			q.After = &k
		}
	case pageBefore:
		if len(h.groups) > 0 {
			k := record.KeyOf(&h.groups[0].v, h.sort)
			q.After, q.Backward = &k, true
		}
	case pageLast:
		q.Backward = true
	}
	h.paging.seq++
	h.paging.inflight = kind
	return q, h.paging.seq
}

// applyPage merges a page reply into the window and trims the window to its size at the far end.
func (h *historyTable) applyPage(msg historyPageMsg) {
	if msg.gen != h.paging.gen || msg.seq != h.paging.seq {
		return // made for another filter or sort, or overtaken by a later request
	}
	h.paging.inflight = pageNone
	h.paging.failed = msg.err != nil
	if msg.err != nil {
		return
	}
	rows := msg.res.Rows
	if msg.res.Total >= 0 {
		h.total, h.totalCapped = msg.res.Total, msg.res.TotalCapped
	}
	vid, aid := h.selectedKey()
	switch msg.kind {
	case pageFirst, pageRefresh, pageLast:
		open := map[int64]historyGroup{}
		for _, g := range h.groups {
			if g.open {
				open[g.v.ID] = g
			}
		}
		h.groups = h.groups[:0]
		for _, r := range rows {
			g := groupOf(r)
			if o, ok := open[g.v.ID]; ok && msg.kind == pageRefresh {
				g.open, g.rows = true, o.rows
			}
			h.groups = append(h.groups, g)
		}
		if msg.kind == pageLast {
			h.atStart, h.atEnd = !msg.res.More, true
		} else {
			h.atStart, h.atEnd = true, !msg.res.More
		}
		h.relines()
		h.pending = 0
		switch {
		case msg.kind == pageLast:
			h.cursor = len(h.lines) - 1
		case msg.kind == pageRefresh && h.reselect(vid, aid):
		default:
			h.cursor, h.offset = 0, 0
		}
		h.clamp()
	case pageAfter:
		h.groups = append(h.groups, h.fresh(rows)...)
		h.atEnd = !msg.res.More
		h.relines()
		h.reselect(vid, aid)
		h.trim(true)
		h.movePending()
	case pageBefore:
		add := h.fresh(rows)
		h.groups = append(add, h.groups...)
		h.atStart = !msg.res.More
		h.relines()
		h.reselect(vid, aid)
		h.trim(false)
		h.movePending()
	}
}

// fresh drops the rows of a page that the window holds already.
func (h *historyTable) fresh(rows []record.VerificationRow) []historyGroup {
	out := make([]historyGroup, 0, len(rows))
	for _, r := range rows {
		if _, ok := h.byVerif[r.ID]; !ok {
			out = append(out, groupOf(r))
		}
	}
	return out
}

// trim keeps at most the window's size of verifications (never dropping the one under the cursor), dropping
// them at the start (fromStart) or at the end.
func (h *historyTable) trim(fromStart bool) {
	extra := len(h.groups) - max(h.window, 3*h.fetchSize())
	if extra <= 0 {
		return
	}
	vid, aid := h.selectedKey()
	sel := h.byVerif[vid]
	if fromStart {
		extra = min(extra, sel)
	} else {
		extra = min(extra, len(h.groups)-1-sel)
	}
	if extra <= 0 {
		return
	}
	if fromStart {
		h.groups = slices.Delete(h.groups, 0, extra)
		h.atStart = false
	} else {
		h.groups = h.groups[:len(h.groups)-extra]
		h.atEnd = false
	}
	h.relines()
	h.reselect(vid, aid)
}

// nearEdge returns the page to load for where the cursor is: the next rows when it is within a screen of
// the window's end, the previous ones near its start, pageNone otherwise or while a page is loading.
func (h historyTable) nearEdge() pageKind {
	if h.paging.active() || h.paging.failed {
		return pageNone
	}
	margin := h.pageRows()
	switch {
	case !h.atEnd && h.cursor >= len(h.lines)-1-margin:
		return pageAfter
	case !h.atStart && h.cursor <= margin:
		return pageBefore
	}
	return pageNone
}

// loadHistory asks for a page of the history.
func (m *Model) loadHistory(kind pageKind) tea.Cmd {
	q, seq := m.history.request(kind)
	return m.cmds.page(m.history.paging.gen, seq, kind, q)
}

// historyPaged merges a page reply, and asks for the next one when the cursor is still near an edge.
func (m *Model) historyPaged(msg historyPageMsg) tea.Cmd {
	if msg.gen != m.history.paging.gen || msg.seq != m.history.paging.seq {
		return nil
	}
	m.history.applyPage(msg)
	var cmds []tea.Cmd
	if msg.err != nil {
		cmds = append(cmds, m.status.Set("the history could not be read: "+msg.err.Error(), noticeError))
	} else if msg.kind == pageFirst || msg.kind == pageRefresh {
		cmds = append(cmds, m.countHistory())
	}
	return tea.Batch(cmds...) // the next page, if the cursor is still near an edge, comes from historyScrolled
}

// countHistory asks how many verifications the filter matches.
func (m *Model) countHistory() tea.Cmd {
	h := &m.history
	h.paging.countSeq++
	return m.cmds.count(h.paging.gen, h.paging.countSeq, record.HistoryPage{Filter: h.filter, Limit: 1, Count: true})
}

// historyCounted fills in the count, unless the filter has changed since it was asked for.
func (m *Model) historyCounted(msg historyCountMsg) {
	h := &m.history
	if msg.gen != h.paging.gen || msg.seq != h.paging.countSeq || msg.err != nil {
		return
	}
	h.total, h.totalCapped = msg.res.Total, msg.res.TotalCapped
}

// historyScrolled loads the next or previous page when the cursor has come near an edge of the window, and
// reads the window again when calls arrived that it may miss. It runs after every message, and costs nothing
// when there is nothing to load.
func (m *Model) historyScrolled() tea.Cmd {
	h := &m.history
	if h.paging.stale && h.atStart && !h.paging.active() && !h.paging.failed {
		h.paging.stale = false
		return m.loadHistory(pageRefresh)
	}
	if k := h.nearEdge(); k != pageNone {
		return m.loadHistory(k)
	}
	return nil
}

// historyTop and historyBottom jump to the newest and the oldest verification (in the sort order), loading
// that end of the history when the window does not hold it.
func (m *Model) historyTop() tea.Cmd {
	if m.history.atStart {
		m.history.cursor = 0
		m.history.clamp()
		return m.historyScrolled()
	}
	return m.loadHistory(pageFirst)
}

func (m *Model) historyBottom() tea.Cmd {
	if m.history.atEnd {
		m.history.cursor = m.history.Len() - 1
		m.history.clamp()
		return m.historyScrolled()
	}
	return m.loadHistory(pageLast)
}

// setHistoryFilter reads the filter text and, when it reads, queries the history with it. A text that does
// not read (a bad date, two digits) keeps the filter in force and says what is wrong in the filter bar.
func (m *Model) setHistoryFilter(text string) tea.Cmd {
	f, err := parseHistoryFilter(text, m.svc.ParseNumber, m.loc)
	if err != nil {
		m.filter.SetProblem(err.Error())
		return nil
	}
	m.filter.SetProblem("")
	m.history.filter = f
	return m.requery()
}

// cycleSort sorts the history on the next column (time, number, result, operator) and queries it again.
func (m *Model) cycleSort() tea.Cmd {
	m.history.sort = m.history.sort.Next()
	return tea.Batch(m.requery(), m.status.Set("history sorted by "+string(m.history.sort)+" (s for the next column)", noticeInfo))
}

// requery starts the history again from the top for a new filter or sort: replies to the old one are
// dropped.
func (m *Model) requery() tea.Cmd {
	m.history.paging.gen++
	m.history.total = -1
	m.hideReveal()
	return m.loadHistory(pageFirst)
}

// foldHistory shows or hides the attempts of the verification under the cursor, loading them when needed.
func (m *Model) foldHistory(open bool) tea.Cmd {
	if vid := m.history.Fold(open); vid != 0 {
		return m.cmds.verificationAttempts(vid)
	}
	return nil
}

// historyAttempts fills in an unfolded verification's attempts.
func (m *Model) historyAttempts(msg historyAttemptsMsg) tea.Cmd {
	if msg.err != nil {
		if gi, ok := m.history.byVerif[msg.verificationID]; ok {
			m.history.groups[gi].open, m.history.groups[gi].loading = false, false
		}
		return m.status.Set("the calls of this verification could not be read: "+msg.err.Error(), noticeError)
	}
	m.history.SetAttempts(msg.verificationID, msg.rows)
	return nil
}
