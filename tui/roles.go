package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Roles in the console. Five actions are for supervisors only (record.RoleSupervisor): revealing a full
// number (v), the audit log (A), superseding a verification (S), lifting a refusal's rule for one number
// (o, override.go) and resuming calls an alarm paused (u, on the dashboard). The service refuses them to anyone else
// whatever the console does; the console, for an operator, leaves those keys out of the help line and the
// full help (which says, at its foot, that they exist for supervisors), and answers a press of one of them
// on the status bar instead of ignoring it.

// supervisorNote is what the full help tells an operator about the keys it does not list.
const supervisorNote = "for supervisors only: v reveal number · A audit log · S fresh verification · o override · u resume"

// isSupervisor reports whether the session's operator may take the supervisor-only actions.
func (m *Model) isSupervisor() bool { return m.cmds.op.IsSupervisor() }

// supervisorOnly answers, for an operator, a key of a supervisor-only action: it says on the status bar why
// nothing happens. It reports whether the key was one of them.
func (m *Model) supervisorOnly(msg tea.KeyMsg) (tea.Cmd, bool) {
	if m.isSupervisor() {
		return nil, false
	}
	k := &m.keys
	for _, a := range []struct {
		b    key.Binding
		what string
	}{
		{k.Reveal, "revealing a full number"},
		{k.Audit, "the audit log"},
		{k.Supersede, "starting a fresh verification over an open one (supersede)"},
		{k.Override, "lifting a rule for one number (override)"},
	} {
		if slices.Contains(a.b.Keys(), msg.String()) {
			return m.denied(a.what), true
		}
	}
	return nil, false
}

// denied tells an operator that what is for supervisors only.
func (m *Model) denied(what string) tea.Cmd {
	return m.status.Set(what+" is for supervisors only, and you are an operator: ask a supervisor", noticeError)
}
