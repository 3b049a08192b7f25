package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// secondTickMsg refreshes countdowns once a second while the code panel is open or a read-back waits.
type secondTickMsg struct{}

func secondTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return secondTickMsg{} })
}

// Update handles one message. It never blocks: replies from the service come back as messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	add := func(c tea.Cmd) {
		if c != nil {
			cmds = append(cmds, c)
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
	case tea.KeyMsg:
		add(m.handleKey(msg))
	case tea.MouseMsg:
		m.handleMouse(msg)
	case spinner.TickMsg:
		var c tea.Cmd
		m.live, c = m.live.Update(msg)
		add(c)
	case secondTickMsg:
		if m.focus == focusPresence && m.seat != nil {
			m.members = m.seat.Members() // idle times
		}
		if m.counting() && !m.quitting {
			add(secondTick())
		} else {
			m.ticking = false
		}
	case startedMsg:
		add(m.started(msg))
	case historyPageMsg:
		add(m.historyPaged(msg))
	case historyCountMsg:
		m.historyCounted(msg)
	case historyAttemptsMsg:
		add(m.historyAttempts(msg))
	case eventMsg:
		add(m.applyEvent(msg.ev))
		add(waitForEvent(m.events))
	case eventsClosedMsg:
		m.events = nil
		if !m.quitting {
			add(m.status.Set("the verification service has stopped: live updates ended", noticeError))
		}
	case placedMsg:
		add(m.placed(msg))
	case hungUpMsg:
		add(m.hungUp(msg))
	case checkedMsg:
		add(m.checked(msg))
	case canceledMsg:
		delete(m.busy, msg.verificationID)
		if msg.err != nil {
			add(m.status.Set("cancel failed: "+record.MaskIn(msg.err.Error(), msg.number), noticeError))
		} else {
			m.readBackOver(msg.verificationID)
			add(m.status.Set("verification of "+shownNumber(msg.number)+" canceled", noticeInfo))
		}
	case noCallMsg:
		delete(m.busy, msg.verificationID)
		if msg.err != nil {
			add(m.status.Set("could not record that no call came: "+record.MaskIn(msg.err.Error(), msg.number), noticeError))
		} else {
			add(m.status.Set("recorded: "+shownNumber(msg.number)+" got no call; press r to call again", noticeInfo))
		}
	case figuresMsg:
		add(m.figures(msg))
	case overrideMsg:
		add(m.overridden(msg))
	case resumedMsg:
		add(m.resumed(msg))
	case dashTickMsg:
		add(m.dashTick(msg))
	case timelineDueMsg:
		add(m.detail.Due(msg, m.cmds))
	case timelineMsg:
		m.detail.Loaded(msg)
	case revealedMsg:
		add(m.revealed(msg))
	case hideRevealMsg:
		m.hideRevealAfter(msg)
	case auditMsg:
		m.audit.Loaded(msg)
	case inspectMsg:
		m.inspect.Loaded(msg)
	case expiryMsg:
		if m.code.open && m.code.verificationID == msg.verificationID && !msg.expiresAt.IsZero() {
			m.code.expiresAt = msg.expiresAt
		}
	case copiedMsg:
		add(m.copied(msg))
	case presenceMsg:
		add(m.presenceEvent(msg.ev))
		add(waitForPresence(m.presenceEvents()))
	case presenceClosedMsg:
		// The seat has left the hub: the session is ending.
	case clearNoticeMsg:
		m.status.Clear(msg.id)
	case unsubscribedMsg:
		// The subscription is over; the reading command sees its channel closed.
	case bellMsg:
		// Rung, or the terminal is gone: nothing to show either way.
	}

	// Wanting a cached or already requested timeline costs nothing, so this is safe after every message.
	if r, ok, _ := m.detailRow(); ok && r.ID != 0 && m.detailVisible() {
		add(m.detail.Want(m.timelineWant(r)))
	}
	if m.counting() && !m.ticking && !m.quitting {
		m.ticking = true
		add(secondTick())
	}
	m.keepRevealOnSelection()
	m.reportReadBack()
	if m.ready && !m.quitting {
		add(m.historyScrolled()) // the cursor came near an edge of the window: the next page
	}
	// A long notice or question, another waiting read-back, a colleague's read-back or another live call
	// takes more lines than before: lay out again only then.
	if m.bottomHeight() != m.lay.statusH || m.noticeHeight() != m.lay.noticeH || m.liveRows() != m.lay.liveRows {
		m.relayout()
	}
	m.updateKeys()
	return m, tea.Batch(cmds...)
}

// counting reports whether a countdown is on screen: the code panel's, a waiting read-back's, the
// verification view's; or the presence screen's idle times.
func (m *Model) counting() bool {
	return m.code.open || m.waiting.Len() > 0 || (m.focus == focusVerification && m.inspect.counting()) ||
		m.focus == focusPresence
}

// timelineWant is what the detail pane asks for a row: its transitions, and the read-backs made while it
// was its verification's newest attempt.
func (m *Model) timelineWant(r record.HistoryRow) timelineWant {
	w := timelineWant{attemptID: r.ID, verificationID: r.VerificationID, since: r.CreatedAt}
	if latest, ok := m.history.LatestOf(r.VerificationID); ok && latest.ID != r.ID && latest.CreatedAt.After(r.CreatedAt) {
		w.until = latest.CreatedAt
	}
	return w
}

// selectedAttempt is the attempt under the history cursor, 0 for none.
func (m *Model) selectedAttempt() int64 {
	if r, ok := m.history.Selected(); ok {
		return r.ID
	}
	return 0
}

// started takes the subscription and the first history load.
func (m *Model) started(msg startedMsg) tea.Cmd {
	if m.quitting {
		return nil
	}
	m.ready = true
	var cmds []tea.Cmd
	if len(m.warnings) > 0 {
		cmds = append(cmds, m.status.Set("warning: "+strings.Join(m.warnings, "; "), noticeError))
		m.warnings = nil
	}
	if msg.err != nil {
		cmds = append(cmds, m.status.Set("history could not be loaded: "+msg.err.Error(), noticeError))
	}
	if m.history.paging.gen == 0 && m.history.paging.seq == 0 { // not overtaken by a filter or a sort
		m.history.applyPage(historyPageMsg{kind: pageFirst, res: msg.res})
	}
	for _, a := range msg.live {
		cmds = append(cmds, m.live.Upsert(a, m.now()))
	}
	cmds = append(cmds, waitForEvent(m.events))
	return tea.Batch(cmds...)
}

// rowOf builds a history row from an attempt and its verification, keeping the verification fields the
// table already has when the event carries none.
func (m *Model) rowOf(a record.Attempt, v record.Verification) record.HistoryRow {
	r := record.HistoryRow{Attempt: a}
	if v.ID != 0 {
		r.VerificationStatus, r.Checks, r.MaxChecks = v.Status, v.Checks, v.MaxChecks
	} else if old, ok := m.history.Row(a.ID); ok {
		r.VerificationStatus, r.Checks, r.MaxChecks = old.VerificationStatus, old.Checks, old.MaxChecks
	}
	return r
}

// applyEvent merges one pushed change into the screen.
func (m *Model) applyEvent(ev verify.Event) tea.Cmd {
	switch ev.Kind {
	case verify.EventAttempt:
		if ev.Attempt.ID == 0 {
			return nil
		}
		stale := m.newlyStale(ev.Attempt)
		m.history.Upsert(m.rowOf(ev.Attempt, ev.Verification), false)
		m.detail.Invalidate(ev.Attempt.ID)
		seen := ev.At
		if seen.IsZero() {
			seen = m.now()
		}
		c := m.live.Upsert(ev.Attempt, seen)
		if m.focus == focusLive && m.live.Len() == 0 {
			m.setFocus(focusHistory)
		}
		return tea.Batch(c, stale, m.reloadInspect(ev.Attempt.VerificationID), m.verificationChanged(ev.Verification))
	case verify.EventVerification:
		if r, ok := m.history.LatestOf(ev.Verification.ID); ok {
			m.detail.Invalidate(r.ID) // a read-back or a "no call" is a step of its timeline
		}
		return tea.Batch(m.reloadInspect(ev.Verification.ID), m.verificationChanged(ev.Verification))
	case verify.EventNotice:
		// The alarm watch tells each alarm raised and cleared as a notice: the header's count follows.
		m.header.alarms = len(m.svc.ActiveAlarms())
		if ev.Notice == "" {
			return nil
		}
		kind := noticeInfo
		if ev.Err {
			kind = noticeError
		}
		return m.status.Set(ev.Notice, kind)
	}
	return nil
}

// verificationChanged updates the table and reacts to what a change means for this operator: a missed
// call delivered for one of their verifications queues a notice (it never takes the keyboard), and a
// verification that ends drops its notice and closes its code entry.
func (m *Model) verificationChanged(v record.Verification) tea.Cmd {
	if v.ID == 0 {
		return nil
	}
	m.history.UpdateVerification(v.ID, v.Status, v.Checks, v.MaxChecks)
	prev, known := m.verifs[v.ID]
	if known && v.UpdatedAt.Before(prev.UpdatedAt) {
		return nil
	}
	if !m.mine[v.ID] && !(m.code.open && m.code.verificationID == v.ID) {
		return nil
	}
	m.verifs[v.ID] = v
	if v.Status != record.StatusAwaitingCode {
		// Ended, or called again: no read-back waits any more (a retry delivered queues it afresh).
		m.waiting.Remove(v.ID)
	}
	if v.Status.Final() {
		delete(m.drafts, v.ID)
	}
	if prev.Status == v.Status {
		if v.Status == record.StatusAwaitingCode && m.waiting.Has(v.ID) {
			m.waiting.Add(v, false) // a later expiry
		}
		if m.code.open && m.code.verificationID == v.ID && !v.ExpiresAt.IsZero() {
			m.code.expiresAt = v.ExpiresAt
		}
		return nil
	}
	switch {
	case v.Status == record.StatusSuperseded && m.busy[v.ID]:
		// This session is superseding it: the reply to Supersede says what happened.
		if m.code.open && m.code.verificationID == v.ID {
			m.hideCode()
		}
		return nil
	case v.Status == record.StatusAwaitingCode && m.mine[v.ID]:
		return m.delivered(v)
	case v.Status == record.StatusNotDelivered && m.mine[v.ID]:
		if m.unreachable(v.ID) {
			// Calling again will not help a number the network cannot place a call to.
			return m.status.Set(fmt.Sprintf("the call to %s could not reach the phone%s: check the number with the customer before calling again",
				shownNumber(v.Number), m.lastOutcome(v.ID)), noticeError)
		}
		return m.status.Set(fmt.Sprintf("the call to %s was not delivered%s: r (in the history) calls again",
			shownNumber(v.Number), m.lastOutcome(v.ID)), noticeError)
	case v.Status.Final() && m.code.open && m.code.verificationID == v.ID:
		return m.closeCode(resultNotice(v))
	case v.Status.Final() && v.Status != record.StatusVerified && v.Status != record.StatusFailed:
		return m.status.Set(resultNoticeText(v), noticeError)
	}
	return nil
}

// delivered queues the notice of a delivered call and rings the bell. Whatever has the keyboard keeps it:
// the operator may be typing the next number, or reading back another customer's code.
func (m *Model) delivered(v record.Verification) tea.Cmd {
	r, _ := m.history.LatestOf(v.ID)
	if !m.waiting.Add(v, r.Outcome == record.OutcomeAnswered) {
		return nil
	}
	if m.bell {
		return ringBell(m.renderer)
	}
	return nil
}

// readBackOver forgets the notice and the half-typed digits of a verification that has ended.
func (m *Model) readBackOver(verificationID int64) {
	m.waiting.Remove(verificationID)
	delete(m.drafts, verificationID)
}

// newlyStale returns the notice for one of this session's calls whose tracking has just started failing, nil
// when the attempt was stale already, is fresh, or is not this session's.
func (m *Model) newlyStale(a record.Attempt) tea.Cmd {
	if a.StaleSince.IsZero() || !isLive(a) || !m.mine[a.VerificationID] {
		return nil
	}
	if old, ok := m.history.Row(a.ID); ok && !old.StaleSince.IsZero() {
		return nil
	}
	return m.status.Set(fmt.Sprintf("the call to %s cannot be followed: %s; it shows its last known state, marked stale",
		shownNumber(a.Number), staleReason(a.Error, a.Number)), noticeError)
}

// unreachable reports whether the newest attempt of a verification failed in a way calling again does not
// mend: Restcomm could not place the call, or does not know it (a wrong or unallocated number).
func (m *Model) unreachable(verificationID int64) bool {
	r, ok := m.history.LatestOf(verificationID)
	return ok && (r.Outcome == record.OutcomeFailed || r.Outcome == record.OutcomeNotFound)
}

// lastOutcome describes the newest attempt of a verification, e.g. " (busy)".
func (m *Model) lastOutcome(verificationID int64) string {
	r, ok := m.history.LatestOf(verificationID)
	if !ok || r.Outcome == "" {
		return ""
	}
	return " (" + string(r.Outcome) + ")"
}

// openCode shows the code entry for a verification and gives it the keyboard. The operator asked for it
// (c, or enter on a waiting row): nothing else opens it. Digits half-typed into a read-back left for another
// one are kept, and come back when the operator returns to it.
func (m *Model) openCode(verificationID int64, number string, expiresAt time.Time) tea.Cmd {
	wasOpen := m.code.open
	if wasOpen && m.code.verificationID != verificationID && m.code.Value() != "" {
		m.drafts[m.code.verificationID] = m.code.Value()
	}
	if expiresAt.IsZero() {
		expiresAt = m.verifs[verificationID].ExpiresAt
	}
	same := wasOpen && m.code.verificationID == verificationID
	if m.focus != focusCode && m.focus != focusConfirm && m.focus != focusHelp {
		m.codeBack = m.focus
	}
	if expiresAt.IsZero() && m.inspect.id == verificationID {
		expiresAt = m.inspect.data.Verification.ExpiresAt
	}
	m.code.Open(verificationID, number, expiresAt)
	if d, ok := m.drafts[verificationID]; ok && !same {
		m.code.input.SetValue(d)
		m.code.input.CursorEnd()
		delete(m.drafts, verificationID)
	}
	if !wasOpen {
		m.relayout()
	}
	var load tea.Cmd
	if m.code.expiresAt.IsZero() {
		// A colleague's verification: this session has not seen it, so its countdown comes from the store.
		load = m.cmds.expiryOf(verificationID)
	}
	return tea.Batch(m.setFocus(focusCode), load)
}

// nextReadBack is c from the number input: back to the read-back already open, or the oldest one waiting.
func (m *Model) nextReadBack() tea.Cmd {
	if m.code.open {
		return m.setFocus(focusCode)
	}
	if c, ok := m.waiting.First(0); ok {
		return m.openCode(c.verificationID, c.number, c.expiresAt)
	}
	return nil
}

// waits reports whether a verification's delivered call waits for its read-back and no action on it is
// in flight: enter on its row opens the read-back.
func (m *Model) waits(verificationID int64) bool {
	return verificationID != 0 && m.waiting.Has(verificationID) && !m.busy[verificationID]
}

// closeCode hides the code entry and shows why.
func (m *Model) closeCode(text string, kind noticeKind) tea.Cmd {
	m.hideCode()
	return m.status.Set(text, kind)
}

// hideCode hides the code entry and gives the keyboard back to the number input if the entry had it.
func (m *Model) hideCode() {
	m.code.Close()
	m.relayout()
	if m.focus == focusCode {
		m.setFocus(m.codeReturn())
	}
	if m.back == focusCode {
		m.back = m.codeReturn()
	}
	if m.auditBack == focusCode {
		m.auditBack = m.codeReturn()
	}
	if m.viewBack == focusCode {
		m.viewBack = m.codeReturn()
	}
}

// resultNotice words a final verification for the status bar.
func resultNotice(v record.Verification) (string, noticeKind) {
	kind := noticeError
	if v.Status == record.StatusVerified {
		kind = noticeGood
	}
	return resultNoticeText(v), kind
}

// resultNoticeText words a final verification. The check reply and the service's event race each other to
// the screen, so a lock reads "is locked after N wrong read-backs" whichever comes first.
func resultNoticeText(v record.Verification) string {
	n := shownNumber(v.Number)
	switch v.Status {
	case record.StatusVerified:
		return n + " is verified"
	case record.StatusFailed:
		return fmt.Sprintf("%s is locked after %d wrong read-backs", n, v.Checks)
	case record.StatusExpired:
		return "the verification of " + n + " expired: start a new one"
	case record.StatusCanceled:
		return "the verification of " + n + " was canceled"
	case record.StatusSuperseded:
		return "the verification of " + n + " was replaced by a newer one"
	case record.StatusBlocked:
		return "the verification of " + n + " was blocked: " + orDash(record.MaskIn(v.Reason, v.Number))
	}
	return "the verification of " + n + " is " + string(v.Status)
}

// placed handles the reply to Place, Retry or Supersede.
func (m *Model) placed(msg placedMsg) tea.Cmd {
	if msg.retry || msg.supersede {
		delete(m.busy, msg.verificationID)
	} else {
		m.placing = max(m.placing-1, 0)
	}
	if msg.supersede && msg.err == nil {
		// The superseded verification is not this session's to follow any more: no notices about it.
		delete(m.mine, msg.verificationID)
		m.readBackOver(msg.verificationID)
	}
	var cmds []tea.Cmd
	if v := msg.res.Verification; v.ID != 0 {
		m.mine[v.ID] = true
		if _, ok := m.verifs[v.ID]; !ok || !v.UpdatedAt.Before(m.verifs[v.ID].UpdatedAt) {
			m.verifs[v.ID] = v
			if v.Status != record.StatusAwaitingCode {
				m.waiting.Remove(v.ID) // a retry: the read-back waits for the new call
			}
		}
	}
	if a := msg.res.Attempt; a.ID != 0 {
		m.history.Upsert(m.rowOf(a, msg.res.Verification), true)
		cmds = append(cmds, m.live.Upsert(a, m.now()))
	}
	if msg.err != nil {
		number := msg.number
		if number == "" {
			number = msg.res.Attempt.Number
		}
		m.over.refused = refusalTarget(msg.err, m.refusedNumber(msg.input, number)) // o lifts it (override.go)
		var ref *policy.Refusal
		if !msg.retry && !msg.supersede && !errors.As(msg.err, &ref) && m.dialer.Value() == "" {
			// A call that could not be placed for now (a call to the number still live, Restcomm or the
			// history failing) gets its number back to try again, unless the operator has started the next
			// one. A policy refusal does not: it would be refused again.
			m.dialer.SetValue(msg.input)
		}
		return tea.Batch(append(cmds, m.status.Set(placeError(msg.err, number), noticeError))...)
	}
	a := msg.res.Attempt
	n, from := shownNumber(a.Number), record.MaskCode(a.From, m.code.digits)
	text := "calling " + n + " from " + from
	switch {
	case msg.supersede:
		text = "fresh verification started, the open one is superseded: " + text
	case msg.res.Retry:
		text = "retry of the open verification: calling " + n + " again from " + from
	}
	cmds = append(cmds, m.status.Set(text, noticeInfo))
	return tea.Batch(cmds...)
}

// placeError words a failed Place, Retry or Supersede, with number masked wherever the error quotes it. A
// policy refusal is shown as it is: it names the rule that refused and says when to try again.
func placeError(err error, number string) string {
	var (
		ne  *verify.NumberError
		ref *policy.Refusal
	)
	switch {
	case errors.As(err, &ref):
		return ref.Error()
	case errors.As(err, &ne):
		return "not called: " + ne.Reason
	case errors.Is(err, verify.ErrLiveCall), errors.Is(err, verify.ErrHistory), errors.Is(err, verify.ErrClosed):
		return "not called: " + record.MaskIn(err.Error(), number)
	}
	return "call failed: " + record.MaskIn(err.Error(), number)
}

// hungUp handles the reply to HangUp.
func (m *Model) hungUp(msg hungUpMsg) tea.Cmd {
	if msg.err != nil {
		return m.status.Set("hang-up failed: "+record.MaskIn(msg.err.Error(), msg.number), noticeError)
	}
	return m.status.Set("hung up the call to "+shownNumber(msg.number), noticeInfo)
}

// checked handles the reply to Check: verified, a mismatch with the checks left, locked, or expired.
func (m *Model) checked(msg checkedMsg) tea.Cmd {
	delete(m.busy, msg.verificationID)
	m.code.checking = false
	v := msg.res.Verification
	if v.ID != 0 {
		m.history.UpdateVerification(v.ID, v.Status, v.Checks, v.MaxChecks)
		if m.mine[v.ID] {
			m.verifs[v.ID] = v
		}
		if v.Status.Final() {
			m.readBackOver(v.ID)
		}
	}
	open := m.code.open && m.code.verificationID == msg.verificationID
	if msg.err == nil {
		// The others see it at once; the service's event reloads this session's own views.
		m.announceCheck(msg.res)
	}
	switch {
	case msg.err == nil && msg.res.Verified:
		if open {
			return m.closeCode(resultNotice(v))
		}
		return m.status.Set(resultNoticeText(v), noticeGood)
	case msg.err == nil && v.Status == record.StatusFailed:
		if open {
			return m.closeCode(fmt.Sprintf("wrong digits: %s is locked after %d wrong read-backs", shownNumber(v.Number), v.Checks), noticeError)
		}
		return m.status.Set(resultNoticeText(v), noticeError)
	case msg.err == nil:
		if open {
			m.code.input.Reset()
			m.code.SetResult(fmt.Sprintf("✗ wrong digits: %d %s left", msg.res.ChecksLeft, plural(msg.res.ChecksLeft, "check", "checks")), noticeError)
		}
		return nil
	case errors.Is(msg.err, verify.ErrClosed) && v.ID != 0 && v.Status.Final():
		if open {
			return m.closeCode(resultNoticeText(v), noticeError)
		}
		return m.status.Set(resultNoticeText(v), noticeError)
	default:
		text := record.MaskIn(msg.err.Error(), m.verifs[msg.verificationID].Number)
		if open {
			m.code.SetResult("✗ "+record.MaskIn(text, m.code.number), noticeError)
			return nil
		}
		return m.status.Set("check failed: "+text, noticeError)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// quit ends the subscription, then the program.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	f := m.unsubscribe
	m.unsubscribe = nil
	return tea.Sequence(unsubscribe(f), tea.Quit)
}
