package tui

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/flashcall/flashcall/internal/record"
)

func TestClampSize(t *testing.T) {
	for _, c := range []struct{ w, h, ww, wh int }{
		{80, 24, 80, 24}, {0, 0, 1, 1}, {-5, -1, 1, 1}, {65535, 65535, MaxWidth, MaxHeight},
		{MaxWidth, MaxHeight, MaxWidth, MaxHeight}, {MaxWidth + 1, 3, MaxWidth, 3}, {1 << 40, 1 << 40, MaxWidth, MaxHeight},
	} {
		if w, h := ClampSize(c.w, c.h); w != c.ww || h != c.wh {
			t.Errorf("ClampSize(%d, %d) = %d, %d; want %d, %d", c.w, c.h, w, h, c.ww, c.wh)
		}
	}
}

// TestHugeWindowIsDrawnAtTheBound: a 65535x65535 window (what an SSH client may claim) is drawn at
// MaxWidth x MaxHeight, every frame a few hundred KiB at most, in every view.
func TestHugeWindowIsDrawnAtTheBound(t *testing.T) {
	stub := newStub()
	m := newUnitModel(t, stub, 80, 24)
	m.Update(startedWith(makeRows(300)))
	m.openCode(1, "+447400123450", testStart.Add(time.Minute))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	m.Update(tea.WindowSizeMsg{Width: 65535, Height: 65535})
	for _, f := range []focus{focusInput, focusHistory, focusHelp, focusAudit, focusConfirm} {
		m.confirm.question = "Start a fresh verification?"
		m.setFocus(f)
		m.relayout()
		m.updateKeys()
		view := m.View()
		lines := strings.Split(view, "\n")
		if len(lines) != MaxHeight {
			t.Fatalf("%s: %d lines, want %d", f, len(lines), MaxHeight)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != MaxWidth {
				t.Fatalf("%s: line %d is %d cells wide, want %d", f, i, w, MaxWidth)
			}
		}
		if len(view) > 1<<20 {
			t.Fatalf("%s: a frame of %d bytes", f, len(view))
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Five frames of 400x200 allocate a few MiB in all; a 65535x65535 frame would be 4 GiB.
	if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
		t.Fatalf("drawing at the bound allocated %d MiB", d>>20)
	}
}

// operatorModel is awaitingModel for an operator who is not a supervisor.
func operatorModel(t *testing.T, stub *stubService) *Model {
	t.Helper()
	rows := makeRows(3)
	rows[0].VerificationStatus, rows[0].Outcome = "awaiting-code", "delivered"
	stub.revealed = map[int64]string{rows[0].ID: rows[0].Number}
	m := New(stub, Options{
		Operator: record.Operator{Name: "olga", Remote: "192.0.2.1:2200", Role: record.RoleOperator},
		Renderer: asciiRenderer(),
		Now:      func() time.Time { return testStart },
		Location: time.UTC,
	})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(startedWith(rows))
	send(m, keyTab)
	if m.Focus() != "history" {
		t.Fatalf("focus %s, want history", m.Focus())
	}
	return m
}

// TestOperatorIsToldSupervisorOnlyKeys: for an operator, v, A and S are not offered in the help, and a press
// of one says on the status bar that it is for supervisors, without asking the service for anything; the
// full help says those keys exist for supervisors.
func TestOperatorIsToldSupervisorOnlyKeys(t *testing.T) {
	stub := newStub()
	m := operatorModel(t, stub)
	help := strings.Join(enabledHelp(m.Keys()), " · ")
	for _, hidden := range []string{"reveal", "audit", "fresh verification"} {
		if strings.Contains(help, hidden) {
			t.Errorf("the help line offers %q to an operator: %s", hidden, help)
		}
	}
	if !strings.Contains(help, "enter code") || !strings.Contains(help, "cancel") {
		t.Fatalf("the operator's own actions are missing from the help: %s", help)
	}
	for key, want := range map[string]string{
		"v": "revealing a full number is for supervisors only",
		"A": "the audit log is for supervisors only",
		"S": "(supersede) is for supervisors only",
	} {
		m.status.Clear(m.status.id)
		send(m, runes(key))
		if !strings.Contains(m.status.Text(), want) || m.Focus() != "history" {
			t.Errorf("%s: status %q, focus %s; want %q", key, m.status.Text(), m.Focus(), want)
		}
		if !strings.Contains(m.View(), "for supervisors only") {
			t.Errorf("%s: the refusal is not on screen", key)
		}
	}
	if calls := stub.Calls(); slices.ContainsFunc(calls, func(c string) bool {
		return strings.HasPrefix(c, "reveal") || strings.HasPrefix(c, "audit") || strings.HasPrefix(c, "supersede")
	}) {
		t.Fatalf("the console asked the service for a supervisor-only action: %v", calls)
	}
	send(m, runes("?"))
	if v := m.View(); !strings.Contains(v, supervisorNote) || strings.Contains(v, "reveal number  ") {
		t.Fatalf("the full help does not say which keys are for supervisors:\n%s", v)
	}
}

// TestSupervisorGetsTheKeys: the same screen for a supervisor offers and runs v, A and S.
func TestSupervisorGetsTheKeys(t *testing.T) {
	stub := newStub()
	m, r := awaitingModel(t, stub)
	stub.revealed = map[int64]string{r.ID: r.Number}
	help := strings.Join(enabledHelp(m.Keys()), " · ")
	for _, offered := range []string{"v reveal number", "A audit log", "S fresh verification"} {
		if !strings.Contains(help, offered) {
			t.Errorf("the help line lacks %q for a supervisor: %s", offered, help)
		}
	}
	if msg := await[revealedMsg](t, send(m, runes("v"))); msg.number != r.Number {
		t.Fatalf("reveal = %+v", msg)
	}
	send(m, runes("A"))
	if m.Focus() != "audit" {
		t.Fatalf("A: focus %s", m.Focus())
	}
	send(m, runes("?"))
	if strings.Contains(m.View(), supervisorNote) {
		t.Fatal("a supervisor's help says the keys are for supervisors only")
	}
}
