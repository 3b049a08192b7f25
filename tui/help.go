package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// helpView renders the help line and the full help from the key map. Its styles come from the session's
// renderer, not from the help bubble's defaults.
type helpView struct {
	model  help.Model
	height int                 // body lines of the full help
	offset int                 // first body line of the full help shown
	short  *memo[shortHelpKey] // the help line as last drawn (memo.go)
}

// shortHelpKey is everything the help line is drawn from: the bindings' state and help, the number of
// essential ones and the width.
type shortHelpKey struct {
	bindings string
	must     int
	width    int
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
	return helpView{model: h, short: &memo[shortHelpKey]{}}
}

// SetSize sets the width the help may use.
func (h *helpView) SetSize(w int) { h.model.Width = w }

// ShortView is the one-line help of the bindings that work now. Help and quit are always on it: where the
// line is too narrow for everything, the other bindings are left out, the later ones first.
func (h helpView) ShortView(k KeyMap) string {
	all := k.ShortHelp()
	must := k.essentials()
	var fp strings.Builder
	for _, b := range all {
		if b.Enabled() {
			fp.WriteByte('+')
		} else {
			fp.WriteByte('-')
		}
		fp.WriteString(b.Help().Key)
		fp.WriteByte(0)
		fp.WriteString(b.Help().Desc)
		fp.WriteByte(0)
	}
	return h.short.get(shortHelpKey{bindings: fp.String(), must: len(must), width: h.model.Width}, func() string {
		return h.drawShort(all, must)
	})
}

// drawShort draws the help line of the bindings all, whose last len(must) are the essential ones.
func (h helpView) drawShort(all, must []key.Binding) string {
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

// SetHeight sets how many lines the full help's body may take under its title.
func (h *helpView) SetHeight(n int) { h.height = max(n, 1) }

// page is how many body lines the full help shows at once.
func (h helpView) page() int { return max(h.height, 1) }

// scrollTo moves the full help to offset, within a body of n lines.
func (h *helpView) scrollTo(offset, n int) {
	h.offset = min(max(offset, 0), max(n-h.page(), 0))
}

// referenceLines is the full help's body: every key of every pane, grouped by pane, wrapped to the width.
// Supervisor-only keys are listed for supervisors; an operator is told of them by supervisorNote.
func (h helpView) referenceLines(st *Styles, k KeyMap, supervisor bool) []string {
	w := max(h.model.Width, 20)
	keyW := 14
	if w < 70 {
		keyW = 10
	}
	out := []string{st.Title.Render(clip("  Every key, by where it works", w))}
	if !supervisor {
		for _, l := range wrapMax(supervisorNote, w-2, 3) {
			out = append(out, st.Muted.Render("  "+l))
		}
	}
	for _, g := range k.Reference() {
		out = append(out, st.Title.Render(clip("  "+g.Pane, w)))
		for _, d := range g.Keys {
			if d.Supervisor && !supervisor {
				continue
			}
			what := d.What
			if d.Supervisor {
				what += " (supervisors)"
			}
			keys := keysText(d.Keys)
			desc := wrapMax(what, max(w-keyW-5, 10), 6)
			if ansi.StringWidth(keys) > keyW {
				// A long key list takes its own line.
				out = append(out, clip("    "+st.HelpKey.Render(keys), w))
				keys = ""
			}
			for i, l := range desc {
				label := ""
				if i == 0 {
					label = keys
				}
				out = append(out, clip("    "+st.HelpKey.Render(fit(label, keyW))+" "+st.HelpDesc.Render(l), w))
			}
		}
	}
	return out
}

// helpBody is the full help's body for this session.
func (m *Model) helpBody() []string {
	return m.help.referenceLines(&m.styles, DefaultKeyMap(), m.isSupervisor())
}

// scrollHelp moves the full help by delta lines.
func (m *Model) scrollHelp(delta int) {
	m.help.scrollTo(m.help.offset+delta, len(m.helpBody()))
}

// helpLines is the full help as drawn: the title, with what is above and below, and the body lines in view.
func (m *Model) helpLines() []string {
	body := m.helpBody()
	page := m.help.page()
	off := min(max(m.help.offset, 0), max(len(body)-page, 0))
	title := "Keys (? or esc to close)"
	if len(body) > page {
		title += " · ↑↓ pgup pgdn"
	}
	if off > 0 {
		title += fmt.Sprintf(" · ↑ %d more", off)
	}
	if below := len(body) - off - page; below > 0 {
		title += fmt.Sprintf(" · ↓ %d more", below)
	}
	out := []string{m.styles.FocusedTitle.Render(clip("▶ "+title, m.width))}
	return append(out, body[off:min(off+page, len(body))]...)
}
