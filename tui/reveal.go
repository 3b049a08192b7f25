package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// revealTTL is how long a revealed number stays on screen at most.
//
// Only a supervisor may reveal (see roles.go); the service refuses anyone else too. A reveal shows the full
// number of ONE history row, the one under the cursor when the operator pressed the
// key. It goes through the service, which writes the reveal to the audit log before it answers. The number
// is hidden again, and forgotten, as soon as the cursor leaves that row (whatever moved it: a key, the
// mouse, a filter), when the operator presses the key again, when another row is revealed, or after
// revealTTL, whichever comes first. Only that row and the detail pane of that row show it; the live calls,
// the code entry, notices and every other row stay masked.
const revealTTL = 30 * time.Second

// Reveal shows number in place of the masked number of one attempt's row, and only that row.
func (h *historyTable) Reveal(attemptID int64, number string) {
	h.revealID, h.revealNumber = attemptID, number
}

// HideReveal masks the revealed row again and forgets its number.
func (h *historyTable) HideReveal() { h.revealID, h.revealNumber = 0, "" }

// Revealed reports whether the attempt's row shows its full number now.
func (h historyTable) Revealed(attemptID int64) bool {
	return attemptID != 0 && h.revealID == attemptID
}

// numberText is a row's number as the table and the detail pane show it: in full for the revealed row,
// masked otherwise, "anonymised" when the retention policy removed it.
func (h historyTable) numberText(r *record.HistoryRow) string {
	if r.Number != "" && h.Revealed(r.ID) {
		return h.revealNumber
	}
	return shownNumber(r.Number)
}

// toggleReveal asks the service for the selected row's full number, or hides it when it is shown.
func (m *Model) toggleReveal() tea.Cmd {
	r, ok := m.history.Selected()
	if !ok || r.Number == "" {
		return nil
	}
	if !m.isSupervisor() {
		return m.denied("revealing a full number")
	}
	if m.history.Revealed(r.ID) {
		m.hideReveal()
		return m.status.Set("number hidden", noticeInfo)
	}
	m.hideReveal()
	m.revealFor = r.ID
	return m.cmds.reveal(m.revealSeq, r.ID)
}

// hideReveal masks the revealed row, if any, and makes every reveal reply and hide tick in flight stale.
func (m *Model) hideReveal() {
	m.history.HideReveal()
	m.revealFor = 0
	m.revealSeq++
}

// revealed shows the number the service revealed, if the operator still waits for it on that row.
func (m *Model) revealed(msg revealedMsg) tea.Cmd {
	if msg.seq != m.revealSeq || msg.attemptID != m.revealFor {
		return nil
	}
	m.revealFor = 0
	if msg.err != nil {
		r, _ := m.history.Row(msg.attemptID)
		return m.status.Set("number not revealed: "+record.MaskIn(msg.err.Error(), r.Number), noticeError)
	}
	m.history.Reveal(msg.attemptID, msg.number)
	seq := m.revealSeq
	return tea.Batch(
		tea.Tick(revealTTL, func(time.Time) tea.Msg { return hideRevealMsg{seq: seq} }),
		m.status.Set("number revealed for this row only, and recorded in the audit log: v or moving the cursor hides it", noticeInfo),
	)
}

// hideRevealAfter hides the revealed number when its time is up.
func (m *Model) hideRevealAfter(msg hideRevealMsg) {
	if msg.seq == m.revealSeq {
		m.hideReveal()
	}
}

// keepRevealOnSelection hides a revealed number, and drops a reveal in flight, once the cursor is on
// another row: a full number is only ever shown on the row the operator asked for.
func (m *Model) keepRevealOnSelection() {
	sel := m.selectedAttempt()
	if (m.history.revealID != 0 && m.history.revealID != sel) || (m.revealFor != 0 && m.revealFor != sel) {
		m.hideReveal()
	}
}
