// Package store is flashcall's history and audit log: an SQLite database (modernc.org/sqlite, pure Go) holding
// every verification, every call attempt, every state transition of an attempt and every code check.
//
// The database is opened in WAL mode with a busy timeout and foreign keys on. Writes go through a single
// connection and every write is a BEGIN IMMEDIATE transaction, so goroutines of one process queue for the write
// lock instead of failing with SQLITE_BUSY; reads use a small pool of their own and never wait for a writer.
// Another process holding the write lock longer than the busy timeout yields an error matching ErrLocked.
//
// The schema is versioned by PRAGMA user_version and upgraded by an ordered list of migrations, each in its own
// transaction. A database written by a newer flashcall is refused (ErrNewerSchema) rather than modified.
//
// Times are stored as INTEGER nanoseconds since the Unix epoch, UTC, with 0 standing for the zero time.time, so
// that ordering and --since filters are exact; they come back in UTC. The code a customer reads back is never
// stored: a Check records only whether it matched.
//
// InsertAttempt is the write-ahead record of a call: it writes the attempt and its "placing" transition in one
// transaction, and the caller must not dial when it fails (locked database, full disk, read-only file).
// InsertAttemptChecked does the same after a check of the fraud limits inside the same write transaction, so
// the limits hold exactly however many sessions dial at once; RecordBlocked records what the policy refused.
//
// The audit table is append-only: triggers make SQLite itself refuse UPDATE and DELETE on it. It holds masked
// numbers only, so Purge (the retention) never needs to touch it.
package store
