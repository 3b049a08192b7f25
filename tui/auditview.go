package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// auditLimit is how many of the newest audit entries the audit view loads.
const auditLimit = 1000

// auditView lists the newest audit log entries: when, who, from where, what. It is read-only: it has a
// cursor to scroll with and nothing else, and the service offers no way to change the log anyway. It is
// loaded afresh every time it opens, and renders only the rows on screen.
type auditView struct {
	styles  *Styles
	loc     *time.Location
	entries []record.AuditEntry // newest first
	shown   []int               // the entries the filter keeps, as indexes into entries
	filter  textinput.Model     // the filter (/): words every shown entry holds
	typing  bool                // the filter input has the keyboard
	seq     uint64              // ID of the newest load
	loading bool
	err     string
	cursor  int
	offset  int
	width   int
	height  int // lines, title and footer included
	focused bool
	plain   bool // the renderer draws no attributes: the filter's cursor is drawn by hand
}

func newAuditView(st *Styles, loc *time.Location) auditView {
	in := newTextInput(st, "Filter audit ", "operator, action, number end, SID, words…")
	in.CharLimit = 80
	return auditView{styles: st, loc: loc, filter: in}
}

// refilter recomputes the entries shown: those that hold every word of the filter, case-insensitively, in
// their operator, remote, action, masked number, IDs or detail.
func (a *auditView) refilter() {
	words := strings.Fields(strings.ToLower(a.filter.Value()))
	a.shown = a.shown[:0]
	for i, e := range a.entries {
		if len(words) > 0 {
			hay := strings.ToLower(strings.Join([]string{e.Operator, e.Remote, string(e.Action), auditText(e, true)}, " "))
			ok := true
			for _, w := range words {
				if !strings.Contains(hay, w) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
		}
		a.shown = append(a.shown, i)
	}
	a.clamp()
}

// Filtering reports whether the filter input has the keyboard.
func (a auditView) Filtering() bool { return a.typing }

// StartFilter gives the filter input the keyboard.
func (a *auditView) StartFilter() tea.Cmd {
	a.typing = true
	return a.filter.Focus()
}

// StopFilter takes the keyboard from the filter input; clear drops the filter too.
func (a *auditView) StopFilter(clear bool) {
	a.typing = false
	a.filter.Blur()
	if clear {
		a.filter.Reset()
		a.refilter()
	}
}

// UpdateFilter passes a key to the filter input and filters again when its text changed.
func (a *auditView) UpdateFilter(msg tea.Msg) tea.Cmd {
	before := a.filter.Value()
	var cmd tea.Cmd
	a.filter, cmd = a.filter.Update(msg)
	if a.filter.Value() != before {
		a.cursor, a.offset = 0, 0
		a.refilter()
	}
	return cmd
}

// auditFooter is the lines under the table that show the selected entry in full, where there is room.
const auditFooter = 3

// footerLines is how many lines the footer takes at the view's height.
func (a auditView) footerLines() int {
	if a.height > auditFooter+3 {
		return auditFooter
	}
	return 0
}

// SetSize sets the view's size; it runs once per resize.
func (a *auditView) SetSize(w, h int) {
	a.width, a.height = w, h
	a.clamp()
}

// Focus gives the view the keyboard; Blur takes it away.
func (a *auditView) Focus() { a.focused = true }

// Blur takes the keyboard away.
func (a *auditView) Blur() { a.focused = false }

// Len is the number of entries shown (loaded and kept by the filter).
func (a auditView) Len() int { return len(a.shown) }

// pageRows is how many entries fit between the title and column header and the footer (and the filter
// line, while there is a filter).
func (a auditView) pageRows() int { return max(1, a.height-2-a.footerLines()-a.filterLines()) }

// filterLines is 1 while the filter is being typed or holds text, 0 otherwise.
func (a auditView) filterLines() int {
	if a.typing || a.filter.Value() != "" {
		return 1
	}
	return 0
}

// Reload starts a new load and returns its ID; the entries shown so far stay until it arrives.
func (a *auditView) Reload() uint64 {
	a.seq++
	a.loading = true
	return a.seq
}

// Loaded takes a reply unless a newer load has been started since. A fresh list puts the cursor on the
// newest entry.
func (a *auditView) Loaded(msg auditMsg) bool {
	if msg.seq != a.seq {
		return false
	}
	a.loading = false
	if msg.err != nil {
		a.err = msg.err.Error()
		return true
	}
	a.err = ""
	a.entries = msg.entries
	a.cursor, a.offset = 0, 0
	a.refilter()
	return true
}

// Selected returns the entry under the cursor.
func (a auditView) Selected() (record.AuditEntry, bool) {
	if a.cursor < 0 || a.cursor >= len(a.shown) {
		return record.AuditEntry{}, false
	}
	return a.entries[a.shown[a.cursor]], true
}

// Move moves the cursor by delta entries.
func (a *auditView) Move(delta int) {
	a.cursor += delta
	a.clamp()
}

// Top jumps to the newest entry.
func (a *auditView) Top() { a.cursor = 0; a.clamp() }

// Bottom jumps to the oldest entry loaded.
func (a *auditView) Bottom() { a.cursor = len(a.shown) - 1; a.clamp() }

// clamp keeps the cursor on an entry and on screen.
func (a *auditView) clamp() {
	n := len(a.shown)
	a.cursor = min(max(a.cursor, 0), max(n-1, 0))
	page := a.pageRows()
	if a.cursor < a.offset {
		a.offset = a.cursor
	}
	if a.cursor >= a.offset+page {
		a.offset = a.cursor - page + 1
	}
	a.offset = min(max(a.offset, 0), max(n-page, 0))
}

// auditCols are the widths of the time, operator, remote and action columns; the detail takes the rest.
// They narrow on smaller screens (the footer shows the selected entry whole), and the remote column goes
// when the screen is narrower still.
func (a auditView) auditCols() (timeW, opW, remoteW, actionW int) {
	// The action column fits the longest action ("no-call-reported", "config-reloaded") at every width.
	switch {
	case a.width >= 110:
		return 14, 12, 21, 16
	case a.width >= 70:
		return 14, 8, 12, 16
	}
	return 14, 8, 0, 16
}

// View renders the title, the column header, the visible entries and the selected entry in full.
func (a auditView) View() string {
	if a.height <= 0 {
		return ""
	}
	title := fmt.Sprintf("Audit log (%d newest) · read-only · / filter · esc to close", len(a.entries))
	if a.filter.Value() != "" {
		title = fmt.Sprintf("Audit log (%d of %d newest) · read-only · / filter · esc to close", len(a.shown), len(a.entries))
	}
	if a.loading {
		title = "Audit log · loading… · read-only · esc to close"
	}
	lines := []string{sectionTitle(a.styles, title, a.focused, a.width)}
	timeW, opW, remoteW, actionW := a.auditCols()
	cells := func(t, op, remote, action, detail string) string {
		parts := []string{fit(t, timeW), fit(op, opW)}
		if remoteW > 0 {
			parts = append(parts, fit(remote, remoteW))
		}
		parts = append(parts, fit(action, actionW), detail)
		return strings.Join(parts, " ")
	}
	lines = append(lines, a.styles.ColumnHeader.Render(clip("  "+cells("Time", "Operator", "From", "Action", "Detail"), a.width)))
	page := a.pageRows()
	switch {
	case a.err != "":
		lines = append(lines, a.styles.Bad.Render(clip("  could not load the audit log: "+a.err, a.width)))
	case len(a.entries) == 0 && !a.loading:
		lines = append(lines, a.styles.Muted.Render(clip("  no audit entries yet", a.width)))
	case len(a.shown) == 0 && !a.loading:
		lines = append(lines, a.styles.Muted.Render(clip("  no entry holds "+record.Quote(a.filter.Value()), a.width)))
	}
	for i := a.offset; i < len(a.shown) && i < a.offset+page; i++ {
		e := a.entries[a.shown[i]]
		line := cells(e.At.In(a.loc).Format("01-02 15:04:05"), orDash(e.Operator), orDash(e.Remote), string(e.Action), shortSIDs(auditText(e, false)))
		if i == a.cursor {
			line = fit("> "+line, a.width)
			if a.focused {
				line = a.styles.Selected.Render(line)
			} else {
				line = a.styles.SelectedBlurred.Render(line)
			}
		} else {
			line = clip("  "+line, a.width)
		}
		lines = append(lines, line)
	}
	footer := a.footerLines()
	lines = pad(lines, a.height-footer-a.filterLines())
	if a.filterLines() > 0 {
		lines = append(lines, clip(inputView(a.filter, a.plain), a.width))
	}
	if e, ok := a.Selected(); ok && footer > 0 {
		full := fmt.Sprintf("%s · %s from %s · %s: %s", stamp(e.At, a.loc), orDash(e.Operator), orDash(e.Remote), string(e.Action), auditText(e, true))
		wrapped := wrapMax(full, a.width-2, footer)
		for _, l := range wrapped {
			lines = append(lines, a.styles.Muted.Render("  "+l))
		}
	}
	return strings.Join(pad(lines, a.height), "\n")
}

// shortSIDs shortens the call SIDs in a table cell to their kind and tail (CA…1a2b3c), which is what
// tells calls apart, so the cell is not cut in the middle of one; the footer shows the selected entry's
// SIDs whole.
func shortSIDs(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		core := strings.TrimRight(w, ";,.)")
		if isCallSID(core) {
			words[i] = shortSID(core) + w[len(core):]
		}
	}
	return strings.Join(words, " ")
}

// isCallSID reports whether w is a Restcomm call SID: CA and 32 hex digits, possibly after an instance ID
// and a dash.
func isCallSID(w string) bool {
	if i := strings.LastIndexByte(w, '-'); i >= 0 {
		w = w[i+1:]
	}
	if len(w) != 34 || !strings.HasPrefix(w, "CA") {
		return false
	}
	for _, r := range w[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// auditText is an entry's subject and detail: the masked number (the log never holds a full one), with ids
// the verification and the attempt, then what was done.
func auditText(e record.AuditEntry, ids bool) string {
	var parts []string
	if e.Number != "" {
		parts = append(parts, e.Number)
	}
	if ids && e.VerificationID != 0 {
		parts = append(parts, fmt.Sprintf("verification #%d", e.VerificationID))
	}
	if ids && e.AttemptID != 0 {
		parts = append(parts, fmt.Sprintf("attempt #%d", e.AttemptID))
	}
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	return orDash(strings.Join(parts, " "))
}
