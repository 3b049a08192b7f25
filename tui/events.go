package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/verify"
)

// waitForEvent reads one event from the service's channel. The model re-arms it after every event, so
// exactly one read is outstanding per session; a closed channel (unsubscribed, or the service closed) ends
// the loop.
func waitForEvent(events <-chan verify.Event) tea.Cmd {
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return eventsClosedMsg{}
		}
		return eventMsg{ev: ev}
	}
}
