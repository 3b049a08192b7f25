package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// handleKey routes a key: to the focused part first, and to the console's own bindings only where no text
// input would take it. ctrl+c always quits.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	if key.Matches(msg, k.ForceQuit) {
		return m.quit()
	}
	switch m.focus {
	case focusConfirm:
		switch {
		case key.Matches(msg, k.Yes):
			yes := m.confirm.yes
			if m.confirm.busy != 0 {
				m.busy[m.confirm.busy] = true
			}
			m.confirm = confirmDialog{}
			return tea.Batch(m.setFocus(m.back), yes)
		case key.Matches(msg, k.No):
			m.confirm = confirmDialog{}
			return m.setFocus(m.back)
		}
		return nil
	case focusHelp:
		switch {
		case key.Matches(msg, k.Help, k.Back):
			return m.setFocus(m.back)
		case key.Matches(msg, k.Quit):
			return m.quit()
		}
		return nil
	case focusAudit:
		return m.auditKey(msg)
	case focusFilter:
		switch {
		case key.Matches(msg, k.ApplyFilter):
			return m.setFocus(focusHistory)
		case key.Matches(msg, k.ClearFilter):
			m.history.SetFilter("")
			return m.setFocus(focusHistory)
		}
		var cmd tea.Cmd
		before := m.filter.Value()
		m.filter, cmd = m.filter.Update(msg)
		if m.filter.Value() != before {
			m.history.SetFilter(m.filter.Value())
		}
		return cmd
	case focusInput:
		switch {
		case key.Matches(msg, k.Call):
			return m.place()
		case msg.Type == tea.KeyEnter:
			// Enter with nothing dialable: say why instead of doing nothing.
			if m.placing {
				return m.status.Set("a call is being placed: wait for it", noticeInfo)
			}
			return m.status.Set("not called: "+m.dialer.Problem(), noticeError)
		case key.Matches(msg, k.NextFocus):
			return m.cycle(+1)
		case key.Matches(msg, k.PrevFocus):
			return m.cycle(-1)
		case key.Matches(msg, k.Back):
			m.dialer.Reset()
			return nil
		}
		var cmd tea.Cmd
		m.dialer, cmd = m.dialer.Update(msg)
		return cmd
	case focusCode:
		switch {
		case key.Matches(msg, k.SubmitCode):
			return m.submitCode()
		case msg.Type == tea.KeyEnter:
			if !m.code.checking {
				m.code.SetResult(fmt.Sprintf("type all %d digits", m.code.digits), noticeError)
			}
			return nil
		case key.Matches(msg, k.NextFocus):
			return m.cycle(+1)
		case key.Matches(msg, k.PrevFocus):
			return m.cycle(-1)
		case key.Matches(msg, k.Back):
			m.code.Close()
			m.relayout()
			return m.setFocus(focusInput)
		}
		var cmd tea.Cmd
		m.code, cmd = m.code.Update(msg)
		return cmd
	case focusLive:
		if cmd, done := m.supervisorOnly(msg); done {
			return cmd
		}
		switch {
		case key.Matches(msg, k.Up):
			m.live.Move(-1)
			return nil
		case key.Matches(msg, k.Down):
			m.live.Move(+1)
			return nil
		}
		if a, ok := m.live.Selected(); ok {
			if cmd, done := m.actionKey(msg, a.ID, a.VerificationID); done {
				return cmd
			}
		}
	case focusHistory:
		if cmd, done := m.supervisorOnly(msg); done {
			return cmd
		}
		if cmd, done := m.historyKey(msg); done {
			return cmd
		}
	}
	return m.globalKey(msg)
}

// historyKey handles the table's own keys.
func (m *Model) historyKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	page := m.history.pageRows()
	switch {
	case key.Matches(msg, k.Up):
		m.history.Move(-1)
	case key.Matches(msg, k.Down):
		m.history.Move(+1)
	case key.Matches(msg, k.PageUp):
		m.history.Move(-page)
	case key.Matches(msg, k.PageDown):
		m.history.Move(+page)
	case key.Matches(msg, k.Home):
		m.history.Top()
	case key.Matches(msg, k.End):
		m.history.Bottom()
	case key.Matches(msg, k.Filter):
		m.back = focusHistory
		return m.setFocus(focusFilter), true
	case key.Matches(msg, k.Details):
		m.detailOpen = !m.detailOpen
		m.relayout()
	case key.Matches(msg, k.Reveal):
		return m.toggleReveal(), true
	default:
		r, ok := m.history.Selected()
		if !ok {
			return nil, false
		}
		return m.actionKey(msg, r.ID, r.VerificationID)
	}
	return nil, true
}

// actionKey handles the keys that act on an attempt and its verification, from the history or the live
// list.
func (m *Model) actionKey(msg tea.KeyMsg, attemptID, verificationID int64) (tea.Cmd, bool) {
	k := &m.keys
	row, _ := m.history.Row(attemptID)
	number := row.Number
	if a, ok := m.live.Selected(); ok && m.focus == focusLive {
		number = a.Number
	}
	shown := shownNumber(number)
	switch {
	case key.Matches(msg, k.EnterCode):
		return m.openCode(verificationID, number, m.verifs[verificationID].ExpiresAt, false), true
	case key.Matches(msg, k.HangUp):
		return m.ask(fmt.Sprintf("Hang up the call to %s?", shown), m.cmds.hangUp(attemptID, number)), true
	case key.Matches(msg, k.Retry):
		m.busy[verificationID] = true
		return tea.Batch(m.cmds.retry(verificationID, number), m.status.Set("calling "+shown+" again…", noticeInfo)), true
	case key.Matches(msg, k.NoCall):
		m.busy[verificationID] = true
		return m.cmds.reportNoCall(verificationID, number), true
	case key.Matches(msg, k.Cancel):
		return m.ask(fmt.Sprintf("Cancel the verification of %s?", shown), m.cmds.cancel(verificationID, number)), true
	case key.Matches(msg, k.Supersede):
		if !m.isSupervisor() {
			return m.denied("starting a fresh verification over an open one (supersede)"), true
		}
		cmd := m.ask(fmt.Sprintf("Start a fresh verification for %s? The open one is superseded (audited).", shown),
			m.cmds.supersede(verificationID, number))
		m.confirm.busy = verificationID
		return cmd, true
	}
	return nil, false
}

// globalKey handles what works wherever no text input has the keyboard.
func (m *Model) globalKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.NextFocus):
		return m.cycle(+1)
	case key.Matches(msg, k.PrevFocus):
		return m.cycle(-1)
	case key.Matches(msg, k.Back):
		return m.setFocus(focusInput)
	case key.Matches(msg, k.Help):
		m.back = m.focus
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Audit):
		return m.openAudit()
	case key.Matches(msg, k.Quit):
		return m.quit()
	}
	return nil
}

// ask opens the confirm dialog; yes runs the command.
func (m *Model) ask(question string, yes tea.Cmd) tea.Cmd {
	m.back = m.focus
	m.confirm = confirmDialog{question: question, yes: yes}
	return m.setFocus(focusConfirm)
}

// place starts a call to the typed number.
func (m *Model) place() tea.Cmd {
	n, ok := m.dialer.Number()
	if !ok {
		return m.status.Set("not called: "+m.dialer.Problem(), noticeError)
	}
	m.placing = true
	return tea.Batch(m.cmds.place(m.dialer.Value(), n.E164), m.status.Set("placing a call to "+shownNumber(n.E164)+"…", noticeInfo))
}

// submitCode sends the typed digits for checking.
func (m *Model) submitCode() tea.Cmd {
	m.code.checking = true
	m.code.SetResult("", noticeInfo)
	m.busy[m.code.verificationID] = true
	return m.cmds.check(m.code.verificationID, m.code.Value())
}

// handleMouse scrolls the history with the wheel and selects a row on a click.
func (m *Model) handleMouse(msg tea.MouseMsg) {
	switch m.focus {
	case focusConfirm, focusHelp:
		return
	case focusAudit:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.audit.Move(-3)
		case tea.MouseButtonWheelDown:
			m.audit.Move(+3)
		}
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.history.Move(-3)
	case tea.MouseButtonWheelDown:
		m.history.Move(+3)
	case tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress || msg.X >= m.lay.historyW {
			return
		}
		y := msg.Y - m.lay.historyY
		if y >= 0 && y < m.lay.historyH && m.history.ClickRow(y) && m.focus != focusFilter {
			m.setFocus(focusHistory)
		}
	}
}

// updateKeys enables exactly the bindings that do something now, so the help line never offers a key that
// would be ignored and key.Matches never fires a key that should not. While the full help is open, it lists
// what works in the pane it was opened from.
func (m *Model) updateKeys() {
	if m.focus == focusHelp {
		m.keysFor(m.back)
		m.fullKeys = m.keys
	}
	m.keysFor(m.focus)
}

// keysFor enables the bindings that work when f has the keyboard.
func (m *Model) keysFor(f focus) {
	k := &m.keys
	for _, b := range k.all() {
		b.SetEnabled(false)
	}
	k.ForceQuit.SetEnabled(true)
	multiPane := len(m.panes()) > 1
	switch f {
	case focusConfirm:
		k.Yes.SetEnabled(true)
		k.No.SetEnabled(true)
		return
	case focusHelp:
		k.Help.SetEnabled(true)
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "close help")
		k.Quit.SetEnabled(true)
		return
	case focusFilter:
		k.ApplyFilter.SetEnabled(true)
		k.ClearFilter.SetEnabled(true)
		return
	case focusInput:
		_, dialable := m.dialer.Number()
		k.Call.SetEnabled(dialable && !m.placing)
		k.NextFocus.SetEnabled(multiPane)
		k.PrevFocus.SetEnabled(multiPane)
		k.Back.SetEnabled(m.dialer.Value() != "")
		k.Back.SetHelp("esc", "clear number")
		return
	case focusCode:
		k.SubmitCode.SetEnabled(m.code.Complete() && !m.code.checking)
		k.NextFocus.SetEnabled(multiPane)
		k.PrevFocus.SetEnabled(multiPane)
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "close code entry")
		return
	case focusAudit:
		// Read-only: moving and closing is all there is.
		n := m.audit.Len()
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
			b.SetEnabled(n > 1)
		}
		k.Audit.SetEnabled(true)
		k.Audit.SetHelp("A", "close audit log")
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "back")
		k.Help.SetEnabled(true)
		k.Quit.SetEnabled(true)
		return
	}
	// The lists: no text input has the keyboard, so single-letter keys work.
	k.NextFocus.SetEnabled(multiPane)
	k.PrevFocus.SetEnabled(multiPane)
	k.Back.SetEnabled(true)
	k.Back.SetHelp("esc", "to number")
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	k.Audit.SetEnabled(m.isSupervisor())
	k.Audit.SetHelp("A", "audit log")
	switch f {
	case focusLive:
		k.Up.SetEnabled(m.live.Len() > 1)
		k.Down.SetEnabled(m.live.Len() > 1)
		if a, ok := m.live.Selected(); ok {
			r, _ := m.history.Row(a.ID)
			m.enableActions(isLive(a), a.VerificationID, r.VerificationStatus, a.Number)
		}
	case focusHistory:
		n := m.history.Len()
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
			b.SetEnabled(n > 1)
		}
		k.Filter.SetEnabled(m.history.Total() > 0)
		k.Details.SetEnabled(!m.lay.detailAlways && n > 0)
		if m.detailOpen {
			k.Details.SetHelp("enter", "hide details")
		} else {
			k.Details.SetHelp("enter", "details")
		}
		if r, ok := m.history.Selected(); ok {
			m.enableActions(isLive(r.Attempt), r.VerificationID, r.VerificationStatus, r.Number)
			// Reveal needs a supervisor, a number to reveal (not an anonymised row) and no reveal of it on its way.
			k.Reveal.SetEnabled(m.isSupervisor() && r.Number != "" && m.revealFor != r.ID)
			if m.history.Revealed(r.ID) {
				k.Reveal.SetHelp("v", "hide number")
			} else {
				k.Reveal.SetHelp("v", "reveal number")
			}
		}
	}
}

// enableActions turns on the actions that apply to an attempt and its verification.
func (m *Model) enableActions(live bool, verificationID int64, status record.Status, number string) {
	k := &m.keys
	if verificationID == 0 || m.busy[verificationID] {
		k.HangUp.SetEnabled(live)
		return
	}
	k.HangUp.SetEnabled(live)
	k.EnterCode.SetEnabled(status == record.StatusAwaitingCode)
	k.Retry.SetEnabled(!live && (status == record.StatusNotDelivered || status == record.StatusAwaitingCode))
	k.NoCall.SetEnabled(status == record.StatusAwaitingCode)
	k.Cancel.SetEnabled(status != "" && !status.Final())
	// A fresh verification replaces an open one whose call has ended; the service refuses while it rings.
	k.Supersede.SetEnabled(m.isSupervisor() && number != "" && !live &&
		(status == record.StatusNotDelivered || status == record.StatusAwaitingCode))
}
