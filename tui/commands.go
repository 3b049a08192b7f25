package tui

import (
	"context"
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
)

// cmdTimeout bounds every service call a command makes. The service bounds each Restcomm request itself;
// this only keeps a wedged database from holding a command forever.
const cmdTimeout = 60 * time.Second

// timelineDebounce is how long the cursor must rest on a row before its timeline is loaded, so holding a
// movement key does not turn into one database query per row passed.
const timelineDebounce = 120 * time.Millisecond

// commands builds the tea.Cmds that do the console's I/O. Each runs in its own goroutine and returns one
// typed message; none touches the model.
type commands struct {
	svc     Service
	op      record.Operator
	history int // verifications in the first page
}

func (c commands) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cmdTimeout)
}

// start loads the history. New subscribed before, so an event can repeat what the load saw but never fall in
// a gap between them.
func (c commands) start() tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.FindHistory(ctx, c.op, record.HistoryPage{Limit: c.history, Count: true})
		return startedMsg{res: res, live: c.svc.Live(), err: err}
	}
}

// page loads a page of the history; gen and seq come back with it, so a reply made for another filter or
// sort, or overtaken by a later request, is dropped.
func (c commands) page(gen, seq uint64, kind pageKind, q record.HistoryPage) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.FindHistory(ctx, c.op, q)
		return historyPageMsg{gen: gen, seq: seq, kind: kind, res: res, err: err}
	}
}

// count counts what a filter matches (q.Count, a page of one).
func (c commands) count(gen, seq uint64, q record.HistoryPage) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.FindHistory(ctx, c.op, q)
		return historyCountMsg{gen: gen, seq: seq, res: res, err: err}
	}
}

// verificationAttempts loads the attempts of a verification the operator unfolded.
func (c commands) verificationAttempts(verificationID int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		rows, err := c.svc.VerificationAttempts(ctx, verificationID)
		return historyAttemptsMsg{verificationID: verificationID, rows: rows, err: err}
	}
}

// unsubscribe ends the event subscription; the reading command then sees the channel closed.
func unsubscribe(f func()) tea.Cmd {
	return func() tea.Msg {
		if f != nil {
			f()
		}
		return unsubscribedMsg{}
	}
}

func (c commands) place(input, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.Place(ctx, c.op, input)
		return placedMsg{input: input, number: number, res: res, err: err}
	}
}

// refusedNumberMsg says the service has audited a number the console refused; there is nothing to show.
type refusedNumberMsg struct{}

// refuseNumber has the service audit a number the console refused at intake.
func (c commands) refuseNumber(input string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		_ = c.svc.RefuseNumber(ctx, c.op, input)
		return refusedNumberMsg{}
	}
}

func (c commands) retry(verificationID int64, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.Retry(ctx, c.op, verificationID)
		return placedMsg{retry: true, number: number, verificationID: verificationID, res: res, err: err}
	}
}

// supersede starts a fresh verification of number in place of the open verificationID.
func (c commands) supersede(verificationID int64, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.Supersede(ctx, c.op, number)
		return placedMsg{supersede: true, number: number, verificationID: verificationID, res: res, err: err}
	}
}

// reveal asks the service for an attempt's full number; the service audits it.
func (c commands) reveal(seq uint64, attemptID int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		number, err := c.svc.Reveal(ctx, c.op, attemptID)
		return revealedMsg{seq: seq, attemptID: attemptID, number: number, err: err}
	}
}

// audit loads the newest audit log entries; the service lets only a supervisor read them.
func (c commands) audit(seq uint64, limit int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		entries, err := c.svc.ReadAudit(ctx, c.op, record.AuditQuery{Limit: limit})
		return auditMsg{seq: seq, entries: entries, err: err}
	}
}

func (c commands) hangUp(attemptID int64, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		return hungUpMsg{attemptID: attemptID, number: number, err: c.svc.HangUp(ctx, c.op, attemptID)}
	}
}

func (c commands) check(verificationID int64, digits string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		res, err := c.svc.Check(ctx, c.op, verificationID, digits)
		return checkedMsg{verificationID: verificationID, res: res, err: err}
	}
}

func (c commands) cancel(verificationID int64, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		return canceledMsg{verificationID: verificationID, number: number, err: c.svc.Cancel(ctx, c.op, verificationID)}
	}
}

func (c commands) reportNoCall(verificationID int64, number string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		return noCallMsg{verificationID: verificationID, number: number, err: c.svc.ReportNoCall(ctx, c.op, verificationID)}
	}
}

// timeline loads an attempt's transitions and, for an attempt of a verification, the read-backs made while it
// was the verification's newest attempt (from its creation until the next attempt's, when until is set), so
// the timeline shows read-backs among the call's steps.
func (c commands) timeline(req uint64, w timelineWant) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		items, err := c.svc.Timeline(ctx, w.attemptID)
		if err == nil && w.verificationID != 0 {
			var checks []record.Check
			checks, err = c.svc.Checks(ctx, w.verificationID)
			var mine []record.Check
			for _, ch := range checks {
				if !ch.At.Before(w.since) && (w.until.IsZero() || ch.At.Before(w.until)) {
					mine = append(mine, ch)
				}
			}
			items = timelineOf(items, mine)
		}
		return timelineMsg{req: req, attemptID: w.attemptID, items: items, err: err}
	}
}

// inspect loads a verification for the verification view.
func (c commands) inspect(seq uint64, verificationID int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		v, err := c.svc.Inspect(ctx, verificationID)
		return inspectMsg{seq: seq, verificationID: verificationID, view: v, err: err}
	}
}

// copyNumber fetches an attempt's number for the clipboard (the service audits the copy first), then
// writes it to the terminal's clipboard.
func (c commands) copyNumber(attemptID int64, out io.Writer) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		number, err := c.svc.CopyNumber(ctx, c.op, attemptID)
		if err != nil {
			return copiedMsg{err: err}
		}
		if err := writeClipboard(out, number); err != nil {
			return copiedMsg{err: err}
		}
		return copiedMsg{what: "the number " + record.MaskNumber(number) + " (audited)"}
	}
}

// timelineAfter fires timelineDueMsg once the debounce has passed.
func timelineAfter(req uint64, attemptID int64) tea.Cmd {
	return tea.Tick(timelineDebounce, func(time.Time) tea.Msg {
		return timelineDueMsg{req: req, attemptID: attemptID}
	})
}

// timelineWant is the attempt whose timeline the detail pane wants, with what it takes to pick out the
// read-backs that belong to it.
type timelineWant struct {
	attemptID      int64
	verificationID int64
	since, until   time.Time // the read-backs of the attempt are those made from since until until (zero: now)
}

// expiryOf loads a verification's expiry, for the countdown of a read-back this session did not start.
func (c commands) expiryOf(verificationID int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.ctx()
		defer cancel()
		v, err := c.svc.Inspect(ctx, verificationID)
		if err != nil {
			return expiryMsg{verificationID: verificationID}
		}
		return expiryMsg{verificationID: verificationID, expiresAt: v.Verification.ExpiresAt}
	}
}
