package tui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// The dashboard's pauses: the countries and ranges an alarm stopped calls to are listed under the tiles;
// ↑/↓ select one and u resumes it, after a question, for a supervisor (verify.Service.ResumePause, audited).
// Every operator sees them; for an operator u says it is for supervisors.

// resumedMsg is the reply to ResumePause.
type resumedMsg struct {
	id  int64
	p   *record.Pause
	err error
}

// setPauses keeps the pauses just read, the selection on the same pause where it is still in force.
func (m *Model) setPauses(ps []record.Pause, err error) {
	if err != nil {
		return // keep the last ones read: the figures say what failed, if anything
	}
	var selected int64
	if s := m.dash.sel; s < len(m.dash.pauses) {
		selected = m.dash.pauses[s].ID
	}
	m.dash.pauses, m.dash.sel = ps, 0
	for i, p := range ps {
		if p.ID == selected {
			m.dash.sel = i
		}
	}
}

// showPauses hands the pauses to the dashboard's view.
func (m *Model) showPauses() {
	m.dash.view.SetPauses(m.dash.pauses, m.dash.sel, m.isSupervisor())
}

// selectPause moves the selection by delta.
func (m *Model) selectPause(delta int) {
	if n := len(m.dash.pauses); n > 0 {
		m.dash.sel = min(max(m.dash.sel+delta, 0), n-1)
		m.showPauses()
	}
}

// pauseKeys enables the dashboard's pause keys: ↑/↓ while there are pauses to choose from, u while there
// is one (worded for who may use it).
func (m *Model) pauseKeys() {
	k := &m.keys
	n := len(m.dash.pauses)
	k.Up.SetEnabled(n > 1)
	k.Down.SetEnabled(n > 1)
	k.ResumePause.SetEnabled(n > 0)
	if m.isSupervisor() {
		k.ResumePause.SetHelp("u", "resume calls")
	} else {
		k.ResumePause.SetHelp("u", "resume: supervisors only")
	}
}

// askResume asks before resuming the selected pause; an operator is told it is for supervisors.
func (m *Model) askResume() tea.Cmd {
	if len(m.dash.pauses) == 0 {
		return nil
	}
	if !m.isSupervisor() {
		return m.denied("resuming calls an alarm paused")
	}
	p := m.dash.pauses[min(m.dash.sel, len(m.dash.pauses)-1)]
	return m.ask(fmt.Sprintf("Resume calls to %s %s (pause %d, by the alarm %s)? Audited.", p.Scope, p.Key, p.ID, p.Alarm),
		m.cmds.resumePause(p.ID))
}

// resumed shows the reply to ResumePause and reads the dashboard again.
func (m *Model) resumed(msg resumedMsg) tea.Cmd {
	var cmds []tea.Cmd
	if m.dash.open {
		cmds = append(cmds, m.loadFigures())
	}
	if msg.err != nil {
		return tea.Batch(append(cmds, m.status.Set(fmt.Sprintf("pause %d not resumed: %v", msg.id, msg.err), noticeError))...)
	}
	// The resumed pause leaves the list at once, with the notice; the read just started confirms the rest.
	kept := make([]record.Pause, 0, len(m.dash.pauses))
	for _, p := range m.dash.pauses {
		if p.ID != msg.id {
			kept = append(kept, p)
		}
	}
	m.setPauses(kept, nil)
	m.showPauses()
	m.pauseKeys()
	return tea.Batch(append(cmds, m.status.Set(fmt.Sprintf("calls to %s %s resumed (pause %d)", msg.p.Scope, msg.p.Key, msg.p.ID), noticeGood))...)
}

// resumePause resumes a pause.
func (c commands) resumePause(id int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		p, err := c.svc.ResumePause(ctx, c.op, id)
		return resumedMsg{id: id, p: p, err: err}
	}
}
