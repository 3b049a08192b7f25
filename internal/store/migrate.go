package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/flashcall/flashcall/internal/record"
)

// migration is one step of the schema: it takes user_version from version-1 to version.
type migration struct {
	version int
	name    string
	stmts   []string
	// then, when set, runs after stmts in the same transaction, for what SQL alone cannot do.
	then func(ctx context.Context, tx *sql.Tx) error
	// after runs after then.
	after []string
}

// migrations returns the schema steps in order. Append new steps; never edit one that has shipped.
func migrations() []migration {
	return []migration{{
		version: 1,
		name:    "verifications, attempts, transitions, checks",
		stmts: []string{
			`CREATE TABLE verifications (
				id         INTEGER PRIMARY KEY,
				number     TEXT    NOT NULL,
				country    TEXT    NOT NULL DEFAULT '',
				operator   TEXT    NOT NULL DEFAULT '',
				created_at INTEGER NOT NULL DEFAULT 0,
				updated_at INTEGER NOT NULL DEFAULT 0,
				expires_at INTEGER NOT NULL DEFAULT 0,
				status     TEXT    NOT NULL,
				checks     INTEGER NOT NULL DEFAULT 0,
				max_checks INTEGER NOT NULL DEFAULT 0,
				reason     TEXT    NOT NULL DEFAULT ''
			) STRICT`,
			`CREATE INDEX verifications_by_number ON verifications (number, created_at)`,
			`CREATE TABLE attempts (
				id               INTEGER PRIMARY KEY,
				verification_id  INTEGER REFERENCES verifications (id),
				created_at       INTEGER NOT NULL DEFAULT 0,
				updated_at       INTEGER NOT NULL DEFAULT 0,
				ended_at         INTEGER NOT NULL DEFAULT 0,
				operator         TEXT    NOT NULL DEFAULT '',
				remote           TEXT    NOT NULL DEFAULT '',
				number           TEXT    NOT NULL DEFAULT '',
				country          TEXT    NOT NULL DEFAULT '',
				line_type        TEXT    NOT NULL DEFAULT '',
				from_number      TEXT    NOT NULL DEFAULT '',
				call_sid         TEXT    NOT NULL DEFAULT '',
				state            TEXT    NOT NULL,
				status           TEXT    NOT NULL DEFAULT '',
				outcome          TEXT    NOT NULL DEFAULT '',
				ringing_seen     INTEGER NOT NULL DEFAULT 0,
				answered_by      TEXT    NOT NULL DEFAULT '',
				duration         INTEGER NOT NULL DEFAULT 0,
				ring_duration    INTEGER NOT NULL DEFAULT 0,
				error            TEXT    NOT NULL DEFAULT '',
				stale_since      INTEGER NOT NULL DEFAULT 0,
				no_call_reported INTEGER NOT NULL DEFAULT 0
			) STRICT`,
			`CREATE INDEX attempts_by_time ON attempts (created_at, id)`,
			`CREATE INDEX attempts_by_verification ON attempts (verification_id, created_at)`,
			`CREATE INDEX attempts_unfinished ON attempts (created_at) WHERE ` + unfinishedWhere,
			`CREATE TABLE transitions (
				id         INTEGER PRIMARY KEY,
				attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
				at         INTEGER NOT NULL DEFAULT 0,
				status     TEXT    NOT NULL DEFAULT '',
				source     TEXT    NOT NULL DEFAULT '',
				detail     TEXT    NOT NULL DEFAULT ''
			) STRICT`,
			`CREATE INDEX transitions_by_attempt ON transitions (attempt_id, at)`,
			`CREATE TABLE checks (
				id              INTEGER PRIMARY KEY,
				verification_id INTEGER NOT NULL REFERENCES verifications (id) ON DELETE CASCADE,
				at              INTEGER NOT NULL DEFAULT 0,
				operator        TEXT    NOT NULL DEFAULT '',
				ok              INTEGER NOT NULL DEFAULT 0 CHECK (ok IN (0, 1))
			) STRICT`,
			`CREATE INDEX checks_by_verification ON checks (verification_id, at)`,
		},
	}, {
		version: 2,
		name:    "append-only audit log, attempts by number for the limits",
		stmts: []string{
			`CREATE INDEX attempts_by_number ON attempts (number, created_at)`,
			`CREATE TABLE audit (
				id              INTEGER PRIMARY KEY,
				at              INTEGER NOT NULL DEFAULT 0,
				operator        TEXT    NOT NULL DEFAULT '',
				remote          TEXT    NOT NULL DEFAULT '',
				action          TEXT    NOT NULL,
				number          TEXT    NOT NULL DEFAULT '',
				verification_id INTEGER NOT NULL DEFAULT 0,
				attempt_id      INTEGER NOT NULL DEFAULT 0,
				detail          TEXT    NOT NULL DEFAULT ''
			) STRICT`,
			`CREATE INDEX audit_by_time ON audit (at, id)`,
			`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
				BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END`,
			`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
				BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END`,
		},
	}, {
		version: 3,
		name:    "attempts by call SID, for reconciliation",
		stmts: []string{
			`CREATE INDEX attempts_by_sid ON attempts (call_sid) WHERE call_sid != ''`,
		},
	}, {
		version: 4,
		name:    "per-call RCML token hashes",
		stmts: []string{
			// The SHA-256 of the token in the path of the call's own RCML address (NULL when the document
			// does not speak the code). Only the hash is kept: a copy of the database gives no live address.
			`ALTER TABLE attempts ADD COLUMN rcml_path_sha256 BLOB
				CHECK (rcml_path_sha256 IS NULL OR length(rcml_path_sha256) = 32)`,
			`CREATE UNIQUE INDEX attempts_by_rcml_path ON attempts (rcml_path_sha256) WHERE rcml_path_sha256 IS NOT NULL`,
		},
	}, {
		version: 5,
		name:    "the audit log as a hash chain",
		stmts: []string{
			`ALTER TABLE audit ADD COLUMN prev_hash BLOB`,
			`ALTER TABLE audit ADD COLUMN hash BLOB`,
			`DROP TRIGGER audit_no_update`,
		},
		then: chainAuditTx,
		after: []string{
			`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
				BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END`,
			// REPLACE deletes the entry it collides with without firing the delete trigger (unless recursive
			// triggers are on): refuse the insert itself when its ID is taken.
			`CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
				BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be replaced'); END`,
			`CREATE TRIGGER audit_chained BEFORE INSERT ON audit WHEN NEW.hash IS NULL OR length(NEW.hash) != 32
				OR NEW.prev_hash IS NULL OR length(NEW.prev_hash) != 32
				BEGIN SELECT RAISE(ABORT, 'the audit log is a hash chain: an entry needs its hashes'); END`,
		},
	}, {
		version: 6,
		name:    "who tracks each unfinished call",
		stmts: []string{
			// One row per attempt some process follows: which process (a random ID per run, its host and PID)
			// and when it last said it is still there. A process starting up takes over only attempts whose
			// tracker is gone, so two consoles on one history never follow (and write) the same call.
			`CREATE TABLE trackers (
				attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
				owner      TEXT    NOT NULL,
				host       TEXT    NOT NULL DEFAULT '',
				pid        INTEGER NOT NULL DEFAULT 0,
				renewed_at INTEGER NOT NULL
			) STRICT`,
			`CREATE INDEX trackers_by_owner ON trackers (owner)`,
		},
	}, {
		version: 7,
		name:    "instances seen, rows by update time for the live feed",
		stmts: []string{
			// One row per process that opened the history, with its last heartbeat: doctor lists those seen
			// recently. The ID is the process's tracker ID (trackers.owner).
			`CREATE TABLE instances (
				id         TEXT    PRIMARY KEY,
				host       TEXT    NOT NULL DEFAULT '',
				pid        INTEGER NOT NULL DEFAULT 0,
				version    TEXT    NOT NULL DEFAULT '',
				started_at INTEGER NOT NULL DEFAULT 0,
				seen_at    INTEGER NOT NULL DEFAULT 0
			) STRICT`,
			`CREATE INDEX instances_by_seen ON instances (seen_at)`,
			// Every process reads the rows changed since its last look (ChangedSince), once a poll interval.
			`CREATE INDEX attempts_by_update ON attempts (updated_at)`,
			`CREATE INDEX verifications_by_update ON verifications (updated_at)`,
		},
	}, {
		version: 8,
		name:    "indexes for finding and paging the history",
		stmts: []string{
			// The last digits of a number, reversed, so "ends with 3450" is an index range (historyfind.go).
			`ALTER TABLE verifications ADD COLUMN number_tail TEXT
				GENERATED ALWAYS AS (` + reversedTail("number", record.MaxTailDigits) + `) VIRTUAL`,
			`CREATE INDEX verifications_by_tail ON verifications (number_tail)`,
			// The sorts of the history page, each with the ID (every index ends in the rowid) for keyset paging.
			`CREATE INDEX verifications_by_time ON verifications (created_at)`,
			`CREATE INDEX verifications_by_status ON verifications (status)`,
			`CREATE INDEX verifications_by_operator ON verifications (operator)`,
			`CREATE INDEX verifications_by_number_id ON verifications (number)`,
			// A call SID's call part (after the instance ID) and its last characters reversed, in lower case.
			`ALTER TABLE attempts ADD COLUMN sid_call TEXT
				GENERATED ALWAYS AS (lower(substr(call_sid, instr(call_sid, '-') + 1))) VIRTUAL`,
			`ALTER TABLE attempts ADD COLUMN sid_tail TEXT
				GENERATED ALWAYS AS (lower(` + reversedTail("call_sid", record.MaxSIDTail) + `)) VIRTUAL`,
			`CREATE INDEX attempts_by_sid_call ON attempts (sid_call, verification_id) WHERE call_sid != ''`,
			`CREATE INDEX attempts_by_sid_tail ON attempts (sid_tail, verification_id) WHERE call_sid != ''`,
			`CREATE INDEX attempts_by_operator ON attempts (operator COLLATE NOCASE, verification_id)`,
			`CREATE INDEX attempts_by_outcome ON attempts (outcome, verification_id)`,
			`CREATE INDEX attempts_by_call_status ON attempts (status, verification_id)`,
			// What a broad word tests of each verification read in order ("is one of its calls by alice?"),
			// answered from the index alone.
			`CREATE INDEX attempts_terms ON attempts (verification_id, operator COLLATE NOCASE, outcome, status)`,
		},
	}, {
		version: 9,
		name:    "pauses after alarms",
		stmts: []string{
			// A country or number range whose calls an alarm stopped, until a supervisor resumes it. At most
			// one pause in force per scope and key, whichever instance raised the alarm.
			`CREATE TABLE pauses (
				id         INTEGER PRIMARY KEY,
				scope      TEXT    NOT NULL,
				key        TEXT    NOT NULL,
				alarm      TEXT    NOT NULL DEFAULT '',
				reason     TEXT    NOT NULL DEFAULT '',
				created_at INTEGER NOT NULL,
				resumed_at INTEGER NOT NULL DEFAULT 0,
				resumed_by TEXT    NOT NULL DEFAULT ''
			) STRICT`,
			`CREATE UNIQUE INDEX pauses_in_force ON pauses (scope, key) WHERE resumed_at = 0`,
		},
	}, {
		version: 10,
		name:    "limits, open verifications and retention through bounded indexes",
		stmts: []string{
			// The range a number belongs to for the per-prefix limit (policy.PrefixOf: all but its last 4
			// digits) and the person an operator is (record.Operator.String without the key fingerprint), so
			// that their counts seek to (scope, window) instead of matching LIKE row by row.
			`ALTER TABLE attempts ADD COLUMN prefix TEXT GENERATED ALWAYS AS (` + PrefixExpr + `) VIRTUAL`,
			`ALTER TABLE attempts ADD COLUMN person TEXT GENERATED ALWAYS AS (CASE WHEN instr(operator, ' (') > 0
				THEN substr(operator, 1, instr(operator, ' (') - 1) ELSE operator END) VIRTUAL`,
			// Partial: only the calls the limits count (not blocked, not not-placed), so that a count reads the
			// index alone, never the rows.
			`CREATE INDEX attempts_counted_by_time ON attempts (created_at) WHERE ` + countedWhere,
			`CREATE INDEX attempts_counted_by_number ON attempts (number, created_at) WHERE ` + countedWhere,
			// "One live call per number" reads the number's live calls only, not its whole history.
			`CREATE INDEX attempts_live_by_number ON attempts (number) WHERE ` + liveWhere,
			`CREATE INDEX attempts_counted_by_prefix ON attempts (prefix, created_at) WHERE ` + countedWhere,
			`CREATE INDEX attempts_counted_by_person ON attempts (person, created_at) WHERE ` + countedWhere,
			// Start-up reads the open verifications through their own index, not a scan of every one.
			`CREATE INDEX verifications_open ON verifications (created_at, id) WHERE status NOT IN ` + finalStatuses,
			// Everyone's calls per hour and per minute (span in nanoseconds, start a multiple of it), kept by
			// triggers in the transaction that changes an attempt: the global limit and the daily cap sum them.
			`CREATE TABLE call_buckets (
				span  INTEGER NOT NULL,
				start INTEGER NOT NULL,
				n     INTEGER NOT NULL,
				PRIMARY KEY (span, start)
			) STRICT, WITHOUT ROWID`,
			`INSERT INTO call_buckets (span, start, n) SELECT 60000000000, created_at - created_at % 60000000000, count(*)
				FROM attempts WHERE ` + countedWhere + ` GROUP BY 2`,
			`INSERT INTO call_buckets (span, start, n) SELECT 3600000000000, created_at - created_at % 3600000000000, count(*)
				FROM attempts WHERE ` + countedWhere + ` GROUP BY 2`,
			`CREATE TRIGGER call_buckets_insert AFTER INSERT ON attempts WHEN ` + newCounted + ` BEGIN ` + bucketAdd("NEW", "+ 1") + ` END`,
			`CREATE TRIGGER call_buckets_delete AFTER DELETE ON attempts WHEN ` + oldCounted + ` BEGIN ` + bucketAdd("OLD", "- 1") + ` END`,
			`CREATE TRIGGER call_buckets_update_old AFTER UPDATE OF state, created_at ON attempts
				WHEN ` + oldCounted + ` AND (NOT ` + newCounted + ` OR OLD.created_at != NEW.created_at) BEGIN ` + bucketAdd("OLD", "- 1") + ` END`,
			`CREATE TRIGGER call_buckets_update_new AFTER UPDATE OF state, created_at ON attempts
				WHEN ` + newCounted + ` AND (NOT ` + oldCounted + ` OR OLD.created_at != NEW.created_at) BEGIN ` + bucketAdd("NEW", "+ 1") + ` END`,
			// How far the retention has got, per mode: it goes on from there in bounded batches.
			`CREATE TABLE retention_mark (
				mode         TEXT    PRIMARY KEY,
				last_attempt INTEGER NOT NULL
			) STRICT`,
		},
	}, {
		version: 11,
		name:    "console sessions of every instance",
		stmts: []string{
			// Each instance rewrites its sessions every few seconds, so that every instance lists who is
			// connected anywhere; rows not rewritten for a while are sessions of an instance that is gone.
			`CREATE TABLE presence (
				instance     TEXT    NOT NULL,
				seat         INTEGER NOT NULL,
				operator     TEXT    NOT NULL,
				remote       TEXT    NOT NULL DEFAULT '',
				since        INTEGER NOT NULL,
				last_input   INTEGER NOT NULL,
				reading_back INTEGER NOT NULL DEFAULT 0,
				number       TEXT    NOT NULL DEFAULT '',
				seen_at      INTEGER NOT NULL,
				PRIMARY KEY (instance, seat)
			) STRICT`,
			`CREATE INDEX presence_by_seen ON presence (seen_at)`,
		},
	}, {
		version: 12,
		name:    "alarms announced once for every instance",
		stmts: []string{
			// One row per alarm ever raised: the instance that moves it from cleared to raised (or back)
			// announces it; the others only show it.
			`CREATE TABLE alarm_states (
				alarm      TEXT    PRIMARY KEY,
				raised_at  INTEGER NOT NULL,
				cleared_at INTEGER NOT NULL DEFAULT 0,
				instance   TEXT    NOT NULL DEFAULT ''
			) STRICT`,
		},
	}, {
		version: 13,
		name:    "rested caller IDs and the day's billed minutes",
		stmts: []string{
			// A caller-ID range a caller-ID alarm rested (a carrier has probably blocked it): no instance picks
			// it until a supervisor restores it. At most one rest in force per range.
			`CREATE TABLE caller_id_rests (
				id          INTEGER PRIMARY KEY,
				key         TEXT    NOT NULL,
				alarm       TEXT    NOT NULL DEFAULT '',
				reason      TEXT    NOT NULL DEFAULT '',
				created_at  INTEGER NOT NULL,
				restored_at INTEGER NOT NULL DEFAULT 0,
				restored_by TEXT    NOT NULL DEFAULT ''
			) STRICT`,
			`CREATE UNIQUE INDEX caller_id_rests_in_force ON caller_id_rests (key) WHERE restored_at = 0`,
			// The minutes everyone's calls bill (billedMinutes) per hour and per minute of their creation, kept
			// by triggers as call_buckets is: the daily cost cap sums them.
			`CREATE TABLE cost_buckets (
				span    INTEGER NOT NULL,
				start   INTEGER NOT NULL,
				minutes INTEGER NOT NULL,
				PRIMARY KEY (span, start)
			) STRICT, WITHOUT ROWID`,
			`INSERT INTO cost_buckets (span, start, minutes) SELECT 60000000000, created_at - created_at % 60000000000,
				sum(` + billedMinutes("") + `) FROM attempts WHERE ` + countedWhere + ` GROUP BY 2`,
			`INSERT INTO cost_buckets (span, start, minutes) SELECT 3600000000000, created_at - created_at % 3600000000000,
				sum(` + billedMinutes("") + `) FROM attempts WHERE ` + countedWhere + ` GROUP BY 2`,
			`CREATE TRIGGER cost_buckets_insert AFTER INSERT ON attempts WHEN (` + billedMinutes("NEW.") + `) != 0
				BEGIN ` + costBucketAdd("NEW", "") + ` END`,
			`CREATE TRIGGER cost_buckets_delete AFTER DELETE ON attempts WHEN (` + billedMinutes("OLD.") + `) != 0
				BEGIN ` + costBucketAdd("OLD", "-") + ` END`,
			`CREATE TRIGGER cost_buckets_update AFTER UPDATE OF state, outcome, duration, created_at ON attempts
				WHEN (` + billedMinutes("OLD.") + `) != (` + billedMinutes("NEW.") + `) OR OLD.created_at != NEW.created_at
				BEGIN ` + costBucketAdd("OLD", "-") + costBucketAdd("NEW", "") + ` END`,
		},
	}, {
		version: 14,
		name:    "supervisors' overrides",
		stmts: []string{
			// One rule lifted for one number and one call (record.Override); used_at and attempt_id are set by
			// the placement that uses it, in its own transaction.
			`CREATE TABLE overrides (
				id              INTEGER PRIMARY KEY,
				number          TEXT    NOT NULL,
				rule            TEXT    NOT NULL,
				reason          TEXT    NOT NULL,
				given_by        TEXT    NOT NULL,
				verification_id INTEGER NOT NULL DEFAULT 0,
				created_at      INTEGER NOT NULL,
				expires_at      INTEGER NOT NULL,
				used_at         INTEGER NOT NULL DEFAULT 0,
				attempt_id      INTEGER NOT NULL DEFAULT 0
			) STRICT`,
			`CREATE INDEX overrides_pending ON overrides (number, rule, expires_at) WHERE used_at = 0`,
			`CREATE INDEX overrides_by_verification ON overrides (verification_id) WHERE verification_id != 0`,
			`CREATE INDEX overrides_by_attempt ON overrides (attempt_id) WHERE attempt_id != 0`,
		},
	}}
}

// newCounted and oldCounted say, in a trigger, whether the new or the old row counts as a call (countedWhere).
const (
	newCounted = `NEW.state NOT IN ('` + string(record.StateBlocked) + `', '` + string(record.StateNotPlaced) + `')`
	oldCounted = `OLD.state NOT IN ('` + string(record.StateBlocked) + `', '` + string(record.StateNotPlaced) + `')`
)

// bucketAdd is the trigger body that adds delta ("+ 1" or "- 1") to the minute and hour counters of row's
// created_at (row is NEW or OLD).
func bucketAdd(row, delta string) string {
	var b strings.Builder
	for _, span := range []string{"60000000000", "3600000000000"} {
		start := row + ".created_at - " + row + ".created_at % " + span
		if strings.HasPrefix(delta, "+") {
			b.WriteString(`INSERT INTO call_buckets (span, start, n) VALUES (` + span + `, ` + start + `, 1)
				ON CONFLICT (span, start) DO UPDATE SET n = n + 1; `)
		} else {
			b.WriteString(`UPDATE call_buckets SET n = n - 1 WHERE span = ` + span + ` AND start = ` + start + `; `)
		}
	}
	return b.String()
}

// PrefixExpr is the SQL, for both engines, of the range a number belongs to for the per-prefix limit:
// policy.PrefixOf, the number without its last 4 digits (the whole number when it has 5 characters or fewer).
const PrefixExpr = `CASE WHEN length(number) <= 5 THEN number ELSE substr(number, 1, length(number) - 4) END`

// userVersion reads PRAGMA user_version.
func userVersion(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// newerSchema is the error for a database this build must not touch.
func (s *Store) newerSchema(op string, found, known int) error {
	return &Error{Op: op, Path: s.path, Kind: ErrNewerSchema,
		Err: fmt.Errorf("schema version %d, this flashcall knows up to %d", found, known)}
}

// migrate brings the schema up to date, one transaction per step. It writes nothing when the schema is
// current, and refuses a schema newer than it knows.
func (s *Store) migrate(ctx context.Context) error {
	steps := migrations()
	latest := steps[len(steps)-1].version
	v, err := userVersion(ctx, s.w)
	if err != nil {
		return s.wrap("open", err)
	}
	if v > latest {
		return s.newerSchema("open", v, latest)
	}
	for _, m := range steps {
		if m.version <= v {
			continue
		}
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration step in a transaction, unless another process has applied it meanwhile.
func (s *Store) apply(ctx context.Context, m migration) error {
	op := fmt.Sprintf("migrate to schema %d (%s)", m.version, m.name)
	return s.write(ctx, op, func(tx *sql.Tx) error {
		v, err := userVersion(ctx, tx)
		if err != nil {
			return err
		}
		if v >= m.version {
			return nil
		}
		if v != m.version-1 {
			return fmt.Errorf("schema is at version %d, expected %d", v, m.version-1)
		}
		if v == 0 {
			// A database with tables but no version is someone else's: do not add ours to it.
			var n int
			if err := tx.QueryRowContext(ctx,
				`SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &Error{Op: "open", Path: s.path, Kind: ErrNotDatabase,
					Err: fmt.Errorf("an SQLite database with %d objects of its own and no flashcall schema", n)}
			}
		}
		for _, stmt := range m.stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		if m.then != nil {
			if err := m.then(ctx, tx); err != nil {
				return err
			}
		}
		for _, stmt := range m.after {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.version))
		return err
	})
}

// checkVersion verifies, without writing, that a database opened read-only has exactly the current schema.
func (s *Store) checkVersion(ctx context.Context) error {
	steps := migrations()
	latest := steps[len(steps)-1].version
	v, err := userVersion(ctx, s.w)
	if err != nil {
		return s.wrap("open", err)
	}
	switch {
	case v > latest:
		return s.newerSchema("open", v, latest)
	case v < latest:
		return fmt.Errorf("open: history database %s has schema version %d, not %d: run flashcall once without read-only access to upgrade it",
			s.path, v, latest)
	}
	return nil
}
