package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the console answers to, with its help text. Model.updateKeys enables exactly the
// bindings that do something in the current state, so the help line only ever offers what works, and
// key.Matches ignores the rest.
type KeyMap struct {
	// Call places a flash call to the typed number (enter in the number input).
	Call key.Binding
	// NextFocus and PrevFocus cycle the keyboard between the number input, the code entry, live calls and
	// the history (tab, shift+tab).
	NextFocus, PrevFocus key.Binding
	// Back returns to the number input, or closes the open panel (esc).
	Back key.Binding
	// Up, Down, PageUp, PageDown, Home and End move the cursor in the focused list.
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// Details shows or hides the detail pane where the screen is too small to show it all the time.
	Details key.Binding
	// Filter opens the history filter; ApplyFilter keeps it and returns to the table; ClearFilter drops it.
	Filter, ApplyFilter, ClearFilter key.Binding
	// Unfold shows the calls of the selected verification under it in the history; Fold hides them.
	Unfold, Fold key.Binding
	// Sort sorts the history on the next column: time, number, result, operator.
	Sort key.Binding
	// Dashboard opens (and closes) the supervisor's dashboard; DashWindow switches its time window and
	// DashBreakdown its breakdown; ResumePause resumes the pause selected on it (a supervisor's, after a
	// confirmation).
	Dashboard, DashWindow, DashBreakdown, ResumePause key.Binding
	// Override opens the reason prompt that lifts, for the next call to a refused number, the rule that
	// refused it (supervisors); GiveOverride gives it.
	Override, GiveOverride key.Binding
	// EnterCode opens the read-back entry: for the selected verification in the lists (enter does too on the
	// row of a delivered call whose read-back waits), for the oldest waiting one from the number input (no
	// number holds a letter). SubmitCode checks the digits.
	EnterCode, SubmitCode key.Binding
	// HangUp ends the selected live call (after a confirmation).
	HangUp key.Binding
	// Retry calls again for the selected open verification.
	Retry key.Binding
	// NoCall records that the customer saw no call, so a retry is offered.
	NoCall key.Binding
	// Cancel ends the selected verification (after a confirmation).
	Cancel key.Binding
	// Supersede starts a fresh verification for the selected row's number, superseding its open one (after
	// a confirmation; the service audits it).
	Supersede key.Binding
	// Reveal shows the full number of the selected history row (an audited service call), or hides it again.
	Reveal key.Binding
	// Audit opens and closes the read-only audit log view.
	Audit key.Binding
	// Inspect opens (and closes) the verification view of the selected row: every attempt, every
	// read-back, the timeline and the countdown.
	Inspect key.Binding
	// Team opens (and closes) the list of who is connected (flashcall serve).
	Team key.Binding
	// Copy copies the selected row's call SID, or its number while revealed (supervisors, audited), to the
	// terminal's clipboard (OSC 52).
	Copy key.Binding
	// Yes and No answer the confirm dialog.
	Yes, No key.Binding
	// Help shows or hides the full help; it works in the number input too while nothing is typed.
	Help key.Binding
	// Quit leaves the console when no text input has the keyboard; ForceQuit works everywhere. While calls
	// are live or a read-back is half-typed both ask first, and a second press quits.
	Quit, ForceQuit key.Binding
}

// DefaultKeyMap returns the console's standard keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Call:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "call number")),
		NextFocus:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevFocus:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Back:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:        key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:      key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Home:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "newest")),
		End:           key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "oldest")),
		Details:       key.NewBinding(key.WithKeys("enter", "d"), key.WithHelp("enter", "details")),
		Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ApplyFilter:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		ClearFilter:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Unfold:        key.NewBinding(key.WithKeys("right", " "), key.WithHelp("→/space", "show calls")),
		Fold:          key.NewBinding(key.WithKeys("left", " "), key.WithHelp("←/space", "hide calls")),
		Sort:          key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		EnterCode:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "enter code")),
		SubmitCode:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check code")),
		HangUp:        key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hang up")),
		Retry:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		NoCall:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "got no call")),
		Cancel:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel verification")),
		Supersede:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "fresh verification")),
		Reveal:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal number")),
		Audit:         key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "audit log")),
		Inspect:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "verification")),
		Team:          key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "who is connected")),
		Dashboard:     key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "dashboard")),
		DashWindow:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "time window")),
		DashBreakdown: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "breakdown")),
		ResumePause:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "resume calls")),
		Override:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "override refusal")),
		GiveOverride:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "give override")),
		Copy:          key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy SID")),
		Yes:           key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:            key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:          key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp is the one-line help: the actions first, then movement between panes, and last the two a
// newcomer needs, help and quit (see essentials). Disabled bindings are skipped by the help view; ctrl+c is
// only listed where q does not work.
func (k KeyMap) ShortHelp() []key.Binding {
	return append([]key.Binding{
		k.Yes, k.No,
		k.Call, k.SubmitCode, k.ApplyFilter, k.ClearFilter, k.GiveOverride,
		k.EnterCode, k.HangUp, k.Retry, k.NoCall, k.Cancel, k.Supersede, k.Reveal, k.Override,
		k.Details, k.Inspect, k.Filter, k.Unfold, k.Fold, k.Sort, k.Copy, k.DashWindow, k.DashBreakdown, k.ResumePause,
		k.Audit, k.Team, k.Dashboard,
		k.NextFocus, k.Back,
	}, k.essentials()...)
}

// essentials are the bindings the help line keeps whatever its width: help and quit. The others are
// dropped first.
func (k KeyMap) essentials() []key.Binding {
	quit := k.ForceQuit
	if k.Quit.Enabled() {
		quit = k.Quit
	}
	return []key.Binding{k.Help, quit}
}

// FullHelp is the help shown by `?`, in columns: actions, movement, panes and views, and the rest.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Call, k.SubmitCode, k.EnterCode, k.HangUp, k.Retry, k.NoCall, k.Cancel, k.Supersede, k.Reveal, k.Override,
			k.GiveOverride, k.ResumePause},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Details, k.Inspect, k.Filter, k.ApplyFilter, k.ClearFilter, k.Unfold, k.Fold, k.Sort, k.Copy, k.Audit, k.Team, k.Dashboard,
			k.DashWindow, k.DashBreakdown, k.NextFocus, k.PrevFocus, k.Back},
		{k.Yes, k.No, k.Help, k.Quit, k.ForceQuit},
	}
}

// all returns pointers to every binding, for switching them all off before enabling the ones that work.
func (k *KeyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.Call, &k.NextFocus, &k.PrevFocus, &k.Back, &k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End,
		&k.Details, &k.Filter, &k.ApplyFilter, &k.ClearFilter, &k.Unfold, &k.Fold, &k.Sort, &k.EnterCode, &k.SubmitCode, &k.HangUp,
		&k.Retry, &k.NoCall, &k.Cancel, &k.Supersede, &k.Reveal, &k.Audit, &k.Inspect, &k.Team, &k.Dashboard, &k.DashWindow, &k.DashBreakdown, &k.ResumePause, &k.Override, &k.GiveOverride, &k.Copy, &k.Yes, &k.No, &k.Help, &k.Quit, &k.ForceQuit,
	}
}
