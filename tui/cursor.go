package tui

import (
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Under NO_COLOR (or on a terminal without colours) the renderer draws no attribute at all, and the text
// inputs' cursor, a reverse-video cell, vanished with the colours. NO_COLOR asks for no colour, not for no
// cursor: on such a renderer the inputs draw their cursor themselves, in reverse video, which every terminal
// shows without colour.

// plainProfile reports whether r draws no colours and no attributes.
func plainProfile(r *lipgloss.Renderer) bool { return r != nil && r.ColorProfile() == termenv.Ascii }

// reverseVideo is s in reverse video, written directly (the renderer would drop it).
func reverseVideo(s string) string { return "\x1b[7m" + s + "\x1b[27m" }

// inputView renders a text input; with plain set and the input focused, its cursor is drawn in reverse video
// by hand.
func inputView(ti textinput.Model, plain bool) string {
	if !plain || !ti.Focused() {
		return ti.View()
	}
	prompt := ti.PromptStyle.Render(ti.Prompt)
	val := []rune(ti.Value())
	if len(val) == 0 {
		ph := []rune(ti.Placeholder)
		if len(ph) == 0 {
			return prompt + reverseVideo(" ")
		}
		return prompt + reverseVideo(string(ph[0])) + ti.PlaceholderStyle.Render(string(ph[1:]))
	}
	pos := min(max(ti.Position(), 0), len(val))
	cur, after := " ", ""
	if pos < len(val) {
		cur, after = string(val[pos]), string(val[pos+1:])
	}
	return prompt + ti.TextStyle.Render(string(val[:pos])) + reverseVideo(cur) + ti.TextStyle.Render(after)
}
