package tui

import (
	"time"

	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// startedMsg carries the first history load, made after New subscribed so no event falls in a gap.
type startedMsg struct {
	res  record.HistoryResult // the first page of the history
	live []record.Attempt
	err  error
}

// eventMsg is one event from the service.
type eventMsg struct{ ev verify.Event }

// eventsClosedMsg says the service closed the subscription (it is shutting down).
type eventsClosedMsg struct{}

// placedMsg is the reply to Place, Retry or Supersede.
type placedMsg struct {
	input          string // what was typed, "" for a retry or a supersede
	number         string // the E.164 number called, for masking it in error texts
	retry          bool   // true for a Retry from the history
	supersede      bool   // true for a Supersede from the history
	verificationID int64  // the verification retried or superseded
	res            verify.Result
	err            error
}

// revealedMsg is the reply to Reveal; seq identifies the request so a reply the operator no longer waits
// for is dropped.
type revealedMsg struct {
	seq       uint64
	attemptID int64
	number    string
	err       error
}

// hideRevealMsg hides the revealed number once its time is up, if seq is still the current reveal.
type hideRevealMsg struct{ seq uint64 }

// auditMsg is the reply to Audit; seq identifies the request so an older load never replaces a newer one.
type auditMsg struct {
	seq     uint64
	entries []record.AuditEntry
	err     error
}

// hungUpMsg is the reply to HangUp.
type hungUpMsg struct {
	attemptID int64
	number    string
	err       error
}

// checkedMsg is the reply to Check.
type checkedMsg struct {
	verificationID int64
	res            verify.CheckResult
	err            error
}

// canceledMsg is the reply to Cancel.
type canceledMsg struct {
	verificationID int64
	number         string
	err            error
}

// noCallMsg is the reply to ReportNoCall.
type noCallMsg struct {
	verificationID int64
	number         string
	err            error
}

// timelineDueMsg fires when the cursor has rested on an attempt long enough to load its timeline.
type timelineDueMsg struct {
	req       uint64
	attemptID int64
}

// timelineMsg is the reply to Timeline; req identifies the request so stale replies are dropped.
type timelineMsg struct {
	req       uint64
	attemptID int64
	items     []record.Transition
	err       error
}

// clearNoticeMsg clears the status bar notice with the given ID, if it is still the one shown.
type clearNoticeMsg struct{ id uint64 }

// unsubscribedMsg follows the end of the subscription on quit.
type unsubscribedMsg struct{}

// inspectMsg is the reply to Inspect; seq identifies the request so an older load never replaces a newer one.
type inspectMsg struct {
	seq            uint64
	verificationID int64
	view           verify.VerificationView
	err            error
}

// copiedMsg reports a copy to the clipboard: what was copied, in words, or why nothing was.
type copiedMsg struct {
	what string
	err  error
}

// presenceMsg is one event from the presence hub.
type presenceMsg struct{ ev presence.Event }

// presenceClosedMsg says the seat has left the hub: presence updates ended.
type presenceClosedMsg struct{}

// expiryMsg carries the expiry of a verification this session has not followed (a colleague's), for the
// countdown of its read-back.
type expiryMsg struct {
	verificationID int64
	expiresAt      time.Time
}
