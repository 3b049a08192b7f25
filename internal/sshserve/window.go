package sshserve

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"

	"github.com/flashcall/flashcall/tui"
)

// Terminal sizes come from the client: in its pty request and in every window-change request, as two
// 32-bit numbers each. The console's frames cost memory in proportion to width x height, so every size is
// bounded (tui.ClampSize: from 1x1 to tui.MaxWidth x tui.MaxHeight, 400x200) before it reaches the
// session's program; a size with a zero side (a client that does not know its size) is ignored and the
// console keeps the one it has. Window changes are coalesced: only the newest size not yet taken by the
// program is kept, so a flood of them costs a few re-layouts, never a queue, and never blocks the SSH
// connection's request loop.

// ptyInfo is a session's terminal as the client requested it, read when the client asks for its shell.
type ptyInfo struct {
	pty   ssh.Pty
	winch <-chan ssh.Window
	ok    bool // the client asked for a terminal
}

// sessionRequest is the SSH library's session request callback, which it runs on the session's request
// loop when the client asks for a shell or a command, just before it starts the handler. It notes the
// session's terminal there and then: ssh.Session.Pty copies the terminal's size, which the request loop
// writes on every window change, so reading it from any other goroutine once the session runs is a data
// race. The handler takes the note (takePty) and never calls Pty itself.
func (s *Server) sessionRequest(sess ssh.Session, requestType string) bool {
	if requestType != "shell" && requestType != "exec" {
		return true // a subsystem: no handler runs (there are none), so nothing is noted
	}
	pty, winch, ok := sess.Pty()
	s.mu.Lock()
	s.ptys[sess] = ptyInfo{pty: pty, winch: winch, ok: ok}
	s.mu.Unlock()
	return true
}

// takePty returns, and forgets, the terminal noted for sess.
func (s *Server) takePty(sess ssh.Session) ptyInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.ptys[sess]
	delete(s.ptys, sess)
	return p
}

// windowSize is the size the console is drawn at for a client's window, and false for a size to ignore.
func windowSize(w ssh.Window) (tea.WindowSizeMsg, bool) {
	if w.Width <= 0 || w.Height <= 0 {
		return tea.WindowSizeMsg{}, false
	}
	width, height := tui.ClampSize(w.Width, w.Height)
	return tea.WindowSizeMsg{Width: width, Height: height}, true
}

// forwardWindows hands the sizes from winch to send, bounded and coalesced, until done is closed. It reads
// winch until the SSH library closes it (when the session's requests end), even after done, because the
// library's request loop waits on that channel: a window change nobody reads would stall the session.
// It returns when winch is closed.
func forwardWindows(winch <-chan ssh.Window, done <-chan struct{}, send func(tea.Msg)) {
	if winch == nil {
		return
	}
	newest := make(chan tea.WindowSizeMsg, 1) // the newest size the program has not taken yet
	go func() {
		for {
			select {
			case <-done:
				return
			case m := <-newest:
				send(m) // blocks until the program takes it, or returns once the program has ended
			}
		}
	}()
	for w := range winch {
		m, ok := windowSize(w)
		if !ok {
			continue
		}
		// Replace whatever size is still waiting. Only this goroutine puts into newest, so after the drain
		// there is room.
		select {
		case <-newest:
		default:
		}
		newest <- m
	}
}
