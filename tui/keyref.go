package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/verify"
)

// KeyDoc is one line of the key reference: the keys of a binding and what they do in one pane.
type KeyDoc struct {
	// Keys are the binding's keys as Bubble Tea names them ("up", "k", "ctrl+c").
	Keys []string
	// What says what they do there.
	What string
	// Supervisor marks the keys only a supervisor may use.
	Supervisor bool
}

// KeyGroup is the keys of one pane or view.
type KeyGroup struct {
	// Pane names where the keys work.
	Pane string
	// Keys are the keys, in the order the help lists them.
	Keys []KeyDoc
}

// Reference is every key of every pane, grouped by pane: the full help (?) and the README's keys table are
// both drawn from it, so neither can miss a key the map has.
func (k KeyMap) Reference() []KeyGroup {
	doc := func(b key.Binding, what string) KeyDoc { return KeyDoc{Keys: b.Keys(), What: what} }
	sup := func(b key.Binding, what string) KeyDoc { return KeyDoc{Keys: b.Keys(), What: what, Supervisor: true} }
	keys := func(what string, ks ...string) KeyDoc { return KeyDoc{Keys: ks, What: what} }
	// The movement keys of a list or view, on one line: up, down, a page, the first and the last row.
	move := func(first, last string, more ...string) []KeyDoc {
		var ks []string
		for _, b := range []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End} {
			ks = append(ks, b.Keys()...)
		}
		return []KeyDoc{{Keys: ks, What: "move: a row, a page, " + k.Home.Keys()[1] + " to the " + first + ", " +
			k.End.Keys()[1] + " to the " + last + " (a held key moves as many rows" + strings.Join(more, "") + ")"}}
	}
	return []KeyGroup{
		{Pane: "number input", Keys: []KeyDoc{
			doc(k.Call, "call the number (a retry when its verification is still open); a number the policy refuses says ✗ and why before enter"),
			doc(k.EnterCode, "open the read-back of the oldest delivered call waiting (back to the open one, if any): no number holds a letter"),
			doc(k.Back, "clear the number"),
			doc(k.Help, "all keys, while nothing is typed"),
			sup(k.Override, "after a refusal by a cooldown, a limit, a lock or a pause, while nothing is typed: lift that rule for the next call to the number, with a reason (audited)"),
		}},
		{Pane: "override reason", Keys: []KeyDoc{
			doc(k.GiveOverride, "give the override: the number may be called once, within "+policy.FormatWindow(verify.OverrideValidity)+", despite the rule"),
			keys("no override", "esc"),
		}},
		{Pane: "read-back", Keys: []KeyDoc{
			doc(k.SubmitCode, "check the digits the customer read back (the code takes digits only)"),
			doc(k.Back, "close the read-back"),
		}},
		{Pane: "live calls", Keys: append(move("oldest", "newest"),
			keys("the read-back of a delivered call waiting", "c", "enter"),
			doc(k.Details, "details of the call: every field and the timeline (d toggles them)"),
			doc(k.Inspect, "the verification view: every attempt, every read-back, the timeline and the countdown"),
			doc(k.HangUp, "hang up the call (asks first)"),
			doc(k.Copy, "copy the call SID to your clipboard (OSC 52)"),
		)},
		{Pane: "history", Keys: append(move("newest", "oldest", "; the mouse wheel scrolls too"),
			doc(k.Details, "details: every field and the timeline of the attempt, read-backs included (d toggles them; enter opens the read-back on a delivered call's row)"),
			doc(k.Inspect, "the verification view: every attempt, every read-back, the timeline and the countdown"),
			doc(k.Filter, "find in the whole history: the last 3 to 8 digits, a whole number in any format, an operator, a SID, a result, since:/until: dates (every word must match)"),
			doc(k.Unfold, "show the calls of a verification under its line (space toggles)"),
			doc(k.Fold, "hide them again"),
			doc(k.Sort, "sort on the next column: time, number, result, operator"),
			doc(k.EnterCode, "enter the customer's digits"),
			doc(k.HangUp, "hang up a live call (asks first)"),
			doc(k.Retry, "call again: a verification that was not delivered, or whose customer got no call"),
			doc(k.NoCall, "the customer got no call: the delivered call's code no longer counts, retry offered"),
			doc(k.Cancel, "cancel the verification (asks first)"),
			sup(k.Supersede, "start a fresh verification instead of the open one (asks first, audited)"),
			sup(k.Reveal, "reveal this row's number (audited; hidden again when you move)"),
			sup(k.Override, "on a blocked row: lift the rule that refused it for the next call to the number, with a reason (audited)"),
			doc(k.Copy, "copy the call SID, or the number while it is revealed (audited), to your clipboard (OSC 52)"),
		)},
		{Pane: "filter", Keys: []KeyDoc{
			doc(k.ApplyFilter, "keep the filter and return to the table"),
			doc(k.ClearFilter, "drop the filter"),
		}},
		{Pane: "verification view", Keys: append(move("top", "bottom"),
			doc(k.EnterCode, "enter the customer's digits, while the verification waits for them"),
			sup(k.Override, "of a refused verification: lift the rule that refused it for the next call, with a reason (audited)"),
			keys("close the view", "i", "esc"),
		)},
		{Pane: "who is connected", Keys: append(move("top", "bottom"),
			keys("close the list", "w", "esc"),
		)},
		{Pane: "dashboard", Keys: []KeyDoc{
			doc(k.DashWindow, "the time window: last hour, today, 7 days, 30 days"),
			doc(k.DashBreakdown, "the breakdown: country, caller ID, operator, line type, result"),
			keys("select a pause in force", "up", "k", "down", "j"),
			sup(k.ResumePause, "resume calls to the selected pause's country or range (asks first, audited)"),
			keys("close the dashboard", "D", "esc"),
		}},
		{Pane: "audit log", Keys: append(move("newest", "oldest"),
			keys("filter: entries holding every word typed (operator, action, number end, SID, detail); enter keeps it, esc drops it", "/"),
			keys("close the log", "A", "esc"),
		)},
		{Pane: "questions", Keys: []KeyDoc{
			doc(k.Yes, "yes"),
			doc(k.No, "no"),
			keys("the quit question: quit anyway, or stay", "q", "esc"),
		}},
		{Pane: "lists and views", Keys: []KeyDoc{
			doc(k.NextFocus, "next pane"),
			doc(k.PrevFocus, "previous pane"),
			doc(k.Back, "back to the number input"),
			doc(k.Team, "who is connected: since when, idle, whose read-back is open (flashcall serve)"),
			doc(k.Dashboard, "the dashboard: conversion, delivery, answered rate, refusals and alarms over a window, by country, caller ID, operator…"),
			sup(k.Audit, "the audit log (read-only)"),
			doc(k.Help, "all keys (scroll with ↑↓ pgup pgdn)"),
		}},
		{Pane: "anywhere", Keys: []KeyDoc{
			doc(k.Quit, "quit outside the text inputs; with calls live or a read-back half-typed it asks first: q again quits, esc stays"),
			doc(k.ForceQuit, "quit, in the text inputs too (asks first the same way)"),
		}},
	}
}

// keyName is a key as the help writes it.
func keyName(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "pgdown":
		return "pgdn"
	case "right":
		return "→"
	case "left":
		return "←"
	case " ":
		return "space"
	}
	return k
}

// keysText writes a doc's keys for the screen: "↑/k".
func keysText(ks []string) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = keyName(k)
	}
	return strings.Join(out, "/")
}

// KeysMarkdown renders the key reference as the README's keys table.
func KeysMarkdown(k KeyMap) string {
	var b strings.Builder
	b.WriteString("| key | where | what |\n|---|---|---|\n")
	for _, g := range k.Reference() {
		for _, d := range g.Keys {
			ks := make([]string, len(d.Keys))
			for i, key := range d.Keys {
				name := keyName(key)
				if name == "|" {
					name = `\|`
				}
				ks[i] = "`" + name + "`"
			}
			what := d.What
			if d.Supervisor {
				what += " (supervisors)"
			}
			b.WriteString("| " + strings.Join(ks, " ") + " | " + g.Pane + " | " + strings.ReplaceAll(what, "|", `\|`) + " |\n")
		}
	}
	return b.String()
}
