package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAuditVerifyCatchesAnEditWithTheSQLiteShell: the audit log of a real run verifies; after someone drops
// the triggers with the sqlite3 shell and edits one entry, `flashcall audit verify` exits 1 naming it, and a
// head logged earlier that the log no longer holds is caught too.
func TestAuditVerifyCatchesAnEditWithTheSQLiteShell(t *testing.T) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("the sqlite3 shell is not installed (.ci/run installs it)")
	}
	h := newHome(t)
	db := filepath.Join(h.dir, "history.db")
	cfg := h.fastConfig(t, "[history]\npath = \""+db+"\"\n")
	for _, n := range []string{"+447400123450", "+447400123457"} {
		if out, errOut, code := h.run(t, "", "call", "--config", cfg, n); code > 1 {
			t.Fatalf("call %s: exit %d\n%s\n%s", n, code, out, errOut)
		}
	}
	out, errOut, code := h.run(t, "", "audit", "verify", "--config", cfg)
	m := regexp.MustCompile(`audit log intact: (\d+) entries, last \d+, head ([0-9a-f]{64})`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("clean log: exit %d\n%s\n%s", code, out, errOut)
	}
	head := m[2]

	sql := "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; " +
		"UPDATE audit SET detail = 'nothing happened' WHERE id = 2;"
	if b, err := exec.Command(shell, db, sql).CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, b)
	}
	out, errOut, code = h.run(t, "", "audit", "verify", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "audit log entry 2 was changed") {
		t.Fatalf("edited entry 2: exit %d\n%s\n%s", code, out, errOut)
	}

	// Cutting the end off leaves a consistent chain that no longer holds the head logged before.
	if b, err := exec.Command(shell, db, "DELETE FROM audit WHERE id >= 2;").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, b)
	}
	if out, errOut, code = h.run(t, "", "audit", "verify", "--config", cfg); code != 0 {
		t.Fatalf("a log cut short is still a chain: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = h.run(t, "", "audit", "verify", "--head", head, "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "does not hold the head") {
		t.Fatalf("cut short, with the earlier head: exit %d\n%s\n%s", code, out, errOut)
	}
}
