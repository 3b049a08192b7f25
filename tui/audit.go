package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// openAudit shows the audit log view in place of the history and loads the newest entries afresh.
func (m *Model) openAudit() tea.Cmd {
	if !m.isSupervisor() {
		return m.denied("the audit log")
	}
	m.auditBack = m.focus
	seq := m.audit.Reload()
	return tea.Batch(m.setFocus(focusAudit), m.cmds.audit(seq, auditLimit))
}

// auditKey handles the keys of the audit log view: it scrolls, filters (/) and closes, nothing else.
func (m *Model) auditKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	if m.audit.Filtering() {
		switch {
		case key.Matches(msg, k.ApplyFilter):
			m.audit.StopFilter(false)
			return nil
		case key.Matches(msg, k.ClearFilter):
			m.audit.StopFilter(true)
			return nil
		}
		return m.audit.UpdateFilter(msg)
	}
	switch {
	case key.Matches(msg, k.Filter):
		return m.audit.StartFilter()
	case key.Matches(msg, k.Up):
		m.audit.Move(-1)
	case key.Matches(msg, k.Down):
		m.audit.Move(+1)
	case key.Matches(msg, k.PageUp):
		m.audit.Move(-m.audit.pageRows())
	case key.Matches(msg, k.PageDown):
		m.audit.Move(+m.audit.pageRows())
	case key.Matches(msg, k.Home):
		m.audit.Top()
	case key.Matches(msg, k.End):
		m.audit.Bottom()
	case key.Matches(msg, k.Audit, k.Back):
		back := m.auditBack
		if back == focusLive && m.live.Len() == 0 {
			back = focusHistory // the calls ended while the log was open
		}
		return m.setFocus(back)
	case key.Matches(msg, k.Help):
		m.back = focusAudit
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Quit):
		return m.quit()
	}
	return nil
}
