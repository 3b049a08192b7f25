package sshserve

import (
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/tui"
)

// A session's console advances its spinner once a second (every frame of every session costs the server),
// where the local console keeps 12 frames a second.
func TestSessionConsoleTicksOnceASecond(t *testing.T) {
	b := newBackend(t, 5)
	ts := startServer(t, b, nil, newKey(t))
	model, release := ts.consoleSession(record.Operator{Name: "alice", Remote: "127.0.0.1:1"}, lipgloss.NewRenderer(io.Discard))
	defer release()
	m, ok := model.(*tui.Model)
	if !ok {
		t.Fatalf("the session's model is a %T", model)
	}
	if got := m.FrameInterval(); got != time.Second {
		t.Fatalf("an SSH session's spinner advances every %s, want 1s", got)
	}
	local := tui.New(b.app.Service, tui.Options{Renderer: lipgloss.NewRenderer(io.Discard)})
	defer local.Close()
	if got := local.FrameInterval(); got >= time.Second {
		t.Fatalf("the local console's spinner advances every %s, want it smoother than once a second", got)
	}
}
