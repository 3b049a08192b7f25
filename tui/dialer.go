package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/policy"
)

// dialer is the number input with live feedback: the number as it will be dialled, its country and line
// type, or why it cannot be dialled. Parsing is pure CPU, so it runs on every keystroke inside Update.
type dialer struct {
	styles *Styles
	input  textinput.Model
	parse  func(string) (policy.Number, error)
	check  func(policy.Number) *policy.Refusal // the policy's destination rules; nil checks nothing
	width  int
	region string // the region national numbers are read in, "" when they need their country code
	plain  bool   // the renderer draws no attributes: the cursor is drawn by hand (see cursor.go)

	value   string        // the value last parsed
	number  policy.Number // valid when err == nil and value != ""
	err     error
	refusal *policy.Refusal // the destination rule that refuses the parsed number, nil when none does

	idle *memo[idleDialer] // the empty input as last drawn: what most sessions show most of the time
}

// idleDialer is everything the empty input and its hint are drawn from.
type idleDialer struct {
	focused, plain bool
	width          int
	placeholder    string
	region         string
}

func newDialer(st *Styles, parse func(string) (policy.Number, error), noClipboard bool) dialer {
	ti := newTextInput(st, "Number ", "+44 7400 123456")
	ti.CharLimit = 40
	if noClipboard {
		ti.KeyMap.Paste.SetEnabled(false)
	}
	return dialer{styles: st, input: ti, parse: parse, idle: &memo[idleDialer]{}}
}

// newTextInput builds a text input styled from st, with a steady cursor: a blinking cursor costs a timer
// per session and makes the screen change when nothing happened.
func newTextInput(st *Styles, prompt, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	ti.Placeholder = placeholder
	ti.PromptStyle = st.Prompt
	ti.TextStyle = st.Text
	ti.PlaceholderStyle = st.Placeholder
	ti.CompletionStyle = st.Muted
	ti.Cursor.Style = st.Cursor
	ti.Cursor.TextStyle = st.Text
	ti.Cursor.SetMode(cursor.CursorStatic)
	// The console moves focus with tab and lists with up/down; the input has no suggestions to cycle.
	ti.KeyMap.AcceptSuggestion = key.NewBinding(key.WithDisabled())
	ti.KeyMap.NextSuggestion = key.NewBinding(key.WithDisabled())
	ti.KeyMap.PrevSuggestion = key.NewBinding(key.WithDisabled())
	return ti
}

// SetRegion words the placeholder for the numbers the service reads: national ones only when it has a
// default region to read them in.
func (d *dialer) SetRegion(region string) {
	d.region = region
	if region != "" {
		d.input.Placeholder = "+44 7400 123456, or a national number (" + region + ")"
	} else {
		d.input.Placeholder = "+44 7400 123456 (with the country code)"
	}
}

// SetSize sets the width of the input and its feedback line.
func (d *dialer) SetSize(w int) {
	d.width = w
	d.input.Width = max(1, w-len(d.input.Prompt)-1)
}

// Focus gives the input the keyboard.
func (d *dialer) Focus() tea.Cmd { return d.input.Focus() }

// Blur takes the keyboard away.
func (d *dialer) Blur() { d.input.Blur() }

// Value is the text typed.
func (d dialer) Value() string { return d.input.Value() }

// SetValue puts text into the input, the cursor at its end.
func (d *dialer) SetValue(text string) {
	d.input.SetValue(text)
	d.input.CursorEnd()
	d.reparse()
}

// Reset empties the input.
func (d *dialer) Reset() {
	d.input.Reset()
	d.reparse()
}

// Number returns the parsed number and whether the input holds a dialable one: valid, and not refused by
// the policy's destination rules.
func (d dialer) Number() (policy.Number, bool) {
	return d.number, d.value != "" && d.err == nil && d.refusal == nil
}

// Problem explains why the typed number cannot be dialled, "" when it can or nothing is typed.
func (d dialer) Problem() string {
	if strings.TrimSpace(d.value) == "" {
		return "type a number first"
	}
	if d.err != nil {
		return reason(d.err)
	}
	if d.refusal != nil {
		return d.refusal.Error()
	}
	return ""
}

// Update passes a key to the text input and reparses when the text changed.
func (d dialer) Update(msg tea.Msg) (dialer, tea.Cmd) {
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	if d.input.Value() != d.value {
		d.reparse()
	}
	return d, cmd
}

func (d *dialer) reparse() {
	d.value = d.input.Value()
	d.number, d.err, d.refusal = policy.Number{}, nil, nil
	if strings.TrimSpace(d.value) == "" || d.parse == nil {
		return
	}
	d.number, d.err = d.parse(d.value)
	if d.err == nil && d.check != nil {
		d.refusal = d.check(d.number)
	}
}

// View renders the input line and the feedback line; the empty input is drawn again only when its size,
// focus or hint changes (memo.go).
func (d dialer) View() string {
	if d.input.Value() == "" && d.value == "" {
		return d.idle.get(idleDialer{focused: d.input.Focused(), plain: d.plain, width: d.width,
			placeholder: d.input.Placeholder, region: d.region}, d.draw)
	}
	return d.draw()
}

func (d dialer) draw() string {
	in := clip(inputView(d.input, d.plain), d.width)
	var fb string
	switch {
	case strings.TrimSpace(d.value) == "":
		hint := "  international number (+CC…), enter to call"
		if d.region != "" {
			hint = "  international (+CC…) or national number, enter to call"
		}
		fb = d.styles.Muted.Render(clip(hint, d.width))
	case d.err != nil:
		fb = d.styles.Bad.Render(clip("  ✗ "+reason(d.err), d.width))
	case d.refusal != nil:
		// Said before enter: the rule that refuses it, and what kind of number it is.
		text := "  ✗ " + d.refusal.Error()
		if t := strings.ReplaceAll(string(d.number.Type), "_", " "); t != "" {
			text = "  ✗ " + t + " · " + d.refusal.Error()
		}
		fb = d.styles.Bad.Render(clip(text, d.width))
	default:
		n := d.number
		parts := []string{"✓ " + orDash(n.E164)}
		if n.International != "" && n.International != n.E164 {
			parts = append(parts, n.International)
		}
		country := n.Country
		if n.Region != "" && n.Region != country {
			if country != "" {
				country += " (" + n.Region + ")"
			} else {
				country = n.Region
			}
		}
		if country != "" {
			parts = append(parts, country)
		}
		if n.Type != "" {
			parts = append(parts, strings.ReplaceAll(string(n.Type), "_", " "))
		}
		fb = d.styles.Good.Render(clip("  "+strings.Join(parts, " · "), d.width))
	}
	return in + "\n" + fb
}

// reason turns a number-intake error into the words after the number.
func reason(err error) string {
	var ne *policy.NumberError
	if errors.As(err, &ne) && ne.Reason != "" {
		return ne.Reason
	}
	return err.Error()
}
