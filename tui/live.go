package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/record"
)

// liveCall is one attempt being tracked, with what the console saw of it.
type liveCall struct {
	attempt   record.Attempt
	ringSince time.Time // when this session first saw it ringing; zero if not seen yet
}

// liveList shows every active attempt: number (masked), the From used (code digits hidden), call state with a
// spinner, elapsed time and ring time. It holds only live attempts, so it stays small.
type liveList struct {
	styles     *Styles
	spinner    spinner.Model
	spinning   bool
	calls      []liveCall // oldest first
	cursor     int
	first      int // the first call on screen: the pane scrolls to keep the cursor in view
	width      int
	height     int // lines for calls, not counting the title
	focused    bool
	codeDigits int
	timeout    int
	speed      float64 // the simulator's speed factor: ring time is counted in its time, as the Timeout is
}

func newLiveList(st *Styles, codeDigits, timeout int) liveList {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner))
	return liveList{styles: st, spinner: sp, codeDigits: codeDigits, timeout: timeout}
}

// SetSize sets the width and the number of call lines.
func (l *liveList) SetSize(w, h int) {
	l.width, l.height = w, max(1, h)
	l.clampCursor()
}

// Focus and Blur give and take the keyboard.
func (l *liveList) Focus() { l.focused = true }

// Blur takes the keyboard away.
func (l *liveList) Blur() { l.focused = false }

// Len is the number of live calls.
func (l liveList) Len() int { return len(l.calls) }

// isLive reports whether an attempt is still being tracked: placing, live, or an unknown create outcome that
// reconciliation has not closed.
func isLive(a record.Attempt) bool {
	switch a.State {
	case record.StatePlacing, record.StateLive:
		return true
	case record.StateUnknown:
		return a.EndedAt.IsZero()
	}
	return false
}

// olderThan reports whether report a of an attempt is older than held, the one on screen: an event that
// crossed the history load, or a reply that crossed an event. A report is as new as its UpdatedAt or, for a
// stale mark, its StaleSince, whichever is later: the service marks a call stale without touching its
// UpdatedAt (which can be older than the last report shown), and a stale mark must never be dropped as old
// news, while a mark older than a fresh report that followed it must.
func olderThan(a, held record.Attempt) bool {
	return asOf(a).Before(asOf(held))
}

// asOf is when a report of an attempt was made: its UpdatedAt, or its StaleSince when that is later.
func asOf(a record.Attempt) time.Time {
	if a.StaleSince.After(a.UpdatedAt) {
		return a.StaleSince
	}
	return a.UpdatedAt
}

// Upsert adds, updates or removes an attempt according to its state. seen is when the change was reported.
// It returns a command that starts the spinner when the first call goes live.
func (l *liveList) Upsert(a record.Attempt, seen time.Time) tea.Cmd {
	i := slices.IndexFunc(l.calls, func(c liveCall) bool { return c.attempt.ID == a.ID })
	if !isLive(a) {
		if i >= 0 {
			l.calls = slices.Delete(l.calls, i, i+1)
			l.clampCursor()
		}
		return nil
	}
	ringing := a.Status == "ringing" || a.Status == "in-progress" || a.RingingSeen
	if i >= 0 {
		if olderThan(a, l.calls[i].attempt) {
			return nil
		}
		l.calls[i].attempt = a
		if ringing && l.calls[i].ringSince.IsZero() {
			l.calls[i].ringSince = seen
		}
		return nil
	}
	c := liveCall{attempt: a}
	if ringing {
		c.ringSince = seen
	}
	at := len(l.calls)
	for at > 0 && l.calls[at-1].attempt.CreatedAt.After(a.CreatedAt) {
		at--
	}
	l.calls = slices.Insert(l.calls, at, c)
	if !l.spinning {
		l.spinning = true
		return l.spinner.Tick
	}
	return nil
}

// Update advances the spinner while there are calls, and lets it stop when there are none, so an idle
// session schedules no timers.
func (l liveList) Update(msg tea.Msg) (liveList, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if msg.ID != l.spinner.ID() {
			return l, nil
		}
		if len(l.calls) == 0 {
			l.spinning = false
			return l, nil
		}
		var cmd tea.Cmd
		l.spinner, cmd = l.spinner.Update(msg)
		return l, cmd
	}
	return l, nil
}

// Move moves the cursor by delta calls.
func (l *liveList) Move(delta int) {
	l.cursor += delta
	l.clampCursor()
}

// Top and Bottom put the cursor on the oldest and the newest call.
func (l *liveList) Top() { l.cursor = 0; l.clampCursor() }

// Bottom puts the cursor on the newest call.
func (l *liveList) Bottom() { l.cursor = max(len(l.calls)-1, 0); l.clampCursor() }

func (l *liveList) clampCursor() {
	l.cursor = min(max(l.cursor, 0), max(len(l.calls)-1, 0))
	// Scroll as little as keeps the cursor in view, and never leave empty lines under the last call.
	if l.cursor < l.first {
		l.first = l.cursor
	}
	if l.cursor >= l.first+l.height {
		l.first = l.cursor - l.height + 1
	}
	l.first = min(max(l.first, 0), max(len(l.calls)-l.height, 0))
}

// Selected returns the call under the cursor.
func (l liveList) Selected() (record.Attempt, bool) {
	if len(l.calls) == 0 {
		return record.Attempt{}, false
	}
	return l.calls[l.cursor].attempt, true
}

// View renders the title and the call lines; it always takes 1+height lines.
func (l liveList) View(now time.Time) string {
	first := min(max(l.first, 0), max(len(l.calls)-l.height, 0))
	title := fmt.Sprintf("Live calls (%d)", len(l.calls))
	// What is scrolled out is said in the title, so no call line (nor its ring timer) is ever cut for it.
	if first > 0 {
		title += fmt.Sprintf(" · ↑ %d more", first)
	}
	if below := len(l.calls) - first - l.height; below > 0 {
		title += fmt.Sprintf(" · ↓ %d more", below)
	}
	lines := []string{sectionTitle(l.styles, title, l.focused, l.width)}
	if len(l.calls) == 0 {
		lines = append(lines, l.styles.Muted.Render(clip("  no calls in progress", l.width)))
	}
	for i := first; i < len(l.calls) && len(lines) < 1+l.height; i++ {
		lines = append(lines, l.row(i, now))
	}
	for len(lines) < 1+l.height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// row renders one call: marker, spinner, number (masked), From (code hidden), state, time since it was
// placed, ring time. A call whose tracking fails says so, how long since and why, in place of the From and
// the elapsed time when the line is too narrow for all of it: a state that is no longer being updated must
// not read as a fresh one.
func (l liveList) row(i int, now time.Time) string {
	c := l.calls[i]
	a := c.attempt
	state := a.Status
	if state == "" {
		state = string(a.State)
	}
	stale := !a.StaleSince.IsZero()
	if stale {
		state += fmt.Sprintf(" (stale %s: %s)", staleFor(now.Sub(a.StaleSince)), staleReason(a.Error, a.Number))
	}
	ring := "-"
	switch {
	case a.RingDuration > 0:
		ring = seconds(a.RingDuration)
	case !c.ringSince.IsZero():
		// Restcomm ends the call at the Timeout: a counter past it would only say that news stopped coming.
		d := now.Sub(c.ringSince)
		if l.speed > 0 {
			d = time.Duration(float64(d) * l.speed)
		}
		if l.timeout > 0 {
			d = min(d, time.Duration(l.timeout)*time.Second)
		}
		ring = elapsed(d)
	}
	if l.timeout > 0 {
		ring += fmt.Sprintf("/%ds", l.timeout)
	}
	marker := "  "
	if l.focused && i == l.cursor {
		marker = "> "
	}
	number := fmt.Sprintf("%-16s", shownNumber(a.Number))
	from := fmt.Sprintf(" from %-16s", record.MaskCode(a.From, l.codeDigits))
	since := elapsed(now.Sub(a.CreatedAt))
	text := fmt.Sprintf("%s %s%s %-16s %s  ring %s", l.spinner.View(), number, from, state, since, ring)
	if stale && ansi.StringWidth(marker+text) > l.width {
		text = fmt.Sprintf("%s %s %s  ring %s", l.spinner.View(), number, state, ring)
		if ansi.StringWidth(marker+text+"  "+since) <= l.width {
			text += "  " + since
		}
	}
	line := fit(marker+text, l.width)
	if l.focused && i == l.cursor {
		return l.styles.Selected.Render(line)
	}
	return line
}

// staleFor says how long tracking has failed, in whole seconds ("12s") or minutes and seconds.
func staleFor(d time.Duration) string {
	s := max(int(d/time.Second), 0)
	if s < 60 {
		return fmt.Sprintf("%ds", s)
	}
	return seconds(s)
}

// staleReason is the short reason a call cannot be followed, from the attempt's last error as stored (the
// service masks the number and the code in it; the number is masked again here all the same).
func staleReason(err, number string) string {
	e := strings.ToLower(err)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(e, w) {
				return true
			}
		}
		return false
	}
	switch {
	case e == "":
		return "tracking failed"
	case has("http 401", "http 403", "unauthorized", "forbidden", "rejected the credentials"):
		return "Restcomm rejected the credentials"
	case has("not active", "inactive"):
		return "Restcomm account not active"
	case has("connection refused", "no such host", "network is unreachable", "no route to host", "timeout",
		"timed out", "deadline exceeded", "connection reset", "broken pipe", "eof", "tls", "http 502", "http 503", "http 504"):
		return "Restcomm unreachable"
	case has("http 429"):
		return "Restcomm is rate limiting (HTTP 429)"
	}
	if code := httpStatus(err); code != "" {
		return "Restcomm error " + code
	}
	short := strings.TrimPrefix(err, "restcomm: ")
	if i := strings.IndexAny(short, ":("); i > 0 {
		short = short[:i]
	}
	return clip(record.MaskIn(strings.TrimSpace(short), number), 40)
}

// httpStatus finds the status code of an HTTP reply ("HTTP 500") in an error text, "" when there is none.
func httpStatus(text string) string {
	for rest := text; ; {
		i := strings.Index(rest, "HTTP ")
		if i < 0 {
			return ""
		}
		rest = rest[i+len("HTTP "):]
		if len(rest) >= 3 && rest[0] >= '1' && rest[0] <= '5' && isDigits(rest[:3]) && (len(rest) == 3 || rest[3] < '0' || rest[3] > '9') {
			return rest[:3]
		}
	}
}

// sectionTitle renders a pane title, marked when the pane has the keyboard (the marker carries the meaning
// without colour).
func sectionTitle(st *Styles, title string, focused bool, w int) string {
	if focused {
		return st.FocusedTitle.Render(clip("▶ "+title, w))
	}
	return st.Title.Render(clip("  "+title, w))
}
