package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// noticeKind says how a notice is styled and how long it stays.
type noticeKind int

const (
	noticeInfo noticeKind = iota
	noticeGood
	noticeError
)

// statusBar shows one notice at a time. Each notice has an ID; the tick that clears it carries the ID, so
// a tick for an older notice never clears a newer one.
type statusBar struct {
	styles *Styles
	width  int
	ttl    time.Duration
	text   string
	kind   noticeKind
	id     uint64
}

func newStatusBar(st *Styles, ttl time.Duration) statusBar {
	if ttl <= 0 {
		ttl = 6 * time.Second
	}
	return statusBar{styles: st, ttl: ttl}
}

// SetSize sets the bar's width.
func (s *statusBar) SetSize(w int) { s.width = w }

// Set shows a notice and returns the tick that clears it. Errors stay twice as long as other notices.
func (s *statusBar) Set(text string, kind noticeKind) tea.Cmd {
	s.id++
	s.text, s.kind = text, kind
	id, ttl := s.id, s.ttl
	if kind == noticeError {
		ttl *= 2
	}
	return tea.Tick(ttl, func(time.Time) tea.Msg { return clearNoticeMsg{id: id} })
}

// Clear removes the notice if id is still the one shown.
func (s *statusBar) Clear(id uint64) {
	if id == s.id {
		s.text = ""
	}
}

// Text returns the notice shown now.
func (s statusBar) Text() string { return s.text }

// View renders the bar as one line.
func (s statusBar) View() string {
	if s.text == "" {
		return ""
	}
	switch s.kind {
	case noticeGood:
		return s.styles.StatusGood.Render(clip("✓ "+s.text, s.width))
	case noticeError:
		return s.styles.StatusError.Render(clip("✗ "+s.text, s.width))
	}
	return s.styles.StatusInfo.Render(clip("• "+s.text, s.width))
}
