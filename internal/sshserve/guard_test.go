package sshserve

import (
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// caught records what a guard reported.
type caught struct{ values []any }

func (c *caught) report(v any, _ []byte) { c.values = append(c.values, v) }

func key(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestGuardContainsPanicInUpdate(t *testing.T) {
	var c caught
	g := newGuard(&panicky{}, c.report)
	model, cmd := g.Update(key("p"))
	if model != g {
		t.Fatalf("Update returned model %v after a panic, want the guard itself", model)
	}
	if cmd == nil {
		t.Fatal("no command after a panic, want tea.Quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the command after a panic does not quit")
	}
	if len(c.values) != 1 || c.values[0] != "boom in update" {
		t.Fatalf("reported %v", c.values)
	}
	if g.View() != "" {
		t.Fatal("a failed session still renders its model")
	}
	if m, cmd := g.Update(key("x")); m != g || cmd != nil {
		t.Fatal("a failed session still handles messages")
	}
}

func TestGuardContainsPanicInView(t *testing.T) {
	var c caught
	g := newGuard(&panicky{}, c.report)
	g.Update(key("v"))
	if v := g.View(); v != "" {
		t.Fatalf("View after a panic = %q", v)
	}
	if len(c.values) != 1 || c.values[0] != "boom in view" {
		t.Fatalf("reported %v", c.values)
	}
}

func TestGuardContainsPanicInCommands(t *testing.T) {
	var c caught
	g := newGuard(&panicky{}, c.report)
	_, cmd := g.Update(key("c"))
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("the batch command returned %T", cmd())
	}
	msg := batch[1]() // the panicking command, wrapped by the guard
	pm, ok := msg.(panicMsg)
	if !ok || pm.value != "boom in a command" {
		t.Fatalf("the panicking command returned %#v, want a panicMsg", msg)
	}
	if _, cmd := g.Update(pm); cmd == nil {
		t.Fatal("a panicMsg does not quit")
	}
	if len(c.values) != 1 {
		t.Fatalf("reported %v", c.values)
	}

	// tea.Sequence's message type is unexported; the guard wraps its commands all the same.
	seq := guardCmd(tea.Sequence(func() tea.Msg { panic("boom in a sequence") }, tea.Quit))()
	v := reflect.ValueOf(seq)
	if v.Kind() != reflect.Slice || v.Len() != 2 {
		t.Fatalf("the sequence command returned %T", seq)
	}
	if pm, ok := v.Index(0).Interface().(tea.Cmd)().(panicMsg); !ok || pm.value != "boom in a sequence" {
		t.Fatal("a panic in a sequence was not caught")
	}
}

func TestGuardIgnoresEmptyWindowSize(t *testing.T) {
	g := newGuard(&panicky{}, func(any, []byte) { t.Fatal("no panic expected") })
	if _, cmd := g.Update(tea.WindowSizeMsg{}); cmd != nil {
		t.Fatal("a zero window size reached the model")
	}
}
