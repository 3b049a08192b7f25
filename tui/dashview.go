package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
)

// The dashboard screen (D): the figures of a window and a breakdown, from the service (stats.Compute), read
// again when the window or the breakdown changes and every dashRefresh while it is open.

// dashRefresh is how often the open dashboard reads its figures again.
const dashRefresh = 30 * time.Second

// dashBreakdowns are the breakdowns b cycles through.
var dashBreakdowns = []stats.Dimension{stats.ByCountry, stats.ByCLI, stats.ByOperator, stats.ByLineType, stats.ByResult}

// figuresMsg carries figures read for the dashboard; seq tells a stale reply from the newest.
type figuresMsg struct {
	seq    uint64
	f      stats.Figures
	pauses []record.Pause // the pauses in force (pausesErr when they could not be read)
	err    error

	pausesErr error
}

// dashTickMsg asks for the dashboard's figures again.
type dashTickMsg struct{ seq uint64 }

// dashState is the dashboard's part of the model.
type dashState struct {
	view   dashboard
	window stats.Window
	by     int    // index in dashBreakdowns
	seq    uint64 // the newest request
	open   bool
	pauses []record.Pause // the pauses in force, as last read
	sel    int            // the pause selected (dashpause.go)
}

// openDashboard shows the dashboard and reads its figures.
func (m *Model) openDashboard() tea.Cmd {
	switch m.focus {
	case focusDashboard:
	case focusVerification:
		// The dashboard replaces the view, and returns where the view would have.
		m.inspect.Close()
	default:
		m.viewBack = m.focus
	}
	m.dash.open = true
	return tea.Batch(m.setFocus(focusDashboard), m.loadFigures())
}

// loadFigures asks the service for the dashboard's figures of its window now.
func (m *Model) loadFigures() tea.Cmd {
	m.dash.seq++
	seq, now, loc := m.dash.seq, m.now(), m.loc
	since, until := m.dash.window.Bounds(now, loc)
	by := []stats.Dimension{dashBreakdowns[m.dash.by], m.dash.window.Bucket()}
	svc := m.svc
	ctx := m.cmds.ctx
	return func() tea.Msg {
		c, cancel := ctx()
		defer cancel()
		f, err := svc.Figures(c, since, until, by, loc)
		ps, perr := svc.Pauses(c)
		return figuresMsg{seq: seq, f: f, err: err, pauses: ps, pausesErr: perr}
	}
}

// figures shows figures that arrived, if they answer the newest request, and arms the next read.
func (m *Model) figures(msg figuresMsg) tea.Cmd {
	if msg.seq != m.dash.seq || !m.dash.open {
		return nil
	}
	if msg.err != nil {
		return m.status.Set("the dashboard's figures could not be read: "+msg.err.Error(), noticeError)
	}
	var alarmText []string
	for _, a := range m.svc.ActiveAlarms() {
		alarmText = append(alarmText, a.ID())
	}
	operators := 1
	if m.seat != nil {
		operators = len(m.seat.Members())
	}
	m.setPauses(msg.pauses, msg.pausesErr)
	m.dash.view.SetData(dashboardData{Figures: msg.f, Window: m.dash.window, By: dashBreakdowns[m.dash.by],
		Live: m.live.Len(), Operators: operators, Alarms: alarmText, Cost: m.svc.Cost()})
	m.showPauses()
	seq := m.dash.seq
	return tea.Tick(dashRefresh, func(time.Time) tea.Msg { return dashTickMsg{seq: seq} })
}

// dashTick reads the figures again if the dashboard is still open and nothing asked since.
func (m *Model) dashTick(msg dashTickMsg) tea.Cmd {
	if !m.dash.open || msg.seq != m.dash.seq {
		return nil
	}
	return m.loadFigures()
}

// dashboardKey handles the dashboard's keys: t switches the window, b the breakdown; D or esc closes it.
func (m *Model) dashboardKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Dashboard, k.Back):
		m.dash.open = false
		return m.closeView()
	case key.Matches(msg, k.DashWindow):
		m.dash.window = stats.Windows[(int(m.dash.window)+1)%len(stats.Windows)]
		return m.loadFigures()
	case key.Matches(msg, k.DashBreakdown):
		m.dash.by = (m.dash.by + 1) % len(dashBreakdowns)
		return m.loadFigures()
	case key.Matches(msg, k.Up):
		m.selectPause(-1)
	case key.Matches(msg, k.Down):
		m.selectPause(+1)
	case pressed(k.ResumePause, msg):
		return m.askResume()
	case key.Matches(msg, k.Help):
		m.back = focusDashboard
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Team):
		m.dash.open = false
		return m.openTeam()
	case key.Matches(msg, k.Quit):
		return m.requestQuit()
	}
	return nil
}

// dashboardKeys enables the dashboard's bindings.
func (m *Model) dashboardKeys() {
	k := &m.keys
	k.DashWindow.SetEnabled(true)
	k.DashBreakdown.SetEnabled(true)
	k.Dashboard.SetEnabled(true)
	k.Dashboard.SetHelp("D", "close")
	k.Back.SetEnabled(true)
	k.Back.SetHelp("esc", "back")
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	k.Team.SetEnabled(true)
	m.pauseKeys()
}
