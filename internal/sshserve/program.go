package sshserve

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/tui"
)

// queryTimeout bounds the renderer's terminal query (background colour, then primary device attributes):
// every terminal answers it at once, and a client that does not only starts a little later.
const queryTimeout = time.Second

// sessionFPS is how often a session's renderer looks for a new frame to send (Bubble Tea's default is 60):
// each look is a timer wake-up per session, which adds up over hundreds of sessions, while a frame waits at
// most 50 ms at 20, well under what a network round trip adds to a remote terminal.
const sessionFPS = 20

// DemoBanner is what an anonymous demo session shows under the header.
const DemoBanner = "DEMO — anyone can connect · calls are simulated and nothing reaches a real phone"

// sessionFactory builds one session's model drawn with r, and the function that releases what it holds.
type sessionFactory func(op record.Operator, r *lipgloss.Renderer) (tea.Model, func())

// consoleSession is the production factory: the operator console on the shared service, with clipboard
// paste off (an SSH session has no clipboard of ours to read; the terminal's own paste still works).
func (s *Server) consoleSession(op record.Operator, r *lipgloss.Renderer) (tea.Model, func()) {
	banner := ""
	if s.anonymous {
		banner = DemoBanner
	}
	// The session's seat on the presence hub: the others see it from now until the session ends.
	seat := s.presence.Join(op)
	m := tui.New(s.svc, tui.Options{
		Operator: op, Renderer: r, Banner: banner, DisableClipboard: true,
		Location: s.opts.Location, HistoryLimit: s.opts.HistoryLimit,
		Bell: s.opts.Bell, Served: true, Presence: seat, OnceASecond: true,
	})
	// The console subscribes in New, so Close ends its subscription even when the session drops first.
	return m, func() { m.Close(); seat.Leave() }
}

// program builds a session's program: the session's input pump, its renderer, its model behind a panic
// guard, and a program that reads and writes the session and leaves signals to the server. run starts it
// and feeds it the window sizes.
func (s *Server) program(sess ssh.Session) *tea.Program {
	st := s.lookup(sess)
	if st == nil {
		return nil
	}
	in := newSessionInput(sess, st.touch)
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	r := bm.MakeRenderer(querySession{Session: sess, in: in, stop: ctx.Done(), pty: st.pty})
	cancel()
	model, release := s.newSession(st.op, r)
	g := newGuard(model, func(v any, stack []byte) {
		st.log.Error("session panic", "panic", fmt.Sprint(v), "stack", string(stack))
		st.end(endPanic)
	})
	p := tea.NewProgram(g,
		tea.WithInput(in), tea.WithOutput(sess),
		tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithFPS(sessionFPS),
		// SIGINT and SIGTERM belong to the server, which ends every session itself.
		tea.WithoutSignalHandler(),
	)
	if !st.attach(p, in.Close, release) {
		return nil
	}
	return p
}

// querySession is the session as the renderer sees it while it asks the terminal for its background
// colour: reads come from the session's input pump and give up when stop closes, so a client that never
// answers cannot hold the session (or swallow its first key press) for ever.
type querySession struct {
	ssh.Session
	in   *sessionInput
	stop <-chan struct{}
	pty  ptyInfo
}

// Pty returns the terminal as noted when the session started (see sessionRequest), without reading the
// library's copy, which the session's request loop writes on every window change.
func (q querySession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	return q.pty.pty, q.pty.winch, q.pty.ok
}

// Read reads the session's input until stop.
func (q querySession) Read(p []byte) (int, error) { return q.in.read(p, q.stop) }
