package tui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// maxCachedTimelines bounds the timeline cache; past it the cache starts again, which costs one query per
// row revisited.
const maxCachedTimelines = 256

// detailPane shows every field of the selected attempt and the timeline of its transitions. Timelines are
// loaded by a command after the cursor rests (a debounce), cached by attempt ID, and every request carries
// an ID so a reply for a row the cursor has left is dropped.
type detailPane struct {
	styles     *Styles
	width      int
	height     int
	cache      map[int64][]record.Transition
	failed     map[int64]string
	seq        uint64       // ID of the newest request
	pendingFor int64        // attempt the newest request is for, 0 when none is outstanding
	want       timelineWant // what the newest request asks for
	codeDigits int
	loc        *time.Location
	drawn      *memo[detailKey] // the pane as last drawn (memo.go)
}

// detailKey is everything the pane is drawn from.
type detailKey struct {
	row           record.HistoryRow
	ok            bool
	number        string
	width, height int
	timeline      *record.Transition // the cached timeline's first transition (a new load is a new slice)
	steps         int                // and its length
	cached        bool
	failed        string
	staleSeconds  int64 // how long the row has been stale, in the whole seconds the pane shows
}

func newDetailPane(st *Styles, codeDigits int, loc *time.Location) detailPane {
	return detailPane{
		styles: st, codeDigits: codeDigits, loc: loc, drawn: &memo[detailKey]{},
		cache: map[int64][]record.Transition{}, failed: map[int64]string{},
	}
}

// SetSize sets the pane's size.
func (d *detailPane) SetSize(w, h int) { d.width, d.height = w, h }

// Want asks for an attempt's timeline; it returns the debounce tick when the timeline is neither cached nor
// already on its way.
func (d *detailPane) Want(w timelineWant) tea.Cmd {
	attemptID := w.attemptID
	if attemptID == 0 || d.pendingFor == attemptID {
		return nil
	}
	if _, ok := d.cache[attemptID]; ok {
		return nil
	}
	d.seq++
	d.pendingFor = attemptID
	d.want = w
	return timelineAfter(d.seq, attemptID)
}

// Due turns a debounce tick that is still current into the load command.
func (d *detailPane) Due(msg timelineDueMsg, c commands) tea.Cmd {
	if msg.req != d.seq || msg.attemptID != d.pendingFor {
		return nil
	}
	return c.timeline(msg.req, d.want)
}

// Loaded stores a reply, unless a newer request has been made since.
func (d *detailPane) Loaded(msg timelineMsg) bool {
	if msg.req != d.seq {
		return false
	}
	d.pendingFor = 0
	if msg.err != nil {
		d.failed[msg.attemptID] = msg.err.Error()
		return true
	}
	if len(d.cache) >= maxCachedTimelines {
		clear(d.cache)
	}
	delete(d.failed, msg.attemptID)
	d.cache[msg.attemptID] = msg.items
	return true
}

// Invalidate forgets an attempt's timeline after it changed. A request in flight for it is abandoned, since
// its reply may predate the change.
func (d *detailPane) Invalidate(attemptID int64) {
	delete(d.cache, attemptID)
	delete(d.failed, attemptID)
	if d.pendingFor == attemptID {
		d.pendingFor = 0
		d.seq++
	}
}

// Timeline returns the cached timeline of an attempt.
func (d detailPane) Timeline(attemptID int64) ([]record.Transition, bool) {
	t, ok := d.cache[attemptID]
	return t, ok
}

// View renders the pane for a row, with its number as the table shows it (masked unless revealed); it
// never takes more than the pane's height. A blocked attempt leads with the refusal, in full, and a call
// whose tracking fails (stale) with the error, so the reason its state stopped changing is in view. It is
// drawn again only when something it shows has changed (memo.go).
func (d detailPane) View(r record.HistoryRow, ok bool, number string, now time.Time) string {
	k := detailKey{row: r, ok: ok, number: number, width: d.width, height: d.height, failed: d.failed[r.ID]}
	if t, cached := d.cache[r.ID]; cached {
		k.cached, k.steps = true, len(t)
		if len(t) > 0 {
			k.timeline = &t[0]
		}
	}
	if !r.StaleSince.IsZero() {
		k.staleSeconds = int64(now.Sub(r.StaleSince) / time.Second)
	}
	return d.drawn.get(k, func() string { return d.draw(r, ok, number, now) })
}

func (d detailPane) draw(r record.HistoryRow, ok bool, number string, now time.Time) string {
	if d.height <= 0 {
		return ""
	}
	lines := []string{d.styles.Title.Render(clip("  Details", d.width))}
	if !ok {
		lines = append(lines, d.styles.Muted.Render(clip("  select an attempt in the history", d.width)))
		return strings.Join(lines, "\n")
	}
	lbl := func(label, value string) string {
		return d.styles.Label.Render(label) + " " + value
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	checks := fmt.Sprintf("%d/%d", r.Checks, r.MaxChecks)
	result := orDash(string(resultOf(&r)))
	if r.State == record.StateBlocked && r.VerificationStatus != "" && r.VerificationStatus != record.StatusBlocked {
		result += " (verification " + string(r.VerificationStatus) + ")"
	}
	items := []string{
		lbl("attempt", fmt.Sprintf("#%d", r.ID)),
		lbl("verification", fmt.Sprintf("#%d", r.VerificationID)),
		lbl("result", result),
		lbl("checks", checks),
		lbl("number", number),
		lbl("country", orDash(r.Country)),
		lbl("line", orDash(strings.ReplaceAll(r.LineType, "_", " "))),
		lbl("from", fromShown(r.From, r.VerificationStatus, d.codeDigits)),
		lbl("sid", orDash(r.CallSID)),
		lbl("state", orDash(string(r.State))),
		lbl("call", orDash(r.Status)),
		lbl("outcome", orDash(string(r.Outcome))),
		lbl("rang", yes(r.RingingSeen)),
		lbl("answered by", orDash(r.AnsweredBy)),
		lbl("ring", seconds(r.RingDuration)),
		lbl("talk time", talkTime(&r.Attempt)),
		lbl("restcomm duration", seconds(r.Duration)),
		lbl("created", stamp(r.CreatedAt, d.loc)),
		lbl("updated", stamp(r.UpdatedAt, d.loc)),
		lbl("ended", stamp(r.EndedAt, d.loc)),
		lbl("operator", orDash(r.Operator)),
		lbl("remote", orDash(r.Remote)),
		lbl("no call reported", yes(r.NoCallReported)),
	}
	stale := !r.StaleSince.IsZero() && isLive(r.Attempt)
	if !r.StaleSince.IsZero() {
		items = append(items, lbl("stale since", stamp(r.StaleSince, d.loc)+" ("+staleFor(now.Sub(r.StaleSince))+")"))
	}
	// The error or refusal in full (up to 3 lines), with the number masked: Restcomm's errors may quote it.
	var why []string
	if r.Error != "" {
		label := "error"
		switch {
		case r.State == record.StateBlocked:
			label = "blocked"
		case stale:
			label = "stale"
		}
		for i, l := range wrapMax(label+" "+record.MaskIn(r.Error, r.Number), d.width-2, 3) {
			if i == 0 {
				l = d.styles.Label.Render(label) + d.styles.Bad.Render(strings.TrimPrefix(l, label))
			} else {
				l = d.styles.Bad.Render(l)
			}
			why = append(why, "  "+l)
		}
	}
	if r.State == record.StateBlocked || stale {
		if stale {
			lines = append(lines, "  "+d.styles.Bad.Render(clip(fmt.Sprintf("not followed for %s: %s; the state below is the last one known",
				staleFor(now.Sub(r.StaleSince)), staleReason(r.Error, r.Number)), d.width-2)))
		}
		lines = append(lines, why...)
		why = nil
	}
	for _, l := range flow(items, d.width-2) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, why...)
	lines = append(lines, d.styles.Title.Render(clip("  Timeline", d.width)))
	room := d.height - len(lines)
	var tl []string
	switch t, cached := d.cache[r.ID]; {
	case d.failed[r.ID] != "":
		tl = []string{d.styles.Bad.Render("  could not load the timeline: " + d.failed[r.ID])}
	case !cached:
		tl = []string{d.styles.Muted.Render("  loading…")}
	case len(t) == 0:
		tl = []string{d.styles.Muted.Render("  no transitions recorded")}
	default:
		for _, tr := range t {
			line := fmt.Sprintf("  %s  %-16s %-9s %s", tr.At.In(d.loc).Format("15:04:05.000"), tr.Status, tr.Source, record.MaskIn(tr.Detail, r.Number))
			tl = append(tl, strings.TrimRight(line, " "))
		}
		if room > 0 && len(tl) > room {
			// Keep the newest transitions, which are the ones that explain the current state.
			skipped := len(tl) - room + 1
			tl = append([]string{d.styles.Muted.Render(fmt.Sprintf("  … %d earlier", skipped))}, tl[skipped:]...)
		}
	}
	lines = append(lines, tl...)
	if len(lines) > d.height {
		lines = lines[:d.height]
	}
	for i := range lines {
		lines[i] = clip(lines[i], d.width)
	}
	return strings.Join(lines, "\n")
}
