package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// TestAlarmsListAndResume: `flashcall alarms` lists the pauses in force; `alarms resume ID` ends one for the
// local supervisor, audited; a second resume, or a made-up ID, says so.
func TestAlarmsListAndResume(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	st, err := store.Open(context.Background(), filepath.Join(h.dir, ".local/share/flashcall/history.db"))
	if err != nil {
		t.Fatal(err)
	}
	p := record.Pause{Scope: record.PausePrefix, Key: "+3712000", Alarm: "conversion-drop prefix +3712000",
		CreatedAt: time.Now()}
	if err := st.AddPause(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, stderr, code := h.run(t, "", "alarms", "--config", cfg)
	if code != 0 || !strings.Contains(out, "pause 1: prefix +3712000 since") || !strings.Contains(out, "conversion-drop prefix +3712000") {
		t.Fatalf("alarms (exit %d, %s):\n%s", code, stderr, out)
	}
	out, stderr, code = h.run(t, "", "alarms", "resume", "1", "--config", cfg)
	if code != 0 || !strings.Contains(out, "resumed: calls to prefix +3712000 go through again") {
		t.Fatalf("alarms resume 1 (exit %d, %s):\n%s", code, stderr, out)
	}
	if _, stderr, code = h.run(t, "", "alarms", "resume", "1", "--config", cfg); code != exitNotDone || !strings.Contains(stderr, "no pause 1 is in force") {
		t.Fatalf("a second resume: exit %d, %q", code, stderr)
	}
	if _, stderr, code = h.run(t, "", "alarms", "resume", "one", "--config", cfg); code != exitUsage || !strings.Contains(stderr, "is not a pause's ID") {
		t.Fatalf("resume one: exit %d, %q", code, stderr)
	}
	if out, _, _ = h.run(t, "", "alarms", "--config", cfg); !strings.Contains(out, "no pause in force") ||
		!strings.Contains(out, "no caller ID rested") {
		t.Fatalf("after the resume:\n%s", out)
	}
	audit, _, _ := h.run(t, "", "audit", "export", "--config", cfg)
	if !strings.Contains(audit, "calls-resumed") || !strings.Contains(audit, "calls to prefix +3712000 resumed (pause 1") {
		t.Fatalf("the audit log lacks the resume:\n%s", audit)
	}
}

// TestAlarmsListAndRestoreCallerIDs: `flashcall alarms` lists the rested caller-ID ranges with the command
// that restores them; `alarms restore RANGE` (typed with x for the hidden digits) restores one for the local
// supervisor, audited; a second restore, or a range written wrong, says so.
func TestAlarmsListAndRestoreCallerIDs(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	st, err := store.Open(context.Background(), filepath.Join(h.dir, ".local/share/flashcall/history.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := record.Rest{Key: "+44741834••••", Alarm: "caller-id-blocked cli +44741834••••", CreatedAt: time.Now()}
	if err := st.AddRest(context.Background(), &r, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, stderr, code := h.run(t, "", "alarms", "--config", cfg)
	if code != 0 || !strings.Contains(out, "rested caller IDs +44741834•••• since") ||
		!strings.Contains(out, "(flashcall alarms restore +44741834••••)") {
		t.Fatalf("alarms (exit %d, %s):\n%s", code, stderr, out)
	}
	out, stderr, code = h.run(t, "", "alarms", "restore", "+44741834xxxx", "--config", cfg)
	if code != 0 || !strings.Contains(out, "restored: calls may ring from caller IDs +44741834•••• again (rest 1)") {
		t.Fatalf("alarms restore (exit %d, %s):\n%s", code, stderr, out)
	}
	if _, stderr, code = h.run(t, "", "alarms", "restore", "+44741834••••", "--config", cfg); code != exitNotDone ||
		!strings.Contains(stderr, "caller IDs +44741834•••• are not rested") {
		t.Fatalf("a second restore: exit %d, %q", code, stderr)
	}
	if _, stderr, code = h.run(t, "", "alarms", "restore", "44 7418", "--config", cfg); code != exitUsage ||
		!strings.Contains(stderr, "is not a caller-ID range") {
		t.Fatalf("restore of a bad range: exit %d, %q", code, stderr)
	}
	audit, _, _ := h.run(t, "", "audit", "export", "--config", cfg)
	if !strings.Contains(audit, "caller-id-restored") || !strings.Contains(audit, "caller IDs +44741834•••• restored (rest 1") {
		t.Fatalf("the audit log lacks the restore:\n%s", audit)
	}
}
