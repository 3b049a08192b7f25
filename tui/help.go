package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
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

// ShortView is the one-line help of the bindings that work now. Help and quit are always on it: where the
// line is too narrow for everything, the other bindings are left out, the later ones first.
func (h helpView) ShortView(k KeyMap) string {
	all := k.ShortHelp()
	must := k.essentials()
	rest := all[:len(all)-len(must)]
	width := func(bs []key.Binding) int {
		w := 0
		for _, b := range bs {
			if !b.Enabled() {
				continue
			}
			if w > 0 {
				w += ansi.StringWidth(h.model.ShortSeparator)
			}
			w += ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		}
		return w
	}
	room := h.model.Width
	if room <= 0 {
		room = int(^uint(0) >> 1)
	}
	var shown []key.Binding
	sep := ansi.StringWidth(h.model.ShortSeparator)
	used := width(must)
	for _, b := range rest {
		if !b.Enabled() {
			continue
		}
		if w := width([]key.Binding{b}) + sep; used+w <= room {
			shown = append(shown, b)
			used += w
		}
	}
	m := h.model
	m.Width = 0 // the bindings are chosen to fit; the view must not cut them again
	return clip(m.ShortHelpView(append(shown, must...)), h.model.Width)
}

// FullView is every binding that works now, in columns.
func (h helpView) FullView(k KeyMap) string {
	return h.model.FullHelpView(k.FullHelp())
}

// guideLines is the reference under the full help: every key of the console by where it works, since the
// columns above list only what works in the pane the help was opened from. Supervisor-only keys are listed
// for supervisors; an operator is told of them by supervisorNote.
func (h helpView) guideLines(st *Styles, supervisor bool) []string {
	w := h.model.Width
	rows := [][2]string{
		{"Number", "type a number, enter calls it · esc clears · ? help while empty · c opens a delivered call's read-back"},
		{"Read-back", "type the digits the customer reads, enter checks them · esc closes"},
		{"Live calls", "↑↓ or j k, g G move · c or enter: read-back of a delivered call · h hang up · d details"},
		{"History", "↑↓ or j k, pgup pgdn, g G move · enter details (the read-back on a delivered call's row) · / filter · c code · h hang up · r retry · n got no call · x cancel"},
		{"Anywhere", "tab and shift+tab move between panes · q quits outside the text inputs, ctrl+c everywhere: with calls live or a read-back half-typed, they ask first"},
	}
	if supervisor {
		rows = append(rows, [2]string{"Supervisor", "v reveal a number · A audit log · S fresh verification"})
	}
	const labelW = 12
	out := []string{"", st.Title.Render(clip("  Every key, by where it works", w))}
	for _, r := range rows {
		for i, l := range wrapMax(r[1], w-labelW-3, 3) {
			label := ""
			if i == 0 {
				label = r[0]
			}
			out = append(out, clip("  "+st.HelpKey.Render(fit(label, labelW))+" "+st.HelpDesc.Render(l), w))
		}
	}
	return out
}
