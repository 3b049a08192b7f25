package sshserve

import (
	"fmt"
	"reflect"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
)

// panicMsg carries a panic caught in a command back to the guard.
type panicMsg struct {
	value any
	stack []byte
}

// guard wraps a session's model so that a panic in Init, Update, View or any command it returns ends that
// session, and only that session: the panic is handed to onPanic (which logs it) and the program quits,
// instead of Bubble Tea printing a stack trace to the server's standard output.
type guard struct {
	inner   tea.Model
	onPanic func(value any, stack []byte)
	failed  bool
}

// newGuard wraps m.
func newGuard(m tea.Model, onPanic func(value any, stack []byte)) *guard {
	return &guard{inner: m, onPanic: onPanic}
}

// Init runs the inner Init.
func (g *guard) Init() (cmd tea.Cmd) {
	defer g.recover(&cmd)
	return guardCmd(g.inner.Init())
}

// Update runs the inner Update; after a panic every message is dropped while the program quits.
func (g *guard) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	model = g // also what a recovered panic returns
	if g.failed {
		return g, nil
	}
	switch msg := msg.(type) {
	case panicMsg:
		g.fail(msg.value, msg.stack)
		return g, tea.Quit
	case tea.WindowSizeMsg:
		if msg.Width <= 0 || msg.Height <= 0 {
			return g, nil // not a size (forwardWindows drops these; a guard all the same)
		}
	}
	defer g.recover(&cmd)
	inner, c := g.inner.Update(msg)
	g.inner = inner
	return g, guardCmd(c)
}

// View renders the inner View, or nothing once the session has failed.
func (g *guard) View() (view string) {
	if g.failed {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail(r, debug.Stack())
			view = ""
		}
	}()
	return g.inner.View()
}

// recover turns a panic in Init or Update into a quit.
func (g *guard) recover(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		g.fail(r, debug.Stack())
		*cmd = tea.Quit
	}
}

func (g *guard) fail(value any, stack []byte) {
	if g.failed {
		return
	}
	g.failed = true
	g.onPanic(value, stack)
}

// guardCmd wraps c so that a panic while it runs comes back as a panicMsg, and so do the commands of any
// batch or sequence it returns.
func guardCmd(c tea.Cmd) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{value: fmt.Sprint(r), stack: debug.Stack()}
			}
		}()
		msg = c()
		guardBatch(msg)
		return msg
	}
}

// cmdType is tea.Cmd's reflect type.
func cmdType() reflect.Type { return reflect.TypeFor[tea.Cmd]() }

// guardBatch wraps, in place, the commands of a message that is a list of commands: tea.BatchMsg, and the
// unexported message tea.Sequence returns, which has the same shape.
func guardBatch(msg tea.Msg) {
	if msg == nil {
		return
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType() {
		return
	}
	for i := range v.Len() {
		e := v.Index(i)
		if c, ok := e.Interface().(tea.Cmd); ok && c != nil {
			e.Set(reflect.ValueOf(guardCmd(c)))
		}
	}
}
