package tui

import (
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Layout thresholds: from these sizes up the detail pane is always on screen, beside or under the history.
const (
	wideWidth  = 130
	tallHeight = 40
)

// layout is where everything goes, computed from the window size (and from which panels are open) only
// when one of those changes, never per message.
type layout struct {
	liveRows     int  // call lines in the live pane
	noticeH      int  // lines of the delivered-call notices under the live pane
	historyY     int  // first screen line of the history block
	historyH     int  // lines of the history table (title and column header included)
	historyW     int  // width of the history table
	detailW      int  // width of the detail pane (0: not shown)
	detailH      int  // height of the detail pane
	detailBeside bool // detail to the right of the history
	detailAlways bool // the screen is big enough to show the detail pane all the time
	areaH        int  // lines for history plus detail (and for the full help or the audit log)
	statusH      int  // lines of the status bar, the confirm dialog or the filter input
}

// MaxWidth and MaxHeight bound the screen the console draws, whatever size the terminal reports: every frame
// costs memory and time in proportion to width x height, and over SSH the client chooses the size (one
// window-change of 65535x65535 would otherwise ask for a frame of 4 GiB). A larger terminal shows the console
// in its top-left 400x200 cells. The SSH server clamps sizes before they reach the program too.
const (
	MaxWidth  = 400
	MaxHeight = 200
)

// ClampSize returns the size the console draws at for a terminal of w x h: from 1x1 up to
// MaxWidth x MaxHeight.
func ClampSize(w, h int) (int, int) {
	return min(max(w, 1), MaxWidth), min(max(h, 1), MaxHeight)
}

// setSize stores the window size, within the bounds of ClampSize, and lays everything out. Every size the
// console draws at comes through here.
func (m *Model) setSize(w, h int) {
	m.width, m.height = ClampSize(w, h)
	m.relayout()
}

// relayout computes the layout and gives every component its size. It runs on a resize and when a panel
// opens or closes.
func (m *Model) relayout() {
	w, h := m.width, m.height
	// The status bar first: how many lines a long notice takes depends on the width.
	m.status.SetSize(w)
	m.filter.SetSize(w)
	l := layout{liveRows: m.liveRows(), statusH: m.bottomHeight()}
	// One line per waiting read-back, up to an eighth of the screen (the last line counts the rest).
	m.waiting.SetSize(w, max(1, min(6, h/8)))
	l.noticeH = m.noticeHeight()
	fixed := m.header.Height() + 2 + 1 + l.liveRows + l.noticeH + l.statusH + 1 // header, dialer, live, notices, status, help
	if m.code.open {
		fixed += m.code.Height()
	}
	l.historyY = fixed - l.statusH - 1 // the status and help lines come after the history block
	l.areaH = max(h-fixed, 0)
	l.historyW = w
	switch {
	case w >= wideWidth:
		l.detailAlways, l.detailBeside = true, true
		l.detailW = max(44, w/3)
		l.historyW = w - l.detailW - 1
		l.historyH, l.detailH = l.areaH, l.areaH
	case h >= tallHeight:
		l.detailAlways = true
		l.detailH = l.areaH * 2 / 5
		l.historyH = l.areaH - l.detailH
		l.detailW = w
	case m.detailOpen:
		l.historyH = min(l.areaH, 5)
		l.detailH = l.areaH - l.historyH
		l.detailW = w
	default:
		l.historyH = l.areaH
	}
	m.lay = l
	m.header.SetSize(w)
	m.dialer.SetSize(w)
	m.live.SetSize(w, l.liveRows)
	m.code.SetSize(w)
	m.history.SetSize(l.historyW, l.historyH)
	m.detail.SetSize(l.detailW, l.detailH)
	m.audit.SetSize(w, l.areaH)
	m.inspect.SetSize(w, l.areaH)
	m.team.SetSize(w, l.areaH)
	m.help.SetSize(w)
	m.help.SetHeight(max(l.areaH-1, 1))
}

// liveRows is how many call lines the live pane takes: one per live call, at least one (for "no calls in
// progress"), and with its title at most half the screen; more calls than that scroll.
func (m *Model) liveRows() int {
	return min(max(m.live.Len(), 1), max(m.height/2-1, 1))
}

// noticeHeight is how many lines the delivered-call notices take: one per waiting read-back but the one open
// in the code entry, within the layout's bound.
func (m *Model) noticeHeight() int { return m.waiting.Height(m.openReadBack()) + m.teamHeight() }

// openReadBack is the verification whose read-back the code entry shows, 0 when it is closed.
func (m *Model) openReadBack() int64 {
	if m.code.open {
		return m.code.verificationID
	}
	return 0
}

// detailRow is the attempt the detail pane describes, and its number as the pane may show it: the live call
// under the cursor while the live calls have the keyboard (masked: a reveal is for its history row), the
// history row under the cursor otherwise.
func (m *Model) detailRow() (record.HistoryRow, bool, string) {
	if m.pane() == focusLive {
		if a, ok := m.live.Selected(); ok {
			r, found := m.history.Row(a.ID)
			if !found || olderThan(r.Attempt, a) {
				r.Attempt = a
			}
			return r, true, shownNumber(r.Number)
		}
	}
	sel, ok := m.history.Selected()
	return sel, ok, m.history.numberText(&sel)
}

// pane is the part of the screen the keyboard is in, or returns to from a dialog or the full help.
func (m *Model) pane() focus {
	switch {
	case m.focus == focusConfirm && m.confirm.quit:
		return m.confirm.back
	case m.focus == focusConfirm, m.focus == focusHelp, m.focus == focusReason:
		return m.back
	}
	return m.focus
}

// detailVisible reports whether the detail pane is on screen.
func (m *Model) detailVisible() bool { return m.lay.detailH > 0 && m.lay.detailW > 0 }

// View draws the screen: exactly the window's width and height, whatever the state.
func (m *Model) View() string {
	now := m.now()
	lines := make([]string, 0, m.height)
	lines = append(lines, splitLines(m.header.View())...)
	lines = append(lines, splitLines(m.dialer.View())...)
	lines = append(lines, splitLines(m.live.View(now))...)
	if m.lay.noticeH > 0 {
		team := m.teamText()
		n := m.lay.noticeH
		if team != "" {
			n--
		}
		if n > 0 {
			lines = append(lines, pad(splitLines(m.waiting.View(now, m.openReadBack(), m.readersOf)), n)...)
		}
		if team != "" {
			lines = append(lines, m.styles.Warn.Render(clip(team, m.width)))
		}
	}
	if m.code.open {
		lines = append(lines, splitLines(m.code.View(now, m.readersOf(m.code.verificationID)))...)
	}
	lines = append(lines, m.areaLines(now)...)
	lines = append(lines, pad(m.bottomLines(), m.lay.statusH)...)
	lines = append(lines, m.help.ShortView(m.keys))
	return frame(lines, m.width, m.height)
}

// areaLines renders the history block: the table with its detail pane, the audit log, or the full help.
func (m *Model) areaLines(now time.Time) []string {
	area := m.lay.areaH
	if area <= 0 {
		return nil
	}
	if m.focus == focusAudit {
		return pad(splitLines(m.audit.View()), area)
	}
	if m.focus == focusHelp {
		return pad(m.helpLines(), area)
	}
	switch m.pane() {
	case focusVerification:
		return pad(splitLines(m.inspect.View(now, m.readersOf(m.inspect.id))), area)
	case focusPresence:
		return pad(splitLines(m.team.View(m.members, m.seatID(), m.seat == nil, now)), area)
	case focusDashboard:
		m.dash.view.SetSize(m.width, area)
		return pad(splitLines(m.dash.view.View()), area)
	}
	if !m.ready {
		// The history and the live calls are still on their way (a slow database, or a service still
		// reaching Restcomm): say so rather than show an empty table.
		return pad([]string{sectionTitle(&m.styles, "History", false, m.width),
			m.styles.Muted.Render(clip("  connecting… loading the history and the live calls", m.width))}, area)
	}
	hist := pad(splitLines(m.history.View(now)), m.lay.historyH)
	if !m.detailVisible() {
		return pad(hist, area)
	}
	sel, ok, number := m.detailRow()
	det := pad(splitLines(m.detail.View(sel, ok, number, now)), m.lay.detailH)
	if !m.lay.detailBeside {
		return pad(append(hist, det...), area)
	}
	out := make([]string, area)
	sep := m.styles.Muted.Render("│")
	for i := range out {
		out[i] = fit(hist[i], m.lay.historyW) + sep + det[i]
	}
	return out
}

// bottomLines is the confirm dialog, the filter input or the current notice: one line, or a few for a long
// question or notice.
func (m *Model) bottomLines() []string {
	switch m.focus {
	case focusConfirm:
		lines := m.confirmLines()
		for i := range lines {
			lines[i] = m.styles.Dialog.Render(fit(" "+lines[i], m.width))
		}
		return lines
	case focusFilter:
		return []string{m.filter.View()}
	case focusReason:
		return m.reasonLines()
	}
	return splitLines(m.status.View())
}

// bottomHeight is how many lines bottomLines takes.
func (m *Model) bottomHeight() int {
	switch m.focus {
	case focusConfirm:
		return max(1, len(m.confirmLines()))
	case focusFilter:
		return 1
	case focusReason:
		return len(m.reasonLines())
	}
	return m.status.Height()
}

// confirmLines is the confirm dialog's question and answers, wrapped to the width. The quit question says
// its own answers.
func (m *Model) confirmLines() []string {
	if m.confirm.quit {
		return wrapMax(m.confirm.question, m.width-1, maxStatusLines)
	}
	return wrapMax(m.confirm.question+"  y = yes, n = no", m.width-1, maxStatusLines)
}

// pad makes lines exactly n long, cutting or adding empty lines.
func pad(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}
