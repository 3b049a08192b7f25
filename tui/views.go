package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// verificationKey handles the verification view's keys: scrolling, the read-back of an open verification,
// and closing (i or esc).
func (m *Model) verificationKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	n := m.inspect.bodyLen(m.now(), m.readersOf(m.inspect.id))
	page := m.inspect.bodyRoom()
	switch {
	case key.Matches(msg, k.Inspect, k.Back):
		return m.closeView()
	case key.Matches(msg, k.Up):
		m.inspect.Scroll(-1, n)
	case key.Matches(msg, k.Down):
		m.inspect.Scroll(+1, n)
	case key.Matches(msg, k.PageUp):
		m.inspect.Scroll(-page, n)
	case key.Matches(msg, k.PageDown):
		m.inspect.Scroll(+page, n)
	case key.Matches(msg, k.Home):
		m.inspect.Scroll(-n, n)
	case key.Matches(msg, k.End):
		m.inspect.Scroll(+n, n)
	case key.Matches(msg, k.EnterCode):
		v := m.inspect.data.Verification
		return m.openCode(v.ID, v.Number, v.ExpiresAt)
	case pressed(k.Override, msg):
		if t, ok := m.overrideHere(); ok {
			return m.openOverride(t)
		}
	case key.Matches(msg, k.Help):
		m.back = focusVerification
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Team):
		return m.openTeam()
	case key.Matches(msg, k.Dashboard):
		return m.openDashboard()
	case key.Matches(msg, k.Quit):
		return m.requestQuit()
	}
	return nil
}

// teamKey handles the presence screen's keys.
func (m *Model) teamKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	n := len(m.members)
	switch {
	case key.Matches(msg, k.Team, k.Back):
		return m.closeView()
	case key.Matches(msg, k.Up):
		m.team.Scroll(-1, n)
	case key.Matches(msg, k.Down):
		m.team.Scroll(+1, n)
	case key.Matches(msg, k.PageUp):
		m.team.Scroll(-m.team.rows(), n)
	case key.Matches(msg, k.PageDown):
		m.team.Scroll(+m.team.rows(), n)
	case key.Matches(msg, k.Home):
		m.team.Scroll(-n, n)
	case key.Matches(msg, k.End):
		m.team.Scroll(+n, n)
	case key.Matches(msg, k.Help):
		m.back = focusPresence
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Dashboard):
		return m.openDashboard()
	case key.Matches(msg, k.Quit):
		return m.requestQuit()
	}
	return nil
}

// viewKeys enables the bindings of the verification view and the presence screen.
func (m *Model) viewKeys(f focus) {
	k := &m.keys
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(true)
	}
	k.Home.SetHelp("home/g", "top")
	k.End.SetHelp("end/G", "bottom")
	k.Back.SetEnabled(true)
	k.Back.SetHelp("esc", "back")
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	k.Dashboard.SetEnabled(true)
	if f == focusPresence {
		k.Team.SetEnabled(true)
		k.Team.SetHelp("w", "close")
		return
	}
	k.Team.SetEnabled(true)
	k.Inspect.SetEnabled(true)
	k.Inspect.SetHelp("i", "close")
	v := m.inspect.data.Verification
	k.EnterCode.SetEnabled(m.inspect.loaded && v.Status == record.StatusAwaitingCode && !m.busy[v.ID])
	m.overrideKeys()
}

// copyKeys words and enables y for a row: its number while revealed (a supervisor's reveal), else its SID.
func (m *Model) copyKeys(attemptID int64, sid string) {
	k := &m.keys
	switch {
	case m.history.Revealed(attemptID) && m.isSupervisor():
		k.Copy.SetEnabled(true)
		k.Copy.SetHelp("y", "copy number")
	case sid != "":
		k.Copy.SetEnabled(true)
		k.Copy.SetHelp("y", "copy SID")
	}
	k.Inspect.SetHelp("i", "verification")
}

// copyRow copies a row's number when it is revealed and the operator may (the service audits the copy
// first), and its call SID otherwise, to the terminal's clipboard with OSC 52.
func (m *Model) copyRow(attemptID int64) tea.Cmd {
	if m.history.Revealed(attemptID) && m.isSupervisor() {
		return tea.Batch(m.status.Set("copying the number…", noticeInfo), m.cmds.copyNumber(attemptID, m.renderer.Output()))
	}
	sid := ""
	if r, ok := m.history.Row(attemptID); ok {
		sid = r.CallSID
	}
	if a, ok := m.live.Selected(); ok && m.focus == focusLive && a.ID == attemptID && a.CallSID != "" {
		sid = a.CallSID
	}
	if sid == "" {
		return m.status.Set("nothing to copy: this attempt has no call SID (the call was never created)", noticeError)
	}
	return copyText(m.renderer, sid, "the call SID "+sid)
}

// copied reports a copy.
func (m *Model) copied(msg copiedMsg) tea.Cmd {
	if msg.err != nil {
		return m.status.Set("not copied: "+msg.err.Error(), noticeError)
	}
	return m.status.Set("copied "+msg.what+" to the clipboard (through your terminal: OSC 52)", noticeGood)
}

// codeReturn is where the keyboard goes when the code entry closes: back where the read-back was opened
// from, if that is still on screen, else the number input.
func (m *Model) codeReturn() focus {
	switch b := m.codeBack; {
	case b == focusHistory:
		return b
	case b == focusLive && m.live.Len() > 0:
		return b
	case b == focusVerification && m.inspect.IsOpen():
		return b
	}
	return focusInput
}

// reloadInspect reloads the verification view when it shows verification id.
func (m *Model) reloadInspect(id int64) tea.Cmd {
	if id == 0 || m.inspect.id != id {
		return nil
	}
	return m.cmds.inspect(m.inspect.Reload(), id)
}
