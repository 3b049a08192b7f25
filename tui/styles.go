package tui

import (
	"github.com/charmbracelet/lipgloss"
)

// Styles holds every style the console draws with. It is built from one session's renderer, so a program
// served over SSH gets the colours of that session's terminal and never touches a shared default renderer.
// Nothing on the screen relies on colour alone: markers and words carry the meaning, so NO_COLOR and
// monochrome terminals read the same.
type Styles struct {
	// Header is the top line; Banner the notice under it (simulator or demo).
	Header, Banner lipgloss.Style
	// Title is a section title; FocusedTitle the title of the section that has the keyboard.
	Title, FocusedTitle lipgloss.Style
	// Muted is secondary text; Label the name of a field.
	Muted, Label lipgloss.Style
	// Good, Warn and Bad colour results and feedback.
	Good, Warn, Bad lipgloss.Style
	// Prompt is a text input's prompt; Text its text; Placeholder its placeholder; Cursor its cursor.
	Prompt, Text, Placeholder, Cursor lipgloss.Style
	// ColumnHeader is the history table's header row; Selected the row under the cursor in a focused table;
	// SelectedBlurred the same row when the table does not have the keyboard.
	ColumnHeader, Selected, SelectedBlurred lipgloss.Style
	// Spinner colours the live-call spinner.
	Spinner lipgloss.Style
	// StatusInfo, StatusGood and StatusError style the status bar by the kind of notice.
	StatusInfo, StatusGood, StatusError lipgloss.Style
	// Dialog is the confirm dialog line.
	Dialog lipgloss.Style
	// HelpKey, HelpDesc and HelpSep style the help line and the full help.
	HelpKey, HelpDesc, HelpSep lipgloss.Style
}

// NewStyles builds the console's styles from a renderer. A nil renderer means lipgloss's default renderer,
// which is right for a local terminal only; every SSH session must pass its own.
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	var (
		fg      = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E4E4E4"}
		muted   = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
		accent  = lipgloss.AdaptiveColor{Light: "#5A3FD0", Dark: "#9D8CFF"}
		good    = lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#5FD787"}
		warn    = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C14E"}
		bad     = lipgloss.AdaptiveColor{Light: "#C4231C", Dark: "#FF6B6B"}
		selBg   = lipgloss.AdaptiveColor{Light: "#DCD6FF", Dark: "#3E3670"}
		blurBg  = lipgloss.AdaptiveColor{Light: "#E8E8E8", Dark: "#333333"}
		headBg  = lipgloss.AdaptiveColor{Light: "#5A3FD0", Dark: "#3E3670"}
		headFg  = lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#F0F0F0"}
		banner  = lipgloss.AdaptiveColor{Light: "#7A4A00", Dark: "#F2C14E"}
		dialog  = lipgloss.AdaptiveColor{Light: "#FFF3CD", Dark: "#5C4400"}
		sepLine = lipgloss.AdaptiveColor{Light: "#B0B0B0", Dark: "#4A4A4A"}
	)
	s := Styles{}
	s.Header = r.NewStyle().Bold(true).Foreground(headFg).Background(headBg)
	s.Banner = r.NewStyle().Bold(true).Foreground(banner)
	s.Title = r.NewStyle().Bold(true).Foreground(muted)
	s.FocusedTitle = r.NewStyle().Bold(true).Foreground(accent)
	s.Muted = r.NewStyle().Foreground(muted)
	s.Label = r.NewStyle().Foreground(muted)
	s.Good = r.NewStyle().Foreground(good)
	s.Warn = r.NewStyle().Foreground(warn)
	s.Bad = r.NewStyle().Foreground(bad)
	s.Prompt = r.NewStyle().Bold(true).Foreground(accent)
	s.Text = r.NewStyle().Foreground(fg)
	s.Placeholder = r.NewStyle().Foreground(muted)
	s.Cursor = r.NewStyle().Reverse(true)
	s.ColumnHeader = r.NewStyle().Bold(true).Foreground(muted)
	s.Selected = r.NewStyle().Bold(true).Foreground(fg).Background(selBg)
	s.SelectedBlurred = r.NewStyle().Foreground(fg).Background(blurBg)
	s.Spinner = r.NewStyle().Foreground(accent)
	s.StatusInfo = r.NewStyle().Foreground(fg)
	s.StatusGood = r.NewStyle().Bold(true).Foreground(good)
	s.StatusError = r.NewStyle().Bold(true).Foreground(bad)
	s.Dialog = r.NewStyle().Bold(true).Foreground(fg).Background(dialog)
	s.HelpKey = r.NewStyle().Bold(true).Foreground(muted)
	s.HelpDesc = r.NewStyle().Foreground(muted)
	s.HelpSep = r.NewStyle().Foreground(sepLine)
	return s
}
