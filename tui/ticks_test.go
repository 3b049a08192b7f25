package tui

import (
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
)

// Over SSH (Options.OnceASecond) the spinner of a live call asks for its next frame a second later; the
// local console keeps its smooth 12 frames a second. Either way the spinner only runs while a call is live.
func TestSpinnerOnceASecondOverSSH(t *testing.T) {
	for _, tc := range []struct {
		name   string
		served bool
		want   time.Duration
	}{{"local", false, time.Second / 12}, {"ssh", true, time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(newStub(), Options{Renderer: asciiRenderer(), Now: func() time.Time { return testStart },
				Location: time.UTC, OnceASecond: tc.served})
			if got := m.FrameInterval(); got != tc.want {
				t.Fatalf("frame interval %s, want %s", got, tc.want)
			}
			a := record.Attempt{ID: 7, VerificationID: 3, Number: "+447400123450", State: record.StateLive,
				Status: "ringing", CreatedAt: testStart, UpdatedAt: testStart}
			send(m, eventMsg{ev: verify.Event{Kind: verify.EventAttempt, At: testStart, Attempt: a}})
			if !m.live.spinning {
				t.Fatal("a live call did not start the spinner")
			}
			// Each frame arms a timer of the interval for the next one (the command is not run here: it
			// would wait that long), and draws the next frame.
			before := m.live.spinner.View()
			tick, _ := m.live.spinner.Tick().(spinner.TickMsg)
			if next := send(m, tick); next == nil {
				t.Fatal("the spinner stopped while a call is live")
			}
			if m.live.spinner.View() == before {
				t.Fatal("a tick did not advance the spinner")
			}
			if got := m.FrameInterval(); got != tc.want {
				t.Fatalf("after a frame the interval is %s, want %s", got, tc.want)
			}
			// The call ends: the next tick stops the spinner, so an idle session arms no timer.
			a.State, a.Status, a.UpdatedAt = record.StateEnded, "canceled", testStart.Add(time.Second)
			send(m, eventMsg{ev: verify.Event{Kind: verify.EventAttempt, At: testStart, Attempt: a}})
			tick, _ = m.live.spinner.Tick().(spinner.TickMsg)
			if send(m, tick); m.live.spinning {
				t.Fatal("the spinner runs on with no call live")
			}
		})
	}
}
