package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// seededVerification is what seedVerifications stored for one verification, for tests to work out what a filter
// must find without the database.
type seededVerification struct {
	id               int64
	number, operator string
	created          time.Time
	status           record.Status
	attempts         []seededAttempt
}

type seededAttempt struct {
	operator, sid, status string
	outcome               record.Outcome
}

// planted is the verification every seeded history holds at index plantedAt, with a known number, operator
// and SID.
const (
	plantedAt       = 1000
	plantedNumber   = "+447400123450"
	plantedOperator = "zelda"
	plantedSID      = "ID5f0c1e2d3b4a59687a6b5c4d3e2f1a0b-CA9e8d7c6b5a49382716f5e4d3c2b1a0f9"
)

// seedVerifications stores verifications with nAttempts attempts in all (1 to 3 each), in one transaction with
// prepared statements (a few seconds for 100,000), and returns what it stored, oldest first. The data are
// random but the same on every run.
func seedVerifications(tb testing.TB, s *Store, nAttempts int) []seededVerification {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 450))
	operators := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
		"mallory", "niaj", "olivia", "peggy", "rupert", "sybil"}
	statuses := []record.Status{record.StatusVerified, record.StatusVerified, record.StatusVerified, record.StatusFailed,
		record.StatusExpired, record.StatusNotDelivered, record.StatusCanceled, record.StatusSuperseded, record.StatusBlocked}
	calls := []struct {
		status  string
		outcome record.Outcome
	}{{"no-answer", record.OutcomeDelivered}, {"canceled", record.OutcomeDelivered}, {"busy", record.OutcomeBusy},
		{"completed", record.OutcomeAnswered}, {"failed", record.OutcomeFailed}, {"no-answer", record.OutcomeNotDelivered}}
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	var out []seededVerification
	for left := nAttempts; left > 0; {
		i := len(out)
		v := seededVerification{created: at(time.Duration(i) * 30 * time.Second),
			operator: operators[rng.IntN(len(operators))], status: statuses[rng.IntN(len(statuses))]}
		switch rng.IntN(5) {
		case 0:
			v.number = fmt.Sprintf("+336%08d", rng.IntN(100_000_000))
		case 1:
			v.number = fmt.Sprintf("+4915%09d", rng.IntN(1_000_000_000))
		default:
			v.number = fmt.Sprintf("+447%09d", rng.IntN(1_000_000_000))
		}
		if i == plantedAt {
			v.number, v.operator = plantedNumber, plantedOperator
		}
		n := min(1+rng.IntN(3)*rng.IntN(2), left) // mostly one call, some two or three
		for j := range n {
			c := calls[rng.IntN(len(calls))]
			if rng.IntN(400) == 0 {
				c.status, c.outcome = "failed", record.OutcomeNotFound // rare
			}
			a := seededAttempt{operator: v.operator, sid: "ID5f0c1e2d3b4a59687a6b5c4d3e2f1a0b-CA" + hex(32),
				status: c.status, outcome: c.outcome}
			if rng.IntN(3) == 0 {
				a.operator += " (SHA256:" + hex(8) + ")"
			}
			if i == plantedAt && j == 0 {
				a.sid = plantedSID
			}
			v.attempts = append(v.attempts, a)
		}
		left -= n
		out = append(out, v)
	}
	err := s.write(ctx, "seed history", func(tx *sql.Tx) error {
		// The indexes of the two tables are dropped and built again once the rows are in, in the same
		// transaction: building an index from sorted rows is many times faster than 17 of them taking
		// random keys row by row.
		indexes, err := tableIndexes(ctx, tx, "verifications", "attempts")
		if err != nil {
			return err
		}
		for name := range indexes {
			if _, err := tx.ExecContext(ctx, `DROP INDEX `+name); err != nil {
				return err
			}
		}
		if err := insertSeed(ctx, tx, out); err != nil {
			return err
		}
		for _, create := range indexes {
			if _, err := tx.ExecContext(ctx, create); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// insertSeed inserts the seeded rows with prepared statements and sets their IDs.
func insertSeed(ctx context.Context, tx *sql.Tx, out []seededVerification) error {
	vs, err := tx.PrepareContext(ctx, `INSERT INTO verifications
			(number, country, operator, created_at, updated_at, expires_at, status, checks, max_checks, reason)
			VALUES (?, '', ?, ?, ?, ?, ?, 0, 3, '')`)
	if err != nil {
		return err
	}
	defer vs.Close()
	as, err := tx.PrepareContext(ctx, `INSERT INTO attempts (verification_id, created_at, updated_at, operator,
			number, call_sid, state, status, outcome) VALUES (?, ?, ?, ?, ?, ?, 'ended', ?, ?)`)
	if err != nil {
		return err
	}
	defer as.Close()
	for i := range out {
		v := &out[i]
		t := nanos(v.created)
		res, err := vs.ExecContext(ctx, v.number, v.operator, t, t, t+int64(5*time.Minute), v.status)
		if err != nil {
			return err
		}
		if v.id, err = res.LastInsertId(); err != nil {
			return err
		}
		for j, a := range v.attempts {
			ta := t + int64(j)*int64(time.Minute)
			if _, err := as.ExecContext(ctx, v.id, ta, ta, a.operator, v.number, a.sid, a.status, a.outcome); err != nil {
				return err
			}
		}
	}
	return nil
}

// tableIndexes returns the name and CREATE statement of every index of the tables (not the automatic ones).
func tableIndexes(ctx context.Context, tx *sql.Tx, tables ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, table := range tables {
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, create string
			if err := rows.Scan(&name, &create); err != nil {
				rows.Close()
				return nil, err
			}
			out[name] = create
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
