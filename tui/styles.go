package tui

import (
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
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
// which is right for a local terminal only; every SSH session must pass its own. Every colour is resolved
// here, once: its light or dark variant for the terminal's background, converted to the terminal's colour
// profile (resolveColor), so drawing a frame never converts a colour again.
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	dark := r.HasDarkBackground()
	profile := r.ColorProfile()
	c := func(light, darkHex string) lipgloss.TerminalColor {
		return resolveColor(profile, dark, lipgloss.AdaptiveColor{Light: light, Dark: darkHex})
	}
	var (
		fg      = c("#1A1A1A", "#E4E4E4")
		muted   = c("#6B6B6B", "#8A8A8A")
		accent  = c("#5A3FD0", "#9D8CFF")
		good    = c("#1B7F3B", "#5FD787")
		warn    = c("#9A6700", "#F2C14E")
		bad     = c("#C4231C", "#FF6B6B")
		selBg   = c("#DCD6FF", "#3E3670")
		blurBg  = c("#E8E8E8", "#333333")
		headBg  = c("#5A3FD0", "#3E3670")
		headFg  = c("#FFFFFF", "#F0F0F0")
		banner  = c("#7A4A00", "#F2C14E")
		dialog  = c("#FFF3CD", "#5C4400")
		sepLine = c("#B0B0B0", "#4A4A4A")
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

// resolveColor is an adaptive colour as a terminal with the profile and background draws it: the variant for
// the background, converted to the profile (a 256-colour or 16-colour number, the hex colour itself on a
// true-colour terminal, no colour on a monochrome one). lipgloss converts a hex colour on every Render (for
// a 256-colour terminal, a nearest-colour search in HSLuv space); a resolved one costs nothing to draw.
func resolveColor(p termenv.Profile, dark bool, c lipgloss.AdaptiveColor) lipgloss.TerminalColor {
	hex := c.Light
	if dark {
		hex = c.Dark
	}
	switch tc := p.Color(hex).(type) {
	case termenv.RGBColor:
		return lipgloss.Color(string(tc))
	case termenv.ANSI256Color:
		return lipgloss.Color(strconv.Itoa(int(tc)))
	case termenv.ANSIColor:
		return lipgloss.Color(strconv.Itoa(int(tc)))
	}
	return lipgloss.NoColor{}
}
