package tui

import (
	"encoding/base64"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// The clipboard is the operator's terminal's: y writes an OSC 52 sequence ("set the clipboard to these
// base64 bytes") to the terminal the session draws on, the local one or, over SSH, the session's output,
// so copying works through ssh and tmux (with set-clipboard on) alike. Terminals that do not support OSC 52
// ignore it; nothing is read back.

// osc52 is the escape sequence that sets the terminal's clipboard to text.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}

// writeClipboard writes the OSC 52 sequence for text to out in one write, between the renderer's frames.
func writeClipboard(out io.Writer, text string) error {
	_, err := io.WriteString(out, osc52(text))
	return err
}

// copyText copies text that needs no audit (a call SID) and reports it as what.
func copyText(r *lipgloss.Renderer, text, what string) tea.Cmd {
	return func() tea.Msg {
		if err := writeClipboard(r.Output(), text); err != nil {
			return copiedMsg{err: err}
		}
		return copiedMsg{what: what}
	}
}
