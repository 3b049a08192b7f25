package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// verificationView is one verification on the whole area under the live calls: its status and countdown,
// who started it and who is reading it back, every attempt, every read-back (who, when, right or wrong: the
// digits are never stored) and one timeline of the calls' transitions and the read-backs. It is loaded by a
// command; every request carries an ID so an older reply never replaces a newer one, and it is reloaded when
// an event touches the verification.
type verificationView struct {
	styles     *Styles
	loc        *time.Location
	codeDigits int
	width      int
	height     int
	focused    bool

	id      int64 // the verification shown, 0 when closed
	seq     uint64
	loading bool
	loaded  bool
	err     string
	data    verify.VerificationView
	offset  int // first body line shown
}

func newVerificationView(st *Styles, codeDigits int, loc *time.Location) verificationView {
	return verificationView{styles: st, codeDigits: codeDigits, loc: loc}
}

// SetSize sets the view's size.
func (v *verificationView) SetSize(w, h int) { v.width, v.height = w, h }

// Focus and Blur give and take the keyboard.
func (v *verificationView) Focus() { v.focused = true }

// Blur takes the keyboard away.
func (v *verificationView) Blur() { v.focused = false }

// Open starts showing verification id and returns the ID of the load to make.
func (v *verificationView) Open(id int64) uint64 {
	if v.id != id {
		v.data, v.loaded, v.err, v.offset = verify.VerificationView{}, false, "", 0
	}
	v.id = id
	return v.Reload()
}

// Reload returns the ID of a fresh load of the verification shown.
func (v *verificationView) Reload() uint64 {
	v.seq++
	v.loading = true
	return v.seq
}

// Close stops showing the verification.
func (v *verificationView) Close() {
	v.id, v.loaded, v.loading, v.err, v.offset = 0, false, false, "", 0
	v.data = verify.VerificationView{}
	v.seq++
}

// Loaded takes a reply, unless a newer request has been made since.
func (v *verificationView) Loaded(msg inspectMsg) bool {
	if msg.seq != v.seq || msg.verificationID != v.id {
		return false
	}
	v.loading = false
	if msg.err != nil {
		v.err = msg.err.Error()
		return true
	}
	v.err, v.loaded, v.data = "", true, msg.view
	return true
}

// IsOpen reports whether a verification is shown.
func (v verificationView) IsOpen() bool { return v.id != 0 }

// counting reports whether the view shows a countdown: an open verification that expires.
func (v verificationView) counting() bool {
	return v.id != 0 && v.loaded && !v.data.Verification.Status.Final() && !v.data.Verification.ExpiresAt.IsZero()
}

// Number is the verification's number as stored, "" until loaded.
func (v verificationView) Number() string { return v.data.Verification.Number }

// Scroll moves the body by delta lines.
func (v *verificationView) Scroll(delta, bodyLines int) {
	v.offset = min(max(v.offset+delta, 0), max(bodyLines-v.bodyRoom(), 0))
}

// bodyRoom is how many body lines fit under the title.
func (v verificationView) bodyRoom() int { return max(v.height-1, 1) }

// View renders the view; readers are the operators with its read-back open ("alice is reading back").
func (v verificationView) View(now time.Time, readers []string) string {
	if v.height <= 0 {
		return ""
	}
	title := fmt.Sprintf("Verification #%d", v.id)
	if v.loaded {
		title += " · " + shownNumber(v.data.Verification.Number)
	}
	body := v.body(now, readers)
	room := v.bodyRoom()
	off := min(v.offset, max(len(body)-room, 0))
	hint := " · i or esc to close"
	if off > 0 {
		hint = fmt.Sprintf(" · ↑ %d more", off) + hint
	}
	if below := len(body) - off - room; below > 0 {
		hint = fmt.Sprintf(" · ↓ %d more", below) + hint
	}
	lines := []string{sectionTitle(v.styles, title+hint, v.focused, v.width)}
	end := min(off+room, len(body))
	for _, l := range body[off:end] {
		lines = append(lines, clip(l, v.width))
	}
	return strings.Join(pad(lines, v.height), "\n")
}

// bodyLen is how many body lines the view has now, for scrolling.
func (v verificationView) bodyLen(now time.Time, readers []string) int {
	return len(v.body(now, readers))
}

// body is every line under the title.
func (v verificationView) body(now time.Time, readers []string) []string {
	st := v.styles
	switch {
	case v.err != "":
		return []string{st.Bad.Render("  could not load the verification: " + v.err)}
	case !v.loaded:
		return []string{st.Muted.Render("  loading…")}
	}
	d := v.data
	ver := d.Verification
	lbl := func(label, value string) string { return st.Label.Render(label) + " " + value }
	status := string(ver.Status)
	if ver.Status == record.StatusFailed {
		status += " (locked)"
	}
	items := []string{
		lbl("status", status),
		lbl("checks", fmt.Sprintf("%d/%d (%d left)", ver.Checks, ver.MaxChecks, ver.ChecksLeft())),
	}
	if !ver.Status.Final() && !ver.ExpiresAt.IsZero() {
		if left := ver.ExpiresAt.Sub(now); left > 0 {
			items = append(items, lbl("expires in", elapsed(left)))
		} else {
			items = append(items, lbl("expires", "now"))
		}
	}
	items = append(items,
		lbl("started", stamp(ver.CreatedAt, v.loc)+" by "+orDash(ver.Operator)),
		lbl("country", orDash(ver.Country)),
	)
	if ver.Reason != "" {
		items = append(items, lbl("reason", record.MaskIn(ver.Reason, ver.Number)))
	}
	var out []string
	for _, l := range flow(items, v.width-2) {
		out = append(out, "  "+l)
	}
	for _, r := range readers {
		out = append(out, "  "+st.Warn.Render(r+" is reading back"))
	}

	out = append(out, "", st.Title.Render(fmt.Sprintf("  Attempts (%d)", len(d.Attempts))))
	if len(d.Attempts) == 0 {
		out = append(out, st.Muted.Render("  none"))
	}
	for _, a := range d.Attempts {
		out = append(out, "  "+v.attemptLine(a, ver.Status, now))
		if !a.StaleSince.IsZero() && isLive(a) {
			out = append(out, "    "+st.Bad.Render(fmt.Sprintf("stale %s: %s", staleFor(now.Sub(a.StaleSince)), staleReason(a.Error, a.Number))))
		} else if a.Error != "" {
			out = append(out, "    "+st.Bad.Render(clip("error "+record.MaskIn(a.Error, a.Number), max(v.width-4, 1))))
		}
	}

	out = append(out, "", st.Title.Render(fmt.Sprintf("  Read-backs (%d)", len(d.Checks))))
	if len(d.Checks) == 0 {
		out = append(out, st.Muted.Render("  none yet"))
	}
	for _, c := range d.Checks {
		out = append(out, fmt.Sprintf("  %s  %-16s %s", c.At.In(v.loc).Format("15:04:05"), orDash(c.Operator), checkWord(st, c.OK)))
	}

	out = append(out, "", st.Title.Render("  Timeline"))
	tl := append(timelineOf(d.Transitions, d.Checks), overrideSteps(d.Overrides, ver.ID)...)
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	if len(tl) == 0 {
		out = append(out, st.Muted.Render("  no transitions recorded"))
	}
	for _, t := range tl {
		out = append(out, strings.TrimRight(fmt.Sprintf("  %s  #%-5d %-16s %-9s %s", t.At.In(v.loc).Format("15:04:05.000"),
			t.AttemptID, t.Status, t.Source, record.MaskIn(t.Detail, ver.Number)), " "))
	}
	return out
}

// attemptLine is one attempt: ID, when, From (the code hidden while the verification is open), state,
// outcome, ring time and SID (kind and tail; the detail pane has it whole).
func (v verificationView) attemptLine(a record.Attempt, status record.Status, now time.Time) string {
	state := callStatus(&a)
	if a.Outcome != "" {
		state += " (" + string(a.Outcome) + ")"
	}
	if a.NoCallReported {
		state += ", no call reported"
	}
	return fmt.Sprintf("#%-5d %s  from %-16s %-24s ring %-5s %s", a.ID, clockTime(a.CreatedAt, now, v.loc, false),
		fromShown(a.From, status, v.codeDigits), state, seconds(a.RingDuration), shortSID(a.CallSID))
}

// checkWord words a read-back's result without colour carrying the meaning.
func checkWord(st *Styles, ok bool) string {
	if ok {
		return st.Good.Render("✓ right")
	}
	return st.Bad.Render("✗ wrong")
}

// timelineOf merges the calls' transitions with the read-backs, oldest first: a read-back is a step of the
// verification as much as a ring is. A read-back is shown against the attempt whose code it checked, the
// newest one created before it.
func timelineOf(ts []record.Transition, checks []record.Check) []record.Transition {
	out := append([]record.Transition(nil), ts...)
	for _, c := range checks {
		out = append(out, checkTransition(c, attemptAt(ts, c.At)))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// attemptAt is the attempt of the newest transition at or before t, 0 when there is none.
func attemptAt(ts []record.Transition, t time.Time) int64 {
	var id int64
	for _, tr := range ts {
		if !tr.At.After(t) {
			id = tr.AttemptID
		}
	}
	return id
}

// checkTransition shows a read-back as a timeline step.
func checkTransition(c record.Check, attemptID int64) record.Transition {
	status, detail := "✗ read-back", "wrong digits, by "+orDash(c.Operator)
	if c.OK {
		status, detail = "✓ read-back", "right digits, by "+orDash(c.Operator)
	}
	return record.Transition{AttemptID: attemptID, At: c.At, Status: status, Source: record.SourceOperator, Detail: detail}
}
