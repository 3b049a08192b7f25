package tui

import (
	"github.com/charmbracelet/bubbles/help"
)

// helpView renders the help line and the full help from the key map. Its styles come from the session's
// renderer, not from the help bubble's defaults.
type helpView struct {
	model help.Model
}

func newHelpView(st *Styles) helpView {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       st.HelpSep,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.HelpSep,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.HelpSep,
	}
	return helpView{model: h}
}

// SetSize sets the width the help may use.
func (h *helpView) SetSize(w int) { h.model.Width = w }

// ShortView is the one-line help of the bindings that work now.
func (h helpView) ShortView(k KeyMap) string {
	return clip(h.model.ShortHelpView(k.ShortHelp()), h.model.Width)
}

// FullView is every binding that works now, in columns.
func (h helpView) FullView(k KeyMap) string {
	return h.model.FullHelpView(k.FullHelp())
}
