// Package pgstore is flashcall's history on PostgreSQL, for teams whose consoles run on several servers: the
// same tables, the same guarantees and the same answers as the SQLite engine (package store), which the
// contract suite in internal/store/storetest checks against both. It implements verify.Store, and the audit
// chain's AuditHead, VerifyAudit, AuditHolds and ExportAudit, with the same hash function (store.AuditHash),
// so a log verifies the same in either engine.
//
// # Connecting
//
// Open takes a postgres:// or postgresql:// URL, as libpq does, over TCP or a unix socket:
//
//	postgres://flashcall:PASSWORD@db.example:5432/flashcall?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem
//	postgres://flashcall@/flashcall?host=/run/postgresql
//
// TLS options, pgx's pool options (pool_max_conns, ...) and run-time parameters (search_path, to keep
// flashcall's tables in a schema of their own) pass through. The password may also come from PGPASSWORD or a
// .pgpass file. No error or log line repeats the password: URLs are shown redacted (Redact).
//
// # Schema
//
// Migrations form one ordered list (migrations in migrate.go), recorded in a schema_version table. Each step
// runs in its own transaction under a transaction-level advisory lock (pg_advisory_xact_lock), so instances
// started together apply each step once; a schema newer than this build knows is refused with an error
// matching store.ErrNewerSchema. Times are BIGINT nanoseconds since the Unix epoch (0 for the zero time), as
// in SQLite: timestamptz keeps only microseconds, and the limits and --since filters must compare exactly as
// the SQLite engine does.
//
// # Concurrency: locks, not SERIALIZABLE
//
// SQLite gets its guarantees from BEGIN IMMEDIATE: one writer at a time. Here every write transaction runs
// at READ COMMITTED (set explicitly, whatever the server's default) and takes the lock its rule needs before
// it reads anything it will decide on; each later statement of the transaction then sees every transaction
// that held the lock before it (a lock is released only after its holder's commit is visible):
//
//   - Placements (InsertAttemptChecked, and InsertAttempt, which writes a call as well) take one advisory
//     lock for the whole history. The velocity limits count calls globally, per prefix and per operator, not
//     only per number, so a lock keyed on the number could let two placements to different numbers both
//     pass a global limit; with one lock the check and the insert of every placement are serialised across
//     all instances, exactly as SQLite's write lock serialises them, and "one live call per number" holds
//     with it. Placements are a person dialling: even hundreds a second would queue for a few milliseconds.
//   - ModifyVerification reads the verification and its attempts with SELECT ... FOR NO KEY UPDATE: a
//     concurrent check, cancel, expiry or poll of the same verification waits for the row locks and then
//     re-reads the committed row, so no counter is lost and a closed verification is never reopened. Other
//     verifications are not held up.
//   - ClaimCallSID takes an advisory lock keyed on the call SID, then checks that no attempt holds it and
//     links it with a conditional UPDATE that re-checks the attempt's row.
//   - AddAudit takes one advisory lock for the audit log, then reads the newest entry and appends the next:
//     IDs stay dense and every entry chains to the one before it, however many instances write.
//   - ClaimTracking takes an advisory lock keyed on the attempt, so that of two instances claiming a call
//     whose tracker row does not exist yet (nothing to lock with FOR UPDATE) only one gets it.
//   - Everything else is one statement, or statements no rule reads back (UpdateAttempt, AddTransition,
//     RecordBlocked, SetRCMLTokenHash's conditional UPDATE, Purge), and needs no lock of its own.
//
// Advisory lock keys are derived from the schema's name and the lock's purpose (lockKey), so two histories
// in two schemas of one database do not wait for each other.
//
// SERIALIZABLE with a retry on SQLSTATE 40001/40P01 was measured against this (50 goroutines over 3 pools,
// 1,000 transactions of the same statements, PostgreSQL 15 on a loaded 2-core machine): placements to
// distinct numbers ran at about 780/s with the lock and 0 retries, and at about 380/s under SERIALIZABLE with
// 2 to 3 retries per placement, because the count(*) over the whole attempts table that the global limit
// reads makes nearly every pair of concurrent placements a read/write conflict; audit appends ran at about
// 1,130/s with the lock and 350 to 490/s under SERIALIZABLE (3 retries each, the dense IDs colliding). Only
// placements to one busy number were faster under SERIALIZABLE (all but one are read-only refusals). Worse
// than the cost, every retry runs the caller's check and change functions again, which the flow does not
// promise to be free of side effects; the locks never abort a transaction and run them exactly once.
// The operations above take their locks in one order (the placement lock, then verification rows, then
// attempt rows), so they cannot deadlock one another. Purge, which deletes old attempts before their
// verifications, could meet a change to one of those same old verifications in the opposite order; PostgreSQL
// then aborts one of the two (an error matching store.ErrLocked, nothing written) rather than hang.
//
// The audit table is append-only: triggers refuse UPDATE and DELETE of any row and TRUNCATE of the table, and
// CHECK constraints refuse an entry without its two 32-byte hashes. What a superuser or the table's owner can
// still do (disable the triggers, rewrite rows, drop the table) shows as a broken chain in VerifyAudit or as
// a head that differs from the one logged at every start.
package pgstore
