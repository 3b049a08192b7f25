package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// The end-to-end tests of the history on PostgreSQL: the built binary against the tests' server
// ($FLASHCALL_TEST_POSTGRES_URL, which .ci/postgres.sh starts), each test in a schema of its own.

// pgURLVar names the tests' PostgreSQL database.
const pgURLVar = "FLASHCALL_TEST_POSTGRES_URL"

// pgTestURL returns the tests' database URL. Without one the test fails, never skips.
func pgTestURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(pgURLVar)
	if u == "" {
		t.Fatalf("$%s is not set: the PostgreSQL end-to-end tests cannot run. Run the tests as the README says, "+
			"after `eval \"$(bash .ci/postgres.sh)\"`.", pgURLVar)
	}
	return u
}

// pgAdmin is one pool per test binary, for creating and dropping the tests' schemas.
var pgAdmin struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

// pgSchema creates an empty schema, dropped when the test ends, and returns the tests' URL pointing at it.
func pgSchema(t *testing.T) string {
	t.Helper()
	base := pgTestURL(t)
	pgAdmin.once.Do(func() {
		pgAdmin.pool, pgAdmin.err = pgxpool.New(context.Background(), base)
		if pgAdmin.err == nil {
			pgAdmin.err = pgAdmin.pool.Ping(context.Background())
		}
	})
	if pgAdmin.err != nil {
		t.Fatalf("connect to $%s: %v", pgURLVar, pgAdmin.err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "flashcall_e2e_" + hex.EncodeToString(b[:])
	if _, err := pgAdmin.pool.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pgAdmin.pool.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgHistory is the [history] table naming the PostgreSQL URL u, with history.path pointing at a file that
// must never be created (it is ignored).
func pgHistory(u string) string {
	return "[history]\nurl = \"" + u + "\"\npath = \"/nonexistent/ignored.db\"\n"
}

// TestPostgresStartUpErrors: a database that does not exist and a refused password end every command that
// opens the history with exit 2 and a message saying what to do, never the password, never a panic.
func TestPostgresStartUpErrors(t *testing.T) {
	base, err := url.Parse(pgTestURL(t))
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := base.User.Password()
	missing := *base
	missing.Path = "/flashcall_no_such_database"
	const wrongPW = "Wr0ngPasswordOfTheE2E"
	wrong := *base
	wrong.User = url.UserPassword(base.User.Username(), wrongPW)
	for _, c := range []struct {
		name, url, want string
		secret          string
	}{
		{"missing database", missing.String(), "createdb", pw},
		{"wrong password", wrong.String(), "refused the password", wrongPW},
	} {
		for _, args := range [][]string{{"history", "export"}, {"audit", "verify"}, {"audit", "export"}, {"call", "+447400123450"}, {"serve"}} {
			t.Run(c.name+"/"+args[0]+" "+args[1%len(args)], func(t *testing.T) {
				h := newHome(t)
				cfg := h.fastConfig(t, pgHistory(c.url)+"[ssh]\nlisten = \"127.0.0.1:0\"\nallow_anonymous = true\n")
				full := append([]string{args[0]}, args[1:]...)
				if args[0] != "serve" {
					full = []string{args[0], args[1]}
					if args[0] == "call" {
						full = []string{"call"}
					}
				}
				full = append(full, "--config", cfg)
				if args[0] == "call" {
					full = append(full, args[1])
				}
				out, errOut, code := h.run(t, "", full...)
				all := out + errOut
				if code != exitUsage || !strings.Contains(all, c.want) || !strings.Contains(all, "history.url") {
					t.Fatalf("exit %d, want 2 with %q and history.url named:\n%s", code, c.want, all)
				}
				if strings.Contains(all, c.secret) || strings.Contains(all, "panic") || strings.Contains(all, "goroutine ") {
					t.Fatalf("the message shows the password or a panic:\n%s", all)
				}
			})
		}
	}
}

// TestPostgresCommandsShareOneHistory: a call placed by `flashcall call` on PostgreSQL is in the history and
// audit exports of another process, the audit chain verifies, and history.path is never created.
func TestPostgresCommandsShareOneHistory(t *testing.T) {
	h := newHome(t)
	u := pgSchema(t)
	cfg := h.fastConfig(t, pgHistory(u))
	out, errOut, code := h.run(t, "", "call", "--config", cfg, "--json", "+447400123451")
	if code != exitOK {
		t.Fatalf("call: exit %d\n%s\n%s", code, out, errOut)
	}
	exp, errOut, code := h.run(t, "", "history", "export", "--format", "json", "--reveal", "--config", cfg)
	if code != exitOK {
		t.Fatalf("history export: exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(exp), &rows); err != nil || len(rows) != 1 || rows[0]["number"] != "+447400123451" ||
		rows[0]["state"] != string(record.StateEnded) {
		t.Fatalf("history export (%v):\n%s", err, exp)
	}
	aud, errOut, code := h.run(t, "", "audit", "export", "--config", cfg)
	if code != exitOK || !strings.Contains(aud, "export") || !strings.Contains(aud, "place") {
		t.Fatalf("audit export: exit %d: %s\n%s", code, errOut, aud)
	}
	ver, errOut, code := h.run(t, "", "audit", "verify", "--config", cfg)
	if code != exitOK || !strings.Contains(ver, "audit log intact") {
		t.Fatalf("audit verify: exit %d: %s\n%s", code, errOut, ver)
	}
	doc, _, _ := h.run(t, "", "doctor", "--config", cfg)
	if !strings.Contains(doc, "ok   history: PostgreSQL 1") || !strings.Contains(doc, "(this doctor)") {
		t.Errorf("doctor does not show the server version and the instances:\n%s", doc)
	}
	if pw, _ := mustURL(t, u).User.Password(); pw != "" && strings.Contains(doc, pw) {
		t.Errorf("doctor shows the database password:\n%s", doc)
	}
	if _, err := os.Stat("/nonexistent/ignored.db"); err == nil {
		t.Error("history.path was created although history.url is set")
	}
}

// mustURL parses u.
func mustURL(t *testing.T, u string) *url.URL {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPostgresTwentyCallProcessesOneNumber: twenty `flashcall call` processes for one number on one
// PostgreSQL history place exactly one call, counted in the simulator's call log; the others are refused.
func TestPostgresTwentyCallProcessesOneNumber(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	cfg := h.simBackend(t, addr, sim.DefaultAuthToken, "timeout = 60\npoll_interval = \"200ms\"\n",
		pgHistory(pgSchema(t))+noLimits)
	const n, number = 20, "+447400123450" // ends in 0: rings until the timeout
	argv := make([][]string, n)
	for i := range argv {
		argv[i] = []string{"call", "--config", cfg, "--json", number}
	}
	createHistory(t, h, cfg)
	procs, events := startTogether(t, h, argv)
	placed := waitAll(t, procs, events, func(running []int) {
		for _, i := range running {
			_ = procs[i].cmd.Process.Signal(syscall.SIGINT)
		}
	})
	if len(placed) != 1 {
		t.Errorf("%d processes placed a call, want exactly 1 (processes %v)", len(placed), placed)
	}
	refused := 0
	for i, p := range procs {
		if len(placed) > 0 && i == placed[0] {
			continue
		}
		if p.code == exitPolicy && strings.Contains(p.errOut, liveCallRefusal) {
			refused++
		} else {
			t.Errorf("process %d: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", i, p.code, exitPolicy,
				liveCallRefusal, p.out, p.errOut)
		}
	}
	if refused != n-1 {
		t.Errorf("%d processes refused, want %d", refused, n-1)
	}
	if got := countSimCalls(t, addr, number); got != 1 {
		t.Errorf("the simulator received %d calls to %s, want exactly 1", got, number)
	}
}
