package store

import (
	"context"
	"crypto/sha256"
	"io"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// AuditLog is the audit chain's part of a history engine beyond the flow's contract: what `flashcall audit
// verify`, the head logged at start-up and the audit export use. Both engines implement it.
type AuditLog interface {
	// AuditHead returns where the chain ends.
	AuditHead(ctx context.Context) (AuditHead, error)
	// VerifyAudit walks the chain and returns its head, or a *ChainError.
	VerifyAudit(ctx context.Context) (AuditHead, error)
	// AuditHolds reports whether an entry has hash.
	AuditHolds(ctx context.Context, hash [sha256.Size]byte) (bool, error)
	// ExportAudit writes the entries q selects to w, oldest first.
	ExportAudit(ctx context.Context, w io.Writer, format string, q record.AuditQuery) error
}

// Instance is one process that has the history open, as its heartbeat records it.
type Instance struct {
	// ID is the process's tracker ID (Tracker.Owner), fresh every run.
	ID string
	// Host and PID say where it runs.
	Host string
	PID  int
	// Version is the flashcall version it runs.
	Version string
	// StartedAt is when it opened the history; SeenAt its last heartbeat.
	StartedAt, SeenAt time.Time
	// Tracking is how many unfinished calls it follows now (its rows in trackers).
	Tracking int
}

// Changes are the rows that ChangedSince found.
type Changes struct {
	// Attempts are the unfinished attempts and those updated at or after the time asked for, oldest first.
	Attempts []record.Attempt
	// Verifications are the verifications updated at or after that time.
	Verifications []record.Verification
	// Callbacks are the status-callback transitions of unfinished attempts written at or after that time,
	// oldest first: a process that does not follow a call records the callbacks it receives for it there,
	// for the process that does.
	Callbacks []record.Transition
}

// Name returns the history file's path, as messages show it.
func (s *Store) Name() string { return s.path }

// Engine names the engine: "SQLite".
func (s *Store) Engine() string { return "SQLite" }

// ServerVersion returns the SQLite library's version.
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	var v string
	if err := s.r.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
		return "", s.wrap("read the SQLite version", err)
	}
	return v, nil
}
