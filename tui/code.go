package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// codeEntry is where the operator types the digits the customer reads back. It takes digits only, exactly
// CodeDigits of them. It never knows the expected code: the service compares, and only the result comes
// back (verified, a mismatch with the checks left, locked, expired).
type codeEntry struct {
	styles         *Styles
	input          textinput.Model
	digits         int
	open           bool
	focused        bool
	verificationID int64
	number         string
	expiresAt      time.Time
	result         string
	resultKind     noticeKind
	hint           bool // the result is the "type all digits" hint, which goes as soon as a digit changes
	checking       bool
	width          int
	plain          bool // the renderer draws no attributes: the cursor is drawn by hand (see cursor.go)
}

func newCodeEntry(st *Styles, digits int, noClipboard bool) codeEntry {
	if digits <= 0 {
		digits = 4
	}
	ti := newTextInput(st, "Code ", "")
	ti.CharLimit = digits
	ti.Placeholder = placeholderDigits(digits)
	if noClipboard {
		ti.KeyMap.Paste.SetEnabled(false)
	}
	return codeEntry{styles: st, input: ti, digits: digits}
}

func placeholderDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '_'
	}
	return string(b)
}

// Height is the number of lines the panel takes while open.
func (c codeEntry) Height() int { return 3 }

// SetSize sets the panel's width.
func (c *codeEntry) SetSize(w int) {
	c.width = w
	// No width: CharLimit already keeps the input short, and a zero width shows the whole placeholder.
	c.input.Width = 0
}

// Open shows the panel for a verification. A panel already open for the same verification keeps what was
// typed and the last result.
func (c *codeEntry) Open(verificationID int64, number string, expiresAt time.Time) {
	if c.open && c.verificationID == verificationID {
		if !expiresAt.IsZero() {
			c.expiresAt = expiresAt
		}
		return
	}
	c.open = true
	c.verificationID = verificationID
	c.number = number
	c.expiresAt = expiresAt
	c.result = ""
	c.checking = false
	c.input.Reset()
}

// Close hides the panel.
func (c *codeEntry) Close() {
	c.open = false
	c.checking = false
	c.input.Reset()
	c.Blur()
}

// Focus gives the panel the keyboard.
func (c *codeEntry) Focus() tea.Cmd {
	c.focused = true
	return c.input.Focus()
}

// Blur takes the keyboard away.
func (c *codeEntry) Blur() {
	c.focused = false
	c.input.Blur()
}

// Value is the digits typed.
func (c codeEntry) Value() string { return c.input.Value() }

// Complete reports whether exactly the right number of digits is typed.
func (c codeEntry) Complete() bool { return len(c.input.Value()) == c.digits }

// SetResult shows the outcome of the last check.
func (c *codeEntry) SetResult(text string, kind noticeKind) {
	c.result, c.resultKind, c.hint = text, kind, false
}

// Update takes digits only: any other character typed or pasted is dropped.
func (c codeEntry) Update(msg tea.Msg) (codeEntry, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes {
		var keep []rune
		for _, r := range k.Runes {
			if r >= '0' && r <= '9' {
				keep = append(keep, r)
			}
		}
		if len(keep) == 0 {
			return c, nil
		}
		k.Runes = keep
		msg = k
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return c, cmd
}

// View renders the panel: the verification, the operator's instruction, the input and the last result.
// others are the colleagues with the same read-back open.
func (c codeEntry) View(now time.Time, others []string) string {
	title := "Read-back for " + shownNumber(c.number)
	if !c.expiresAt.IsZero() {
		title += " · expires in " + elapsed(c.expiresAt.Sub(now))
	}
	if len(others) > 0 {
		title += " · " + strings.Join(others, ", ") + " reading it back too"
	}
	prompt := fmt.Sprintf("  Ask the customer for the last %d digits of the number that called them.", c.digits)
	in := "  " + inputView(c.input, c.plain)
	if c.checking {
		in += c.styles.Muted.Render("  checking…")
	} else if c.result != "" {
		st := c.styles.StatusInfo
		switch c.resultKind {
		case noticeGood:
			st = c.styles.StatusGood
		case noticeError:
			st = c.styles.StatusError
		}
		in += "  " + st.Render(c.result)
	}
	return sectionTitle(c.styles, title, c.focused, c.width) + "\n" +
		c.styles.Warn.Render(clip(prompt, c.width)) + "\n" + clip(in, c.width)
}
