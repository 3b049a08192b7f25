package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// Over flashcall serve every session has a seat on the server's presence hub (Options.Presence). The
// console tells the hub which read-back it has open and the read-backs it checks; it shows what the others
// do: "alice is reading back +44*******450" on every screen, a notice for each read-back another operator
// checks, and who is connected (w).

// waitForPresence reads one event from the seat's channel; the model re-arms it after every event, and a
// closed channel (the seat left) ends the loop.
func waitForPresence(events <-chan presence.Event) tea.Cmd {
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return presenceClosedMsg{}
		}
		return presenceMsg{ev: ev}
	}
}

// presenceEvents is the seat's event channel, nil alone.
func (m *Model) presenceEvents() <-chan presence.Event {
	if m.seat == nil {
		return nil
	}
	return m.seat.Events()
}

// presenceEvent merges one event from the hub into the screen.
func (m *Model) presenceEvent(ev presence.Event) tea.Cmd {
	switch ev.Kind {
	case presence.Changed:
		m.members = ev.Members
	case presence.Checked:
		return m.checkedByOther(ev.Check)
	}
	return nil
}

// checkedByOther shows a read-back another session checked: a notice naming who and what came of it, the
// result in this session's code entry when it is open on the same verification, and a fresh verification
// view.
func (m *Model) checkedByOther(c presence.Check) tea.Cmd {
	var cmds []tea.Cmd
	if m.inspect.id == c.VerificationID {
		cmds = append(cmds, m.cmds.inspect(m.inspect.Reload(), c.VerificationID))
	}
	if r, ok := m.history.LatestOf(c.VerificationID); ok {
		m.detail.Invalidate(r.ID)
	}
	text := checkNoticeText(c)
	if m.code.open && m.code.verificationID == c.VerificationID && !c.Status.Final() {
		m.code.SetResult(text, noticeError)
	}
	kind := noticeInfo
	switch {
	case c.OK:
		kind = noticeGood
	case m.mine[c.VerificationID] || c.Status == record.StatusFailed:
		kind = noticeError
	}
	return tea.Batch(append(cmds, m.status.Set(text, kind))...)
}

// checkNoticeText words a read-back checked by someone: who, whose number, what came of it; never the digits.
func checkNoticeText(c presence.Check) string {
	n := shownNumber(c.Number)
	switch {
	case c.OK:
		return fmt.Sprintf("%s checked %s: ✓ right digits, verified", c.Operator, n)
	case c.Status == record.StatusFailed:
		return fmt.Sprintf("%s checked %s: ✗ wrong digits, locked", c.Operator, n)
	}
	return fmt.Sprintf("%s checked %s: ✗ wrong digits, %d %s left", c.Operator, n, c.ChecksLeft, plural(c.ChecksLeft, "check", "checks"))
}

// announceCheck tells the other sessions of a read-back this one checked.
func (m *Model) announceCheck(res verify.CheckResult) {
	v := res.Verification
	if m.seat == nil || v.ID == 0 {
		return
	}
	m.seat.Checked(presence.Check{VerificationID: v.ID, Number: v.Number, OK: res.Verified, Status: v.Status,
		ChecksLeft: res.ChecksLeft, At: m.now()})
}

// reportReadBack tells the hub which read-back this session has open, when that changed.
func (m *Model) reportReadBack() {
	if m.seat == nil {
		return
	}
	id := m.openReadBack()
	if id == m.readingAt {
		return
	}
	m.readingAt = id
	number := ""
	if id != 0 {
		number = m.code.number
	}
	m.seat.ReadingBack(id, number)
}

// readersOf is the other operators with verification id's read-back open.
func (m *Model) readersOf(id int64) []string {
	var out []string
	me := m.seatID()
	for _, mb := range m.members {
		if mb.ID != me && id != 0 && mb.ReadingBack == id && !slices.Contains(out, mb.Operator) {
			out = append(out, mb.Operator)
		}
	}
	return out
}

// seatID is this session's member ID, 0 alone.
func (m *Model) seatID() uint64 {
	if m.seat == nil {
		return 0
	}
	return m.seat.ID()
}

// teamText is the line under the notices that says what the others are reading back ("alice is reading
// back +44*******450"), "" when nobody else is.
func (m *Model) teamText() string {
	var parts []string
	me := m.seatID()
	for _, mb := range m.members {
		if mb.ID != me && mb.ReadingBack != 0 {
			parts = append(parts, mb.Operator+" is reading back "+shownNumber(mb.Number))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "◆ " + strings.Join(parts, " · ")
}

// teamHeight is how many lines the team line takes: 1 or 0.
func (m *Model) teamHeight() int {
	if m.teamText() == "" {
		return 0
	}
	return 1
}

// openTeam shows who is connected.
func (m *Model) openTeam() tea.Cmd {
	if m.seat != nil {
		m.members = m.seat.Members()
	}
	if m.focus == focusVerification {
		// The list replaces the view, and returns where the view would have.
		m.inspect.Close()
	} else {
		m.viewBack = m.focus
	}
	m.team.offset = 0
	return m.setFocus(focusPresence)
}

// closeView returns from the verification view or the presence screen to where it was opened.
func (m *Model) closeView() tea.Cmd {
	back := m.viewBack
	if m.focus == focusVerification {
		m.inspect.Close()
	}
	switch back {
	case focusVerification, focusPresence, focusDashboard, focusConfirm, focusHelp, focusFilter:
		back = focusHistory
	}
	if back == focusCode && !m.code.open {
		back = focusInput
	}
	if back == focusLive && m.live.Len() == 0 {
		back = focusHistory
	}
	return m.setFocus(back)
}

// openVerification opens the verification view of a row's verification and loads it.
func (m *Model) openVerification(verificationID int64) tea.Cmd {
	if verificationID == 0 {
		return m.status.Set("this attempt belongs to no verification", noticeError)
	}
	if m.focus != focusVerification {
		m.viewBack = m.focus
	}
	seq := m.inspect.Open(verificationID)
	return tea.Batch(m.setFocus(focusVerification), m.cmds.inspect(seq, verificationID))
}
