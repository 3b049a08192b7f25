package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// BenchmarkStartup measures, for a history of 1,000 and of 1,000,000 attempts (33 days of them, the oldest
// past the default 30-day retention and already anonymised by it), the time from starting the built binary to its "call created" line:
// `flashcall call --json` against a standalone `flashcall sim`, each run to a fresh number whose call fails at
// once (so the run then ends by itself). One untimed run first, as a deployment's previous start would have
// been. Metric ms: the mean over the timed runs.
func BenchmarkStartup(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"history=1k", 1000}, {"history=1M", 1_000_000}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			db := filepath.Join(dir, "history.db")
			copyHistory(b, seededHistory(b, c.n), db)
			addr := benchSim(b, dir)
			cfg := filepath.Join(dir, "bench.toml")
			body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
				"[call]\nrcml_url = \"http://127.0.0.1:1/rcml.xml\"\n[server]\nlisten = \"127.0.0.1:0\"\n" +
				"[history]\npath = \"" + db + "\"\n[log]\npath = \"" + filepath.Join(dir, "flashcall.log") + "\"\n" +
				"[policy]\nallowed_countries = [\"GB\"]\nlimit_per_prefix = \"100000/10m\"\nlimit_per_operator = \"100000/1h\"\n" +
				"limit_global = \"1000000/1h\"\ndaily_cap = 0\n"
			if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
				b.Fatal(err)
			}
			env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "USER=bench", "FLASHCALL_AUTH_TOKEN=" + sim.DefaultAuthToken,
				"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"), "XDG_DATA_HOME=" + filepath.Join(dir, ".local/share")}
			run := 0
			call := func() time.Duration {
				run++
				// A fresh number each run, ending in 8: the simulator fails it at once, without ringing.
				number := fmt.Sprintf("+4474009%04d8", run)
				cmd := exec.Command(binary, "call", "--config", cfg, "--json", number)
				cmd.Env, cmd.Dir = env, dir
				out, err := cmd.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				start := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				first, err := bufio.NewReader(out).ReadString('\n')
				took := time.Since(start)
				_, _ = io.Copy(io.Discard, out)
				werr := cmd.Wait()
				if err != nil || !strings.Contains(first, `"sid":"`) || strings.Contains(first, `"sid":""`) { // the first line is the call, created
					b.Fatalf("no call created line: %q, %v (exit %v): %s", first, err, werr, stderr.String())
				}
				return took
			}
			call() // the start before: its own purge, its own reconciliation
			b.ResetTimer()
			var total time.Duration
			for b.Loop() {
				total += call()
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms")
		})
	}
}

// benchSim runs `flashcall sim` on a free loopback port until the benchmark ends and returns its address.
func benchSim(b *testing.B, dir string) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "sim", "--listen", addr)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 4096)
	if n, err := out.Read(buf); err != nil || !strings.Contains(string(buf[:n]), addr) {
		b.Fatalf("simulator banner %q (%v)", buf[:n], err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return addr
}

// seededHistory returns a history file of n ended attempts, each with its finished verification and first
// transition, spread over the 33 days before now, with the retention (30 days, anonymising) applied to the
// oldest: seeded once per source tree into the temporary directory (one transaction, prepared statements)
// and reused by later runs.
func seededHistory(b *testing.B, n int) string {
	b.Helper()
	wd, _ := os.Getwd()
	h := fnv.New32a()
	h.Write([]byte(wd))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("flashcall-bench-startup-%d-%08x-purged.db", n, h.Sum32()))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	ctx := context.Background()
	tmp := filepath.Join(b.TempDir(), "seed.db")
	st, err := store.Open(ctx, tmp) // the schema of this source tree
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		s, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	ver := prep(`INSERT INTO verifications (number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason)
		VALUES (?, 'GB', ?, ?, ?, ?, 'expired', 0, 3, '')`)
	att := prep(`INSERT INTO attempts (verification_id, created_at, updated_at, ended_at, operator, remote, number, country, line_type,
		from_number, call_sid, state, status, outcome, ringing_seen, duration) VALUES (?, ?, ?, ?, ?, 'local', ?, 'GB', 'mobile',
		'447418340465', ?, 'ended', 'canceled', 'delivered', 1, 10)`)
	tr := prep(`INSERT INTO transitions (attempt_id, at, status, source, detail) VALUES (?, ?, 'placing', 'create', '')`)
	now := time.Now()
	step := 33 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		created := now.Add(-time.Duration(n-i) * step).UnixNano()
		number := fmt.Sprintf("+4474%02d12%04d", i%50, i%5000)
		op := fmt.Sprintf("op%02d", i%20)
		res, err := ver.ExecContext(ctx, number, op, created, created+1e10, created+3e11)
		if err != nil {
			b.Fatal(err)
		}
		vid, _ := res.LastInsertId()
		res, err = att.ExecContext(ctx, vid, created, created+1e10, created+1e10, op, number, fmt.Sprintf("CA%032d", i))
		if err != nil {
			b.Fatal(err)
		}
		aid, _ := res.LastInsertId()
		if _, err := tr.ExecContext(ctx, aid, created); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	// The retention is up to date, as earlier runs of a deployment leave it: what a start pays for is what
	// aged out since the last one, not three days of backlog.
	if st, err = store.Open(ctx, tmp); err != nil {
		b.Fatal(err)
	}
	for {
		_, more, err := st.PurgeBatch(ctx, now.Add(-30*24*time.Hour), true, 10000)
		if err != nil {
			b.Fatal(err)
		}
		if !more {
			break
		}
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	copyHistory(b, tmp, path+".part")
	if err := os.Rename(path+".part", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// copyHistory copies a history file.
func copyHistory(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
