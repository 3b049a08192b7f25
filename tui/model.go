// Package tui is flashcall's operator console: a Bubble Tea program in which support staff type a customer's
// number, place a flash call, watch it live, and type back the digits the customer reads off the missed call.
//
// The Model owns no goroutines, no locks and no global state: every style comes from the renderer passed in
// Options (one per SSH session), every piece of I/O runs in a tea.Cmd against the Service, and push events
// arrive through a command that reads the service's subscription channel and re-arms itself.
//
// The keyboard is the operator's: a delivered call never moves it. It queues a notice line ("+44*******450
// delivered: press c to enter the code") and, with Options.Bell, rings the terminal bell; c or enter opens
// the read-back the operator chooses (see waiting.go).
//
// Customers' numbers are masked on every screen (country code and last 3 digits); an operator reveals one
// history row on purpose with v, which the service records in the audit log, and A opens that log read-only.
//
// Run it with mouse reporting and, normally, the alternate screen:
//
//	m := tui.New(svc, tui.Options{Operator: op, Renderer: lipgloss.DefaultRenderer()})
//	defer m.Close()
//	_, err := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion()).Run()
package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/flashcall/flashcall/internal/presence"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// DefaultHistoryLimit is how many verifications a session holds at most when Options.HistoryLimit is zero
// (DefaultHistoryWindow): the history pages from the database as the operator scrolls.
const DefaultHistoryLimit = DefaultHistoryWindow

// Options configure one console session.
type Options struct {
	// Operator is who is at the keyboard; it is recorded with every action.
	Operator record.Operator
	// Renderer builds every style; over SSH it must be the session's renderer. Nil means lipgloss's default.
	Renderer *lipgloss.Renderer
	// Banner is shown under the header, e.g. "SIMULATED CALLS — nothing reaches a real phone" or an SSH demo
	// notice. Empty means that notice for a simulated backend and nothing otherwise.
	Banner string
	// DisableClipboard turns off ctrl+v paste from the local clipboard (SSH sessions have none); bracketed
	// paste from the terminal keeps working.
	DisableClipboard bool
	// Now is the clock for elapsed times and expiry countdowns; nil means time.Now. Tests pass a fake
	// clock's Now.
	Now func() time.Time
	// Location is the time zone times are shown in; nil means time.Local.
	Location *time.Location
	// HistoryLimit is how many verifications a session holds at most (its screen and a margin; the rest is
	// paged from the database as the operator scrolls): 0 or less means DefaultHistoryLimit.
	HistoryLimit int
	// NoticeTTL is how long a status-bar notice stays (errors stay twice as long); 0 means 6 s.
	NoticeTTL time.Duration
	// Bell rings the terminal bell when a call this session placed is delivered and its read-back waits
	// (config console.bell). The bell is written to the renderer's output: the session's own terminal.
	Bell bool
	// Served says the session is one of several on a shared service (flashcall serve): the service outlives
	// the session, so quitting leaves live calls to the server rather than to the next start.
	Served bool
	// Presence is the session's seat among the consoles of one server (flashcall serve): who is connected,
	// whose read-back is open, and the read-backs the others check. Nil for a console alone. The caller
	// joined it and leaves it.
	Presence presence.Seat
	// OnceASecond advances the live calls' spinner once a second instead of 12 times (the countdowns and
	// the ring timers move once a second either way): flashcall serve sets it, since every frame of every
	// session costs the server CPU. The local console leaves it off, for a smooth spinner.
	OnceASecond bool
	// Warnings are what the start-up found worth telling the operator (configuration warnings, say): the
	// console shows them on its status bar once the history has loaded, instead of printing them to a
	// terminal the console is about to cover.
	Warnings []string
}

// focus says which part of the screen has the keyboard. A key goes to the focused part first; single-letter
// hotkeys exist only where no text input has the keyboard.
type focus int

const (
	focusInput focus = iota
	focusCode
	focusLive
	focusHistory
	focusFilter
	focusConfirm
	focusHelp
	focusAudit
	focusVerification
	focusPresence
	focusDashboard
	focusReason // the reason prompt of a supervisor's override (override.go)
)

// String names the focus, for tests and logs.
func (f focus) String() string {
	switch f {
	case focusInput:
		return "input"
	case focusCode:
		return "code"
	case focusLive:
		return "live"
	case focusHistory:
		return "history"
	case focusFilter:
		return "filter"
	case focusConfirm:
		return "confirm"
	case focusHelp:
		return "help"
	case focusAudit:
		return "audit"
	case focusVerification:
		return "verification"
	case focusPresence:
		return "presence"
	case focusDashboard:
		return "dashboard"
	case focusReason:
		return "reason"
	}
	return "unknown"
}

// confirmDialog asks a yes/no question before a destructive action, or (quit) whether to quit although
// calls are live or a read-back is half-typed: q again quits, esc stays.
type confirmDialog struct {
	question string
	yes      tea.Cmd
	busy     int64 // a verification the action works on, marked busy when the operator says yes
	quit     bool  // the question is whether to quit
	back     focus // where esc returns from the quit question
}

// Model is the console's root model. Create it with New; it implements tea.Model.
type Model struct {
	svc    Service
	cmds   commands
	keys   KeyMap
	styles Styles
	now    func() time.Time
	loc    *time.Location
	info   verify.Info

	width, height int
	lay           layout
	focus         focus
	back          focus // where the confirm dialog, the filter and the help return to
	auditBack     focus // where the audit log view returns to
	detailOpen    bool  // the detail pane, on screens too small to show it all the time

	header  header
	dialer  dialer
	live    liveList
	history historyTable
	detail  detailPane
	code    codeEntry
	waiting waitingList // delivered calls of this session whose read-back is to come: the notice lines
	filter  filterBar
	status  statusBar
	help    helpView
	confirm confirmDialog
	audit   auditView
	inspect verificationView // the verification view (i)
	team    teamView         // who is connected (w)
	dash    dashState        // the supervisor's dashboard (D)
	over    overrideState    // a supervisor's override (o) of a refused number

	viewBack focus // where the verification view and the presence screen return to
	codeBack focus // where the keyboard was when the read-back was opened: it returns there

	seat      presence.Seat     // this session on the server's presence hub; nil alone
	members   []presence.Member // everyone connected, as last reported
	readingAt int64             // the read-back last reported to the hub

	events      <-chan verify.Event
	unsubscribe func()
	ready       bool
	quitting    bool
	ticking     bool // the one-second tick runs while the code panel shows a countdown

	placing int                           // Places from the number input in flight
	busy    map[int64]bool                // verifications with an action in flight
	mine    map[int64]bool                // verifications this session started or retried
	verifs  map[int64]record.Verification // verifications of this session, as last reported

	revealSeq uint64 // ID of the newest reveal request; a reply or a hide tick with another ID is stale
	revealFor int64  // attempt whose reveal is in flight, 0 for none

	drafts   map[int64]string   // digits typed into a read-back the operator left for another one, by verification
	renderer *lipgloss.Renderer // the session's renderer; the bell is written to its output
	bell     bool               // ring the bell when a read-back starts to wait
	served   bool               // the service outlives this session (SSH)
	warnings []string           // shown once the history has loaded (Options.Warnings)
}

// New builds a console session on a service. It does no I/O: the subscription and the history load run
// from Init.
func New(svc Service, opts Options) *Model {
	m := &Model{svc: svc, keys: DefaultKeyMap(), renderer: opts.Renderer, bell: opts.Bell, served: opts.Served,
		seat: opts.Presence, warnings: opts.Warnings}
	if m.renderer == nil {
		m.renderer = lipgloss.DefaultRenderer()
	}
	m.styles = NewStyles(m.renderer)
	m.now = opts.Now
	if m.now == nil {
		m.now = time.Now
	}
	m.loc = opts.Location
	if m.loc == nil {
		m.loc = time.Local
	}
	m.info = svc.Info()
	window := opts.HistoryLimit
	if window <= 0 {
		window = DefaultHistoryLimit
	}
	// Subscribing only registers a channel (no I/O). Doing it here rather than in Init means Close always has
	// a subscription to end, even when a session is torn down before its first message is handled.
	m.events, m.unsubscribe = svc.Subscribe()
	banner := opts.Banner
	if banner == "" && m.info.Simulated {
		banner = "SIMULATED CALLS — nothing reaches a real phone"
	}
	digits := m.info.CodeDigits
	if digits <= 0 {
		digits = 4
	}
	st := &m.styles
	m.header = header{styles: st, info: m.info, operator: opts.Operator.String(), banner: banner,
		alarms: len(svc.ActiveAlarms()), drawn: &memo[headerKey]{}}
	m.dialer = newDialer(st, svc.ParseNumber, opts.DisableClipboard)
	m.dialer.check = svc.CheckDestination
	m.dialer.SetRegion(svc.DefaultRegion())
	m.live = newLiveList(st, digits, m.info.Timeout)
	if opts.OnceASecond {
		m.live.spinner.Spinner.FPS = time.Second
	}
	if m.info.Simulated && m.info.SimSpeed > 0 {
		m.live.speed = m.info.SimSpeed
	}
	m.history = newHistoryTable(st, digits, m.loc, window)
	m.cmds = commands{svc: svc, op: opts.Operator, history: m.history.fetchSize()}
	m.detail = newDetailPane(st, digits, m.loc)
	m.code = newCodeEntry(st, digits, opts.DisableClipboard)
	m.dialer.plain, m.code.plain = plainProfile(m.renderer), plainProfile(m.renderer)
	m.waiting = newWaitingList(st)
	m.drafts = map[int64]string{}
	m.filter = newFilterBar(st, opts.DisableClipboard)
	m.status = newStatusBar(st, opts.NoticeTTL)
	m.help = newHelpView(st)
	m.audit = newAuditView(st, m.loc)
	m.audit.plain = plainProfile(m.renderer)
	m.inspect = newVerificationView(st, digits, m.loc)
	m.over.input = newOverrideInput(st)
	m.dash.view = newDashboard(*st, m.loc)
	m.team = newTeamView(st, m.loc)
	if m.seat != nil {
		m.members = m.seat.Members()
	}
	m.busy = map[int64]bool{}
	m.mine = map[int64]bool{}
	m.verifs = map[int64]record.Verification{}
	m.dialer.Focus()
	m.setSize(80, 24)
	m.updateKeys()
	return m
}

// Init loads the history and starts reading the presence hub's events (over flashcall serve).
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.cmds.start(), waitForPresence(m.presenceEvents()))
}

// Close ends the event subscription. Call it after the program has returned (it is safe to call twice, and
// quitting from the keyboard has already done it).
func (m *Model) Close() {
	if m.unsubscribe != nil {
		f := m.unsubscribe
		m.unsubscribe = nil
		f()
	}
}

// FrameInterval is how often the live calls' spinner advances while a call is live: once a second with
// Options.OnceASecond, 12 times a second otherwise.
func (m *Model) FrameInterval() time.Duration { return m.live.spinner.Spinner.FPS }

// Keys returns the key map in force, with each binding enabled exactly when it works now.
func (m *Model) Keys() KeyMap { return m.keys }

// Focus names the part of the screen that has the keyboard: input, code, live, history, filter, confirm,
// help, audit (the audit log view), verification (the verification view) or presence (who is connected).
func (m *Model) Focus() string { return m.focus.String() }

// setFocus moves the keyboard to f, blurring the rest.
func (m *Model) setFocus(f focus) tea.Cmd {
	m.dialer.Blur()
	m.code.Blur()
	m.live.Blur()
	m.history.Blur()
	m.filter.Blur()
	m.audit.Blur()
	m.inspect.Blur()
	m.team.Blur()
	m.over.input.Blur()
	m.focus = f
	switch f {
	case focusInput:
		return m.dialer.Focus()
	case focusCode:
		return m.code.Focus()
	case focusLive:
		m.live.Focus()
	case focusHistory:
		m.history.Focus()
	case focusFilter:
		return m.filter.Focus(m.history.filter.Text)
	case focusAudit:
		m.audit.Focus()
	case focusVerification:
		m.inspect.Focus()
	case focusPresence:
		m.team.Focus()
	case focusHelp:
		m.help.offset = 0
	}
	return nil
}

// panes lists the parts tab cycles through now, in order.
func (m *Model) panes() []focus {
	p := []focus{focusInput}
	if m.code.open {
		p = append(p, focusCode)
	}
	if m.live.Len() > 0 {
		p = append(p, focusLive)
	}
	return append(p, focusHistory)
}

// cycle moves the focus to the next (+1) or previous (-1) pane.
func (m *Model) cycle(dir int) tea.Cmd {
	p := m.panes()
	at := 0
	for i, f := range p {
		if f == m.focus {
			at = i
		}
	}
	return m.setFocus(p[(at+dir+len(p))%len(p)])
}
