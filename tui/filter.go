package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// historyFilter selects history rows. Every word must match: a word of up to 3 digits (a leading + allowed)
// matches numbers ending in those digits, the ones the masked numbers show; a longer word of digits must be
// a whole number (international, or national in the default region) and matches that number only, so the
// filter cannot be used to learn the hidden digits of a number one at a time. Any other word matches the
// start of the call status, the attempt state, the outcome or the result, or the country code.
type historyFilter struct {
	text    string
	digits  []string
	numbers []string // whole numbers, E.164; "" for a long digit word that is no number (matches nothing)
	words   []string
}

// maxSuffixDigits is how many trailing digits a filter word may match on their own: as many as a masked
// number shows.
const maxSuffixDigits = 3

// parseFilter reads a filter text; parse turns a long digit word into the number it stands for.
func parseFilter(text string, parse func(string) (policy.Number, error)) historyFilter {
	f := historyFilter{text: strings.TrimSpace(text)}
	for _, w := range strings.Fields(strings.ToLower(f.text)) {
		if d := strings.TrimPrefix(w, "+"); d != "" && isDigits(d) {
			if len(d) <= maxSuffixDigits {
				f.digits = append(f.digits, d)
				continue
			}
			var e164 string
			if parse != nil {
				if n, err := parse(w); err == nil {
					e164 = n.E164
				}
			}
			f.numbers = append(f.numbers, e164)
			continue
		}
		f.words = append(f.words, w)
	}
	return f
}

// active reports whether the filter selects anything at all.
func (f historyFilter) active() bool { return len(f.digits)+len(f.numbers)+len(f.words) > 0 }

// match reports whether a row passes the filter.
func (f historyFilter) match(r *record.HistoryRow) bool {
	for _, d := range f.digits {
		if !strings.HasSuffix(r.Number, d) {
			return false
		}
	}
	for _, n := range f.numbers {
		if n == "" || r.Number != n {
			return false
		}
	}
	for _, w := range f.words {
		if !prefixFold(r.Status, w) && !prefixFold(string(r.State), w) && !prefixFold(string(r.Outcome), w) &&
			!prefixFold(string(r.VerificationStatus), w) && !strings.EqualFold(r.Country, w) {
			return false
		}
	}
	return true
}

func prefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// filterBar is the one-line input that edits the history filter; the table follows it as it is typed.
type filterBar struct {
	input textinput.Model
	width int
}

func newFilterBar(st *Styles, noClipboard bool) filterBar {
	ti := newTextInput(st, "Filter / ", "last 3 digits or a whole number, status or result, e.g. 450 verified")
	ti.CharLimit = 64
	if noClipboard {
		ti.KeyMap.Paste.SetEnabled(false)
	}
	return filterBar{input: ti}
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
	return f.input.Focus()
}

// Blur takes the keyboard away.
func (f *filterBar) Blur() { f.input.Blur() }

// Value is the filter text.
func (f filterBar) Value() string { return f.input.Value() }

// Update edits the text.
func (f filterBar) Update(msg tea.Msg) (filterBar, tea.Cmd) {
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return f, cmd
}

// View renders the input line.
func (f filterBar) View() string { return clip(f.input.View(), f.width) }
