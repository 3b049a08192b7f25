package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/presence"
)

// teamView is the presence screen (w): everyone connected to this server's consoles, since when, how long
// idle, and whose read-back they have open. It shows what the model last heard from the hub.
type teamView struct {
	styles  *Styles
	loc     *time.Location
	width   int
	height  int
	focused bool
	offset  int
}

func newTeamView(st *Styles, loc *time.Location) teamView { return teamView{styles: st, loc: loc} }

// SetSize sets the view's size.
func (t *teamView) SetSize(w, h int) { t.width, t.height = w, h }

// Focus and Blur give and take the keyboard.
func (t *teamView) Focus() { t.focused = true }

// Blur takes the keyboard away.
func (t *teamView) Blur() { t.focused = false }

// Scroll moves the list by delta rows of n.
func (t *teamView) Scroll(delta, n int) {
	t.offset = min(max(t.offset+delta, 0), max(n-t.rows(), 0))
}

// rows is how many members fit under the title and the column header.
func (t teamView) rows() int { return max(t.height-2, 1) }

// View renders the members; me is this session's member ID, marked "(you)". A console alone (no hub) says
// so.
func (t teamView) View(members []presence.Member, me uint64, alone bool, now time.Time) string {
	if t.height <= 0 {
		return ""
	}
	title := fmt.Sprintf("Connected (%d) · w or esc to close", len(members))
	if alone {
		title = "Connected · w or esc to close"
	}
	lines := []string{sectionTitle(t.styles, title, t.focused, t.width)}
	if alone {
		lines = append(lines, t.styles.Muted.Render(clip("  this console runs alone: presence is shown for the sessions of flashcall serve", t.width)))
		return strings.Join(pad(lines, t.height), "\n")
	}
	row := func(who, since, idle, doing string) string {
		return fit(who, 22) + " " + fit(since, 18) + " " + fit(idle, 8) + " " + doing
	}
	lines = append(lines, t.styles.ColumnHeader.Render(clip("  "+row("Operator", "Connected", "Idle", "Doing"), t.width)))
	off := min(t.offset, max(len(members)-t.rows(), 0))
	for i := off; i < len(members) && i < off+t.rows(); i++ {
		m := members[i]
		who := m.Operator
		if m.ID == me {
			who += " (you)"
		}
		if m.Remote != "" && m.Remote != "local" {
			who += " " + m.Remote
		}
		doing := "-"
		if m.ReadingBack != 0 {
			doing = fmt.Sprintf("reading back %s (#%d)", shownNumber(m.Number), m.ReadingBack)
		}
		since := m.Since.In(t.loc).Format("15:04:05") + " (" + elapsed(now.Sub(m.Since)) + ")"
		lines = append(lines, clip("  "+row(who, since, elapsed(m.Idle(now)), doing), t.width))
	}
	return strings.Join(pad(lines, t.height), "\n")
}
