package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/record"
)

// A delivered call never takes the keyboard: the operator may be typing the next number, and digits meant
// for it must never become a read-back. Instead each delivered call of this session queues a notice line
// ("+44*******450 delivered: press c to enter the code", with its countdown) and rings the terminal bell;
// c, or enter on the row of a waiting verification, opens the read-back for it. A notice goes when its
// verification ends (verified, locked, expired, canceled, superseded) or is called again.

// waitingCode is a delivered call of this session whose read-back is still to come.
type waitingCode struct {
	verificationID int64
	number         string
	expiresAt      time.Time
	answered       bool // the customer picked up (and heard the code, or saw the caller ID): no missed call
}

// waitingList holds the waiting read-backs in the order their calls were delivered: oldest first, which is
// the one c opens.
type waitingList struct {
	styles *Styles
	items  []waitingCode
	width  int
	max    int // lines the notices may take; set by the layout
}

func newWaitingList(st *Styles) waitingList { return waitingList{styles: st, max: 3} }

// SetSize sets the width of the notice lines and how many lines they may take.
func (w *waitingList) SetSize(width, maxLines int) {
	w.width, w.max = width, max(1, maxLines)
}

// Add queues a delivered verification, or updates its expiry when it is queued already; it reports whether
// the verification is new to the queue. answered says the customer picked the call up.
func (w *waitingList) Add(v record.Verification, answered bool) bool {
	if i := w.index(v.ID); i >= 0 {
		if !v.ExpiresAt.IsZero() {
			w.items[i].expiresAt = v.ExpiresAt
		}
		return false
	}
	w.items = append(w.items, waitingCode{verificationID: v.ID, number: v.Number, expiresAt: v.ExpiresAt, answered: answered})
	return true
}

// Remove drops a verification from the queue.
func (w *waitingList) Remove(verificationID int64) {
	if i := w.index(verificationID); i >= 0 {
		w.items = slices.Delete(w.items, i, i+1)
	}
}

// Has reports whether a verification waits for its read-back.
func (w waitingList) Has(verificationID int64) bool { return w.index(verificationID) >= 0 }

// Len is how many verifications wait.
func (w waitingList) Len() int { return len(w.items) }

func (w waitingList) index(verificationID int64) int {
	return slices.IndexFunc(w.items, func(c waitingCode) bool { return c.verificationID == verificationID })
}

// First returns the oldest waiting verification other than except (the one whose read-back is open).
func (w waitingList) First(except int64) (waitingCode, bool) {
	for _, c := range w.items {
		if c.verificationID != except {
			return c, true
		}
	}
	return waitingCode{}, false
}

// shown is the waiting verifications with a notice line: all but except, whose read-back is open.
func (w waitingList) shown(except int64) []waitingCode {
	out := make([]waitingCode, 0, len(w.items))
	for _, c := range w.items {
		if c.verificationID != except {
			out = append(out, c)
		}
	}
	return out
}

// Height is how many lines the notices take: one per waiting verification (but except), at most max.
func (w waitingList) Height(except int64) int {
	return min(len(w.shown(except)), w.max)
}

// View renders the notice lines, oldest first and newest last; when they do not all fit, the last line says
// how many more wait.
// readers names the colleagues who have a verification's read-back open (nil: nobody to name).
func (w waitingList) View(now time.Time, except int64, readers func(int64) []string) string {
	shown := w.shown(except)
	if len(shown) == 0 {
		return ""
	}
	n := min(len(shown), w.max)
	lines := make([]string, 0, n)
	for i, c := range shown[:n] {
		if i == n-1 && len(shown) > n {
			text := fmt.Sprintf("! and %d more delivered calls wait for their read-back: c takes the oldest first", len(shown)-i)
			if i == 0 {
				text = fmt.Sprintf("! %d delivered calls wait for their read-back: press c to enter the oldest's code", len(shown))
			}
			lines = append(lines, w.styles.Warn.Render(clip(text, w.width)))
			break
		}
		var who []string
		if readers != nil {
			who = readers(c.verificationID)
		}
		lines = append(lines, w.line(c, now, who))
	}
	return strings.Join(lines, "\n")
}

// line is one notice: the number masked, what to press, and the time left. On a narrow screen the words
// get shorter before the countdown is cut.
func (w waitingList) line(c waitingCode, now time.Time, readers []string) string {
	head := "! " + shownNumber(c.number) + " delivered: "
	if c.answered {
		// Not a missed call: the customer picked up, and reads back what they heard or saw.
		head = "! " + shownNumber(c.number) + " answered: "
	}
	left, short := "", ""
	if !c.expiresAt.IsZero() {
		if d := c.expiresAt.Sub(now); d > 0 {
			left, short = " · expires in "+elapsed(d), " · "+elapsed(d)+" left"
		} else {
			left, short = " · expiring", " · expiring"
		}
	}
	busy := ""
	if len(readers) > 0 {
		// Someone else has it: say so before this operator reads the same customer's code back too.
		busy = " · " + strings.Join(readers, ", ") + " is reading back"
	}
	text := head + "press c to enter the code" + left + busy
	if ansi.StringWidth(text) > w.width {
		text = head + "c to enter the code" + short + busy
	}
	return w.styles.Warn.Render(clip(text, w.width))
}

// bellMsg reports that the bell was written to the terminal (or why not); the model ignores it.
type bellMsg struct{ err error }

// ringBell writes the terminal bell (BEL) to the terminal the session draws on: the renderer's output, which
// is the local terminal or, over SSH, the session. One write of one control byte, between the renderer's
// frames, moves no cursor and draws nothing.
func ringBell(r *lipgloss.Renderer) tea.Cmd {
	if r == nil {
		return nil
	}
	return func() tea.Msg {
		_, err := r.Output().WriteString("\a")
		return bellMsg{err: err}
	}
}
