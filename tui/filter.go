package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// The history filter is a query of the whole history in the database (record.ParseHistoryFilter says what
// each word finds: the last 3 to 8 digits, a whole number in any format the number input takes, an
// operator, a call SID's start or end, a result word, since:/until: dates). Every word must match.

// filterPlaceholder is what the empty filter bar suggests.
const filterPlaceholder = "last digits, a number, operator, SID, result, since:2026-11-30 (all must match)"

// parseHistoryFilter reads a filter text; parse is the number input's own parser, for whole numbers.
func parseHistoryFilter(text string, parse func(string) (policy.Number, error), loc *time.Location) (record.HistoryFilter, error) {
	whole := func(s string) (string, bool) {
		if parse == nil {
			return "", false
		}
		n, err := parse(s)
		return n.E164, err == nil
	}
	return record.ParseHistoryFilter(text, loc, whole)
}

// filterBar is the one-line input that edits the history filter; the table follows it as it is typed.
type filterBar struct {
	input   textinput.Model
	styles  *Styles
	problem string // why the text cannot be read, "" when it can
	width   int
}

func newFilterBar(st *Styles, noClipboard bool) filterBar {
	ti := newTextInput(st, "Filter / ", filterPlaceholder)
	ti.CharLimit = 96
	if noClipboard {
		ti.KeyMap.Paste.SetEnabled(false)
	}
	return filterBar{input: ti, styles: st}
}

// SetSize sets the bar's width.
func (f *filterBar) SetSize(w int) {
	f.width = w
	f.input.Width = max(1, w-len(f.input.Prompt)-1)
}

// Focus gives the bar the keyboard; it starts from the filter in force.
func (f *filterBar) Focus(current string) tea.Cmd {
	f.input.SetValue(current)
	f.input.CursorEnd()
	f.problem = ""
	return f.input.Focus()
}

// Blur takes the keyboard away.
func (f *filterBar) Blur() { f.input.Blur() }

// Value is the filter text.
func (f filterBar) Value() string { return f.input.Value() }

// SetProblem says why the text cannot be read ("" when it can).
func (f *filterBar) SetProblem(p string) { f.problem = p }

// Update edits the text.
func (f filterBar) Update(msg tea.Msg) (filterBar, tea.Cmd) {
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return f, cmd
}

// View renders the input line, and what is wrong with the text after it.
func (f filterBar) View() string {
	if f.problem == "" {
		return clip(f.input.View(), f.width)
	}
	in := f.input // a copy: as wide as the text, so the problem follows it
	in.Width = max(1, min(in.Width, ansi.StringWidth(in.Value())+1))
	return clip(in.View()+"  "+f.styles.StatusError.Render("✗ "+f.problem), f.width)
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
