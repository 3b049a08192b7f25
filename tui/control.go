package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/flashcall/flashcall/internal/record"
)

// handleKey routes a key: to the focused part first, and to the console's own bindings only where no text
// input would take it. ctrl+c always quits, after asking while calls are live or a read-back is half-typed.
// Runes that arrived together in one message (key repeat, an SSH client batching keys) count as as many key
// presses wherever no text input has the keyboard.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !m.typing() {
		return m.keyRun(msg)
	}
	k := &m.keys
	if m.seat != nil {
		m.seat.Touch()
	}
	if key.Matches(msg, k.ForceQuit) {
		return m.requestQuit()
	}
	switch m.focus {
	case focusConfirm:
		if m.confirm.quit {
			switch {
			case key.Matches(msg, k.Quit):
				return m.quit()
			case key.Matches(msg, k.Back, k.No):
				return m.stayAfterQuitQuestion()
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Yes):
			yes := m.confirm.yes
			if m.confirm.busy != 0 {
				m.busy[m.confirm.busy] = true
			}
			m.confirm = confirmDialog{}
			return tea.Batch(m.setFocus(m.back), yes)
		case key.Matches(msg, k.No):
			m.confirm = confirmDialog{}
			return m.setFocus(m.back)
		}
		return nil
	case focusHelp:
		switch {
		case key.Matches(msg, k.Help, k.Back):
			return m.setFocus(m.back)
		case key.Matches(msg, k.Quit):
			return m.requestQuit()
		case key.Matches(msg, k.Up):
			m.scrollHelp(-1)
		case key.Matches(msg, k.Down):
			m.scrollHelp(+1)
		case key.Matches(msg, k.PageUp):
			m.scrollHelp(-m.help.page())
		case key.Matches(msg, k.PageDown):
			m.scrollHelp(+m.help.page())
		case key.Matches(msg, k.Home):
			m.scrollHelp(-1 << 30)
		case key.Matches(msg, k.End):
			m.scrollHelp(1 << 30)
		}
		return nil
	case focusAudit:
		return m.auditKey(msg)
	case focusVerification:
		return m.verificationKey(msg)
	case focusPresence:
		return m.teamKey(msg)
	case focusDashboard:
		return m.dashboardKey(msg)
	case focusReason:
		return m.reasonKey(msg)
	case focusFilter:
		switch {
		case key.Matches(msg, k.ApplyFilter):
			return m.setFocus(focusHistory)
		case key.Matches(msg, k.ClearFilter):
			return tea.Batch(m.setHistoryFilter(""), m.setFocus(focusHistory))
		}
		var cmd tea.Cmd
		before := m.filter.Value()
		m.filter, cmd = m.filter.Update(msg)
		if m.filter.Value() != before {
			return tea.Batch(cmd, m.setHistoryFilter(m.filter.Value()))
		}
		return cmd
	case focusInput:
		switch {
		case key.Matches(msg, k.Call):
			return m.place()
		case key.Matches(msg, k.Help) && m.dialer.Value() == "":
			// Nothing typed yet: ? is a question, not the start of a number.
			m.back = focusInput
			return m.setFocus(focusHelp)
		case key.Matches(msg, k.EnterCode):
			// No number holds a letter, so c is never typing: it opens the read-back a notice offers.
			return m.nextReadBack()
		case pressed(k.Override, msg) && m.dialer.Value() == "" && m.over.refused.rule != "":
			// o likewise: it lifts the rule that just refused the number (supervisors).
			return m.openOverride(m.over.refused)
		case msg.Type == tea.KeyEnter:
			// Enter with nothing dialable: say why instead of doing nothing.
			return m.notCalled()
		case key.Matches(msg, k.NextFocus):
			return m.cycle(+1)
		case key.Matches(msg, k.PrevFocus):
			return m.cycle(-1)
		case key.Matches(msg, k.Back):
			m.dialer.Reset()
			return nil
		}
		var cmd tea.Cmd
		m.dialer, cmd = m.dialer.Update(msg)
		return cmd
	case focusCode:
		switch {
		case key.Matches(msg, k.SubmitCode):
			return m.submitCode()
		case msg.Type == tea.KeyEnter:
			if !m.code.checking {
				m.code.SetResult(fmt.Sprintf("type all %d digits", m.code.digits), noticeError)
				m.code.hint = true
			}
			return nil
		case key.Matches(msg, k.NextFocus):
			return m.cycle(+1)
		case key.Matches(msg, k.PrevFocus):
			return m.cycle(-1)
		case key.Matches(msg, k.Back):
			m.code.Close()
			m.relayout()
			return m.setFocus(m.codeReturn())
		}
		before := m.code.Value()
		var cmd tea.Cmd
		m.code, cmd = m.code.Update(msg)
		if m.code.Value() != before && m.code.hint {
			// "type all 4 digits" was about the digits before this key.
			m.code.SetResult("", noticeInfo)
		}
		return cmd
	case focusLive:
		if cmd, done := m.supervisorOnly(msg); done {
			return cmd
		}
		switch {
		case key.Matches(msg, k.Up):
			m.live.Move(-1)
			return nil
		case key.Matches(msg, k.Down):
			m.live.Move(+1)
			return nil
		case key.Matches(msg, k.PageUp):
			m.live.Move(-m.live.height)
			return nil
		case key.Matches(msg, k.PageDown):
			m.live.Move(+m.live.height)
			return nil
		case key.Matches(msg, k.Home):
			m.live.Top()
			return nil
		case key.Matches(msg, k.End):
			m.live.Bottom()
			return nil
		}
		if a, ok := m.live.Selected(); ok {
			if msg.Type == tea.KeyEnter && m.waits(a.VerificationID) {
				return m.openCode(a.VerificationID, a.Number, time.Time{})
			}
			if cmd, done := m.actionKey(msg, a.ID, a.VerificationID); done {
				return cmd
			}
			if key.Matches(msg, k.Details) {
				m.detailOpen = !m.detailOpen
				m.relayout()
				return nil
			}
		}
	case focusHistory:
		if cmd, done := m.supervisorOnly(msg); done {
			return cmd
		}
		if cmd, done := m.historyKey(msg); done {
			return cmd
		}
	}
	return m.globalKey(msg)
}

// historyKey handles the table's own keys.
func (m *Model) historyKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	m.history.paging.failed = false // a key press may try a page that failed again
	page := m.history.pageRows()
	if r, ok := m.history.Selected(); ok && msg.Type == tea.KeyEnter && m.waits(r.VerificationID) {
		// Enter on the row of a delivered call waiting for its read-back opens it (d still shows details).
		return m.openCode(r.VerificationID, r.Number, time.Time{}), true
	}
	switch {
	case key.Matches(msg, k.Up):
		m.history.Move(-1)
	case key.Matches(msg, k.Down):
		m.history.Move(+1)
	case key.Matches(msg, k.PageUp):
		m.history.Move(-page)
	case key.Matches(msg, k.PageDown):
		m.history.Move(+page)
	case key.Matches(msg, k.Home):
		return m.historyTop(), true
	case key.Matches(msg, k.End):
		return m.historyBottom(), true
	case key.Matches(msg, k.Unfold):
		return m.foldHistory(true), true
	case key.Matches(msg, k.Fold):
		return m.foldHistory(false), true
	case key.Matches(msg, k.Sort):
		return m.cycleSort(), true
	case key.Matches(msg, k.Filter):
		m.back = focusHistory
		return m.setFocus(focusFilter), true
	case key.Matches(msg, k.Details):
		m.detailOpen = !m.detailOpen
		m.relayout()
	case key.Matches(msg, k.Reveal):
		return m.toggleReveal(), true
	case key.Matches(msg, k.Override):
		if t, ok := m.overrideHere(); ok {
			return m.openOverride(t), true
		}
		return nil, true
	default:
		r, ok := m.history.Selected()
		if !ok {
			return nil, false
		}
		return m.actionKey(msg, r.ID, r.VerificationID)
	}
	return nil, true
}

// actionKey handles the keys that act on an attempt and its verification, from the history or the live
// list.
func (m *Model) actionKey(msg tea.KeyMsg, attemptID, verificationID int64) (tea.Cmd, bool) {
	k := &m.keys
	row, _ := m.history.Row(attemptID)
	number := row.Number
	if a, ok := m.live.Selected(); ok && m.focus == focusLive {
		number = a.Number
	}
	shown := shownNumber(number)
	switch {
	case key.Matches(msg, k.Inspect):
		return m.openVerification(verificationID), true
	case key.Matches(msg, k.Copy):
		return m.copyRow(attemptID), true
	case key.Matches(msg, k.EnterCode):
		return m.openCode(verificationID, number, time.Time{}), true
	case key.Matches(msg, k.HangUp):
		return m.ask(fmt.Sprintf("Hang up the call to %s?", shown), m.cmds.hangUp(attemptID, number)), true
	case key.Matches(msg, k.Retry):
		m.busy[verificationID] = true
		return tea.Batch(m.cmds.retry(verificationID, number), m.status.Set("calling "+shown+" again…", noticeInfo)), true
	case key.Matches(msg, k.NoCall):
		m.busy[verificationID] = true
		return m.cmds.reportNoCall(verificationID, number), true
	case key.Matches(msg, k.Cancel):
		return m.ask(fmt.Sprintf("Cancel the verification of %s?", shown), m.cmds.cancel(verificationID, number)), true
	case key.Matches(msg, k.Supersede):
		if !m.isSupervisor() {
			return m.denied("starting a fresh verification over an open one (supersede)"), true
		}
		cmd := m.ask(fmt.Sprintf("Start a fresh verification for %s? The open one is superseded (audited).", shown),
			m.cmds.supersede(verificationID, number))
		m.confirm.busy = verificationID
		return cmd, true
	}
	return nil, false
}

// globalKey handles what works wherever no text input has the keyboard.
func (m *Model) globalKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.NextFocus):
		return m.cycle(+1)
	case key.Matches(msg, k.PrevFocus):
		return m.cycle(-1)
	case key.Matches(msg, k.Back):
		return m.setFocus(focusInput)
	case key.Matches(msg, k.Help):
		m.back = m.focus
		return m.setFocus(focusHelp)
	case key.Matches(msg, k.Audit):
		return m.openAudit()
	case key.Matches(msg, k.Team):
		return m.openTeam()
	case key.Matches(msg, k.Dashboard):
		return m.openDashboard()
	case key.Matches(msg, k.Quit):
		return m.requestQuit()
	}
	return nil
}

// typing reports whether a text input has the keyboard, where runes are text rather than keys.
func (m *Model) typing() bool {
	switch m.focus {
	case focusInput, focusCode, focusFilter, focusReason:
		return true
	case focusAudit:
		return m.audit.Filtering()
	}
	return false
}

// keyRun handles the runes of one key message ("jjj") one by one, as the key presses they stand for, with
// the bindings the previous one left in force. Pasted text is no key presses: it is dropped. A run stops
// where it opens or closes a dialog, so a held key never answers the question it raised; and where a rune
// gives a text input the keyboard, the rest is typed into it.
func (m *Model) keyRun(msg tea.KeyMsg) tea.Cmd {
	if msg.Paste {
		return nil
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		before := m.focus
		cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		m.updateKeys()
		if m.quitting || (m.focus != before && (m.focus == focusConfirm || before == focusConfirm)) {
			break
		}
		if m.typing() && i+1 < len(msg.Runes) {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i+1:], Alt: msg.Alt}))
			break
		}
	}
	return tea.Batch(cmds...)
}

// ask opens the confirm dialog; yes runs the command.
func (m *Model) ask(question string, yes tea.Cmd) tea.Cmd {
	m.back = m.focus
	m.confirm = confirmDialog{question: question, yes: yes}
	return m.setFocus(focusConfirm)
}

// place starts a call to the typed number and empties the field at once, so that the next number can be
// typed (and placed) while this create is on its way: an operator working through a queue never waits for
// Restcomm, and a number is never typed onto the previous one. What becomes of the call, refusals included,
// the status bar and the live calls say.
func (m *Model) place() tea.Cmd {
	n, ok := m.dialer.Number()
	if !ok {
		return m.notCalled()
	}
	input := m.dialer.Value()
	m.dialer.Reset()
	m.placing++
	return tea.Batch(m.cmds.place(input, n.E164), m.status.Set("placing a call to "+shownNumber(n.E164)+"…", noticeInfo))
}

// notCalled says why enter placed no call and, when something was typed, has the refusal audited.
func (m *Model) notCalled() tea.Cmd {
	shown := m.status.Set("not called: "+m.dialer.Problem(), noticeError)
	if strings.TrimSpace(m.dialer.Value()) == "" {
		return shown
	}
	return tea.Batch(shown, m.cmds.refuseNumber(m.dialer.Value()))
}

// submitCode sends the typed digits for checking.
func (m *Model) submitCode() tea.Cmd {
	m.code.checking = true
	m.code.SetResult("", noticeInfo)
	m.busy[m.code.verificationID] = true
	return m.cmds.check(m.code.verificationID, m.code.Value())
}

// handleMouse scrolls the history with the wheel and selects a row on a click.
func (m *Model) handleMouse(msg tea.MouseMsg) {
	wheel := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		wheel = -3
	case tea.MouseButtonWheelDown:
		wheel = +3
	}
	switch m.focus {
	case focusHelp:
		if wheel != 0 {
			m.scrollHelp(wheel)
		}
		return
	case focusVerification:
		if wheel != 0 {
			m.inspect.Scroll(wheel, m.inspect.bodyLen(m.now(), m.readersOf(m.inspect.id)))
		}
		return
	case focusPresence:
		if wheel != 0 {
			m.team.Scroll(wheel, len(m.members))
		}
		return
	case focusConfirm:
		return
	case focusAudit:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.audit.Move(-3)
		case tea.MouseButtonWheelDown:
			m.audit.Move(+3)
		}
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.history.Move(-3)
	case tea.MouseButtonWheelDown:
		m.history.Move(+3)
	case tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress || msg.X >= m.lay.historyW {
			return
		}
		y := msg.Y - m.lay.historyY
		if y >= 0 && y < m.lay.historyH && m.history.ClickRow(y) && m.focus != focusFilter {
			m.setFocus(focusHistory)
		}
	}
}

// updateKeys enables exactly the bindings that do something now, so the help line never offers a key that
// would be ignored and key.Matches never fires a key that should not. The full help lists every key of every
// pane (KeyMap.Reference), whatever works now.
func (m *Model) updateKeys() {
	m.keysFor(m.focus)
}

// keysFor enables the bindings that work when f has the keyboard.
func (m *Model) keysFor(f focus) {
	k := &m.keys
	for _, b := range k.all() {
		b.SetEnabled(false)
	}
	k.ForceQuit.SetEnabled(true)
	k.Quit.SetHelp("q", "quit")
	k.Details.SetHelp("enter", "details")
	k.EnterCode.SetHelp("c", "enter code")
	k.Home.SetHelp("home/g", "newest")
	k.End.SetHelp("end/G", "oldest")
	multiPane := len(m.panes()) > 1
	switch f {
	case focusConfirm:
		if m.confirm.quit {
			k.Quit.SetEnabled(true)
			k.Quit.SetHelp("q", "quit anyway")
			k.Back.SetEnabled(true)
			k.Back.SetHelp("esc", "stay")
			return
		}
		k.Yes.SetEnabled(true)
		k.No.SetEnabled(true)
		return
	case focusHelp:
		k.Help.SetEnabled(true)
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "close help")
		k.Quit.SetEnabled(true)
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
			b.SetEnabled(len(m.helpBody()) > m.help.page())
		}
		k.Home.SetHelp("home/g", "top")
		k.End.SetHelp("end/G", "bottom")
		return
	case focusVerification, focusPresence:
		m.viewKeys(f)
		return
	case focusDashboard:
		m.dashboardKeys()
		return
	case focusFilter:
		k.ApplyFilter.SetEnabled(true)
		k.ClearFilter.SetEnabled(true)
		return
	case focusReason:
		k.GiveOverride.SetEnabled(m.over.input.Value() != "")
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "no override")
		return
	case focusInput:
		_, dialable := m.dialer.Number()
		k.Call.SetEnabled(dialable)
		k.NextFocus.SetEnabled(multiPane)
		k.PrevFocus.SetEnabled(multiPane)
		k.Back.SetEnabled(m.dialer.Value() != "")
		k.Back.SetHelp("esc", "clear number")
		k.Help.SetEnabled(m.dialer.Value() == "")
		k.EnterCode.SetEnabled(m.code.open || m.waiting.Len() > 0)
		if m.code.open {
			k.EnterCode.SetHelp("c", "back to the code")
		}
		m.overrideKeys()
		return
	case focusCode:
		k.SubmitCode.SetEnabled(m.code.Complete() && !m.code.checking)
		k.NextFocus.SetEnabled(multiPane)
		k.PrevFocus.SetEnabled(multiPane)
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "close code entry")
		return
	case focusAudit:
		if m.audit.Filtering() {
			k.ApplyFilter.SetEnabled(true)
			k.ClearFilter.SetEnabled(true)
			return
		}
		// Read-only: moving, filtering and closing is all there is.
		k.Filter.SetEnabled(len(m.audit.entries) > 0)
		n := m.audit.Len()
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
			b.SetEnabled(n > 1)
		}
		k.Audit.SetEnabled(true)
		k.Audit.SetHelp("A", "close audit log")
		k.Back.SetEnabled(true)
		k.Back.SetHelp("esc", "back")
		k.Help.SetEnabled(true)
		k.Quit.SetEnabled(true)
		return
	}
	// The lists: no text input has the keyboard, so single-letter keys work.
	k.NextFocus.SetEnabled(multiPane)
	k.PrevFocus.SetEnabled(multiPane)
	k.Back.SetEnabled(true)
	k.Back.SetHelp("esc", "to number")
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	k.Audit.SetEnabled(m.isSupervisor())
	k.Audit.SetHelp("A", "audit log")
	k.Team.SetEnabled(true)
	k.Dashboard.SetEnabled(true)
	switch f {
	case focusLive:
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Home, &k.End} {
			b.SetEnabled(m.live.Len() > 1)
		}
		k.PageUp.SetEnabled(m.live.Len() > m.live.height)
		k.PageDown.SetEnabled(m.live.Len() > m.live.height)
		// The live calls run oldest first, the history newest first.
		k.Home.SetHelp("home/g", "oldest")
		k.End.SetHelp("end/G", "newest")
		k.Details.SetEnabled(!m.lay.detailAlways && m.live.Len() > 0)
		m.detailsHelp()
		if a, ok := m.live.Selected(); ok {
			r, _ := m.history.Row(a.ID)
			m.enableActions(isLive(a), a.VerificationID, r.VerificationStatus, a.Number)
			m.copyKeys(a.ID, a.CallSID)
			if m.waits(a.VerificationID) {
				k.Details.SetHelp("d", m.keys.Details.Help().Desc)
				k.EnterCode.SetHelp("c/enter", "enter code")
			}
		}
	case focusHistory:
		n := m.history.Len()
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
			b.SetEnabled(n > 1)
		}
		// While a page is on its way the count is not known: / works then too.
		k.Filter.SetEnabled(m.history.Total() > 0 || m.history.total < 0 || m.history.filter.Active())
		k.Sort.SetEnabled(m.history.Total() > 1)
		k.Sort.SetHelp("s", "sort by "+string(m.history.sort.Next()))
		if can, open := m.history.Foldable(); can {
			k.Unfold.SetEnabled(!open)
			k.Fold.SetEnabled(open)
		}
		k.Details.SetEnabled(!m.lay.detailAlways && n > 0)
		m.detailsHelp()
		if r, ok := m.history.Selected(); ok {
			m.enableActions(isLive(r.Attempt), r.VerificationID, r.VerificationStatus, r.Number)
			m.copyKeys(r.ID, r.CallSID)
			if m.waits(r.VerificationID) {
				// Enter opens the waiting read-back; d still shows the details.
				k.Details.SetHelp("d", m.keys.Details.Help().Desc)
				k.EnterCode.SetHelp("c/enter", "enter code")
			}
			m.overrideKeys()
			// Reveal needs a supervisor, a number to reveal (not an anonymised row) and no reveal of it on its way.
			k.Reveal.SetEnabled(m.isSupervisor() && r.Number != "" && m.revealFor != r.ID)
			if m.history.Revealed(r.ID) {
				k.Reveal.SetHelp("v", "hide number")
			} else {
				k.Reveal.SetHelp("v", "reveal number")
			}
		}
	}
}

// detailsHelp words the details binding for the state of the detail pane.
func (m *Model) detailsHelp() {
	if m.detailOpen {
		m.keys.Details.SetHelp("enter", "hide details")
	} else {
		m.keys.Details.SetHelp("enter", "details")
	}
}

// enableActions turns on the actions that apply to an attempt and its verification.
func (m *Model) enableActions(live bool, verificationID int64, status record.Status, number string) {
	k := &m.keys
	k.Inspect.SetEnabled(verificationID != 0)
	if verificationID == 0 || m.busy[verificationID] {
		k.HangUp.SetEnabled(live)
		return
	}
	k.HangUp.SetEnabled(live)
	k.EnterCode.SetEnabled(status == record.StatusAwaitingCode)
	k.Retry.SetEnabled(!live && (status == record.StatusNotDelivered || status == record.StatusAwaitingCode))
	k.NoCall.SetEnabled(status == record.StatusAwaitingCode)
	k.Cancel.SetEnabled(status != "" && !status.Final())
	// A fresh verification replaces an open one whose call has ended; the service refuses while it rings.
	k.Supersede.SetEnabled(m.isSupervisor() && number != "" && !live &&
		(status == record.StatusNotDelivered || status == record.StatusAwaitingCode))
}
