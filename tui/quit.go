package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// requestQuit is q or ctrl+c. With nothing to lose it quits at once; with calls live or a read-back
// half-typed it asks first, and a second q or ctrl+c quits while esc stays.
func (m *Model) requestQuit() tea.Cmd {
	if m.focus == focusConfirm && m.confirm.quit {
		return m.quit()
	}
	q := m.quitQuestion()
	if q == "" {
		return m.quit()
	}
	back := m.focus
	if back == focusConfirm {
		// The question replaces another dialog, which is dropped: esc returns to where that one came from.
		back = m.back
	}
	m.confirm = confirmDialog{question: q, quit: true, back: back}
	return m.setFocus(focusConfirm)
}

// stayAfterQuitQuestion is esc on the quit question: back to where the operator was.
func (m *Model) stayAfterQuitQuestion() tea.Cmd {
	back := m.confirm.back
	m.confirm = confirmDialog{}
	return m.setFocus(back)
}

// quitQuestion words what quitting would leave behind, "" when nothing.
func (m *Model) quitQuestion() string {
	var parts []string
	if n := m.liveLeft(); n > 0 {
		follow := "the next start follows"
		if m.served {
			follow = "the server keeps following"
		}
		if n == 1 {
			parts = append(parts, "1 call is live: it keeps ringing and "+follow+" it up")
		} else {
			parts = append(parts, fmt.Sprintf("%d calls are live: they keep ringing and %s them up", n, follow))
		}
	}
	if n := m.halfTyped(); n == 1 {
		parts = append(parts, "a half-typed read-back is lost")
	} else if n > 1 {
		parts = append(parts, fmt.Sprintf("%d half-typed read-backs are lost", n))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "; q again to quit, esc to stay"
}

// liveLeft is how many live calls quitting leaves: all of them locally, where the service stops with the
// console; this session's own over SSH, where other sessions follow theirs.
func (m *Model) liveLeft() int {
	if !m.served {
		return m.live.Len()
	}
	n := 0
	for _, c := range m.live.calls {
		if m.mine[c.attempt.VerificationID] {
			n++
		}
	}
	return n
}

// halfTyped is how many read-backs hold digits not yet checked: the open one and those left for another.
func (m *Model) halfTyped() int {
	n := len(m.drafts)
	if m.code.open && m.code.Value() != "" && !m.code.checking {
		n++
	}
	return n
}
