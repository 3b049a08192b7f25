package tui

import (
	"errors"
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// Overrides (o, supervisors): on a refused number (the refusal the status bar just showed, while the number
// input is empty; a blocked row of the history; the verification view of a refused verification) a
// supervisor types a reason and enter lifts the rule that refused it for the next call to that number
// (verify.Service.Override: audited, once, within verify.OverrideValidity). The operator then calls the
// number again. An operator pressing o is told it is for supervisors.

// overrideTarget is a refused number and the rule that refused it.
type overrideTarget struct {
	number string // E.164
	rule   string
}

// overrideState is the override's part of the model: the newest refusal of this session's own call, and the
// reason prompt.
type overrideState struct {
	refused overrideTarget // the last refusal of a number typed here, while it may be lifted
	target  overrideTarget // what the open prompt lifts
	input   textinput.Model
	problem string // why enter gave nothing, shown in the prompt until the next key
}

// overrideMsg is the reply to Override.
type overrideMsg struct {
	target overrideTarget
	o      *record.Override
	err    error
}

// newOverrideInput is the reason prompt's input.
func newOverrideInput(st *Styles) textinput.Model {
	ti := newTextInput(st, "Reason: ", "why this number may be called despite the rule (required, audited)")
	ti.CharLimit = verify.MaxOverrideReason
	ti.KeyMap.Paste.SetEnabled(false)
	return ti
}

// refusalTarget is what an override could lift after err refused a call to number, if anything.
func refusalTarget(err error, number string) overrideTarget {
	var ref *policy.Refusal
	if !errors.As(err, &ref) || !policy.Liftable(ref.Rule) || number == "" {
		return overrideTarget{}
	}
	return overrideTarget{number: number, rule: ref.Rule}
}

// refusedNumber is the E.164 number a refused placement was for: number when known, else input parsed.
func (m *Model) refusedNumber(input, number string) string {
	if number != "" {
		return number
	}
	n, err := m.svc.ParseNumber(input)
	if err != nil {
		return ""
	}
	return n.E164
}

// blockedTarget is what an override could lift for a blocked attempt.
func blockedTarget(a record.Attempt) overrideTarget {
	if a.State != record.StateBlocked || a.Number == "" {
		return overrideTarget{}
	}
	if rule := policy.RuleOf(a.Error); policy.Liftable(rule) {
		return overrideTarget{number: a.Number, rule: rule}
	}
	return overrideTarget{}
}

// overrideHere is the refused number the o key would act on where the keyboard is, if any.
func (m *Model) overrideHere() (overrideTarget, bool) {
	var t overrideTarget
	switch m.focus {
	case focusInput:
		if m.dialer.Value() == "" {
			t = m.over.refused
		}
	case focusHistory:
		if r, ok := m.history.Selected(); ok {
			t = blockedTarget(r.Attempt)
		}
	case focusVerification:
		if as := m.inspect.data.Attempts; m.inspect.loaded && len(as) > 0 {
			t = blockedTarget(as[len(as)-1])
		}
	}
	return t, t.rule != ""
}

// overrideKeys enables o where there is a refused number to lift, for a supervisor (an operator's press is
// answered by supervisorOnly and openOverride).
func (m *Model) overrideKeys() {
	_, ok := m.overrideHere()
	m.keys.Override.SetEnabled(ok && m.isSupervisor())
}

// pressed reports whether msg is one of b's keys, enabled or not.
func pressed(b key.Binding, msg tea.KeyMsg) bool { return slices.Contains(b.Keys(), msg.String()) }

// openOverride opens the reason prompt for t (a supervisor's), or says the key is for supervisors.
func (m *Model) openOverride(t overrideTarget) tea.Cmd {
	if !m.isSupervisor() {
		return m.denied("lifting a rule for one number (override)")
	}
	m.back = m.focus
	m.over.target = t
	m.over.input.Reset()
	m.setFocus(focusReason)
	m.relayout()
	return m.over.input.Focus()
}

// reasonKey handles the reason prompt: enter gives the override, esc drops it.
func (m *Model) reasonKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.GiveOverride):
		t, reason := m.over.target, m.over.input.Value()
		return tea.Batch(m.closeReason(), m.status.Set(fmt.Sprintf("lifting policy.%s for %s…", t.rule, shownNumber(t.number)), noticeInfo),
			m.cmds.override(t, reason))
	case msg.Type == tea.KeyEnter:
		m.over.problem = "type the reason first: an override needs one (it goes to the audit log)"
		m.relayout()
		return nil
	case key.Matches(msg, k.Back):
		return tea.Batch(m.closeReason(), m.status.Set("no override given", noticeInfo))
	}
	if m.over.problem != "" {
		m.over.problem = ""
		m.relayout()
	}
	var cmd tea.Cmd
	m.over.input, cmd = m.over.input.Update(msg)
	return cmd
}

// closeReason closes the prompt and returns where it was opened from.
func (m *Model) closeReason() tea.Cmd {
	m.over.input.Blur()
	m.over.target, m.over.problem = overrideTarget{}, ""
	cmd := m.setFocus(m.back)
	m.relayout()
	return cmd
}

// reasonLines is the prompt: what is lifted, and the reason typed so far.
func (m *Model) reasonLines() []string {
	t := m.over.target
	q := fmt.Sprintf("Lift policy.%s for the next call to %s (within %s, audited)?  enter = give, esc = cancel", t.rule,
		shownNumber(t.number), policy.FormatWindow(verify.OverrideValidity))
	lines := wrapMax(q, m.width-1, maxStatusLines-1)
	for i := range lines {
		lines[i] = m.styles.Dialog.Render(fit(" "+lines[i], m.width))
	}
	if m.over.problem != "" {
		lines = append(lines, m.styles.Bad.Render(clip(" ✗ "+m.over.problem, m.width)))
	}
	m.over.input.Width = max(1, m.width-len(m.over.input.Prompt)-2)
	return append(lines, m.over.input.View())
}

// overridden shows the reply to Override.
func (m *Model) overridden(msg overrideMsg) tea.Cmd {
	n := shownNumber(msg.target.number)
	var cmds []tea.Cmd
	if m.inspect.IsOpen() && m.inspect.Number() == msg.target.number {
		cmds = append(cmds, m.reloadInspect(m.inspect.id))
	}
	switch {
	case errors.Is(msg.err, verify.ErrOverridePending):
		cmds = append(cmds, m.status.Set(fmt.Sprintf("policy.%s is already lifted for the next call to %s: call it again", msg.target.rule, n), noticeInfo))
	case msg.err != nil:
		cmds = append(cmds, m.status.Set(record.MaskIn(msg.err.Error(), msg.target.number), noticeError))
	default:
		if m.over.refused == msg.target {
			m.over.refused = overrideTarget{}
		}
		cmds = append(cmds, m.status.Set(fmt.Sprintf("policy.%s lifted for the next call to %s until %s: call it again", msg.o.Rule, n,
			msg.o.ExpiresAt.In(m.loc).Format("15:04")), noticeGood))
	}
	return tea.Batch(cmds...)
}

// override gives an override.
func (c commands) override(t overrideTarget, reason string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		o, err := c.svc.Override(ctx, c.op, t.number, t.rule, reason)
		return overrideMsg{target: t, o: o, err: err}
	}
}

// overrideSteps shows a verification's overrides as timeline steps: given (on the verification it was given
// on) and used (by the attempt that used it), the reason quoted.
func overrideSteps(os []record.Override, verificationID int64) []record.Transition {
	var out []record.Transition
	for _, o := range os {
		if o.VerificationID == verificationID {
			out = append(out, record.Transition{At: o.CreatedAt, Status: "override given", Source: record.SourceOperator,
				Detail: fmt.Sprintf("policy.%s lifted for one call by %s: %s", o.Rule, orDash(o.By), record.Quote(o.Reason))})
		}
		if !o.UsedAt.IsZero() && o.AttemptID != 0 {
			out = append(out, record.Transition{AttemptID: o.AttemptID, At: o.UsedAt, Status: "override used",
				Source: record.SourcePolicy, Detail: fmt.Sprintf("policy.%s lifted for this call (override %d, by %s)", o.Rule, o.ID, orDash(o.By))})
		}
	}
	return out
}
