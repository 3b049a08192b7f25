package tui

import (
	"strings"
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

// maxStatusLines is how many lines a long notice may take. A policy refusal names its rule and when to try
// again at the end, so a notice is wrapped, not cut at the screen's edge.
const maxStatusLines = 3

// statusBar shows one notice at a time. Each notice has an ID; the tick that clears it carries the ID, so
// a tick for an older notice never clears a newer one.
type statusBar struct {
	styles *Styles
	width  int
	ttl    time.Duration
	text   string
	kind   noticeKind
	id     uint64
	lines  []string // the notice as drawn, wrapped to the width: set by Set, Clear and SetSize
}

func newStatusBar(st *Styles, ttl time.Duration) statusBar {
	if ttl <= 0 {
		ttl = 6 * time.Second
	}
	return statusBar{styles: st, ttl: ttl}
}

// SetSize sets the bar's width.
func (s *statusBar) SetSize(w int) {
	s.width = w
	s.rewrap()
}

// Set shows a notice and returns the tick that clears it. Errors stay twice as long as other notices.
func (s *statusBar) Set(text string, kind noticeKind) tea.Cmd {
	s.id++
	s.text, s.kind = text, kind
	s.rewrap()
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
		s.lines = nil
	}
}

// Text returns the notice shown now.
func (s statusBar) Text() string { return s.text }

// Height is the number of lines the bar takes: one, or up to maxStatusLines for a long notice.
func (s statusBar) Height() int { return max(1, len(s.lines)) }

// View renders the notice, wrapped over up to maxStatusLines lines.
func (s statusBar) View() string { return strings.Join(s.lines, "\n") }

// rewrap lays the notice out for the width: a marker that carries its kind without colour, then the text,
// continued under itself.
func (s *statusBar) rewrap() {
	s.lines = nil
	if s.text == "" || s.width <= 2 {
		return
	}
	st, marker := s.styles.StatusInfo, "• "
	switch s.kind {
	case noticeGood:
		st, marker = s.styles.StatusGood, "✓ "
	case noticeError:
		st, marker = s.styles.StatusError, "✗ "
	}
	for i, l := range wrapMax(s.text, s.width-2, maxStatusLines) {
		if i > 0 {
			marker = "  "
		}
		s.lines = append(s.lines, st.Render(marker+l))
	}
}
