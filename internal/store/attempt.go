package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// unfinishedWhere selects the attempts reconciliation must look at; the partial index uses the same text.
const unfinishedWhere = `state IN ('placing', 'live', 'unknown')`

const attemptColumns = `a.id, a.verification_id, a.created_at, a.updated_at, a.ended_at, a.operator, a.remote,
	a.number, a.country, a.line_type, a.from_number, a.call_sid, a.state, a.status, a.outcome, a.ringing_seen,
	a.answered_by, a.duration, a.ring_duration, a.error, a.stale_since, a.no_call_reported`

// attemptArgs are the values of every column of a but id, in the order of the INSERT and UPDATE statements.
func attemptArgs(a *record.Attempt) []any {
	return []any{nullID(a.VerificationID), nanos(a.CreatedAt), nanos(a.UpdatedAt), nanos(a.EndedAt),
		a.Operator, a.Remote, a.Number, a.Country, a.LineType, a.From, a.CallSID, a.State, a.Status, a.Outcome,
		a.RingingSeen, a.AnsweredBy, a.Duration, a.RingDuration, a.Error, nanos(a.StaleSince), a.NoCallReported}
}

const attemptSet = `verification_id = ?, created_at = ?, updated_at = ?, ended_at = ?, operator = ?, remote = ?,
	number = ?, country = ?, line_type = ?, from_number = ?, call_sid = ?, state = ?, status = ?, outcome = ?,
	ringing_seen = ?, answered_by = ?, duration = ?, ring_duration = ?, error = ?, stale_since = ?,
	no_call_reported = ?`

// nullID stores the "no verification" ID 0 as NULL so that the foreign key allows it.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

// InsertAttempt is the write-ahead record of a call, made BEFORE the call is created: it stores a (State
// "placing" when empty) together with its first Transition {At: a.CreatedAt, Status: "placing", Source:
// "create"} in one transaction, and sets a.ID. When it fails (locked database, full disk, read-only file:
// errors.Is with ErrLocked, ErrDiskFull, ErrReadOnly) nothing is stored and the caller must not dial.
func (s *Store) InsertAttempt(ctx context.Context, a *record.Attempt) error {
	const op = "insert attempt"
	if a.State == "" {
		a.State = record.StatePlacing
	}
	if !a.State.Valid() {
		return fmt.Errorf("%s: unknown attempt state %q", op, a.State)
	}
	var id int64
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		var err error
		id, err = insertAttemptTx(ctx, tx, a, record.StatePlacing, record.SourceCreate, "")
		return err
	})
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// insertAttemptTx inserts a and its first transition (status, source, detail, at a.CreatedAt) in tx and
// returns the new attempt's ID.
func insertAttemptTx(ctx context.Context, tx *sql.Tx, a *record.Attempt, status record.State, source record.Source, detail string) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO attempts (verification_id, created_at, updated_at,
		ended_at, operator, remote, number, country, line_type, from_number, call_sid, state, status, outcome,
		ringing_seen, answered_by, duration, ring_duration, error, stale_since, no_call_reported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, attemptArgs(a)...)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
		VALUES (?, ?, ?, ?, ?)`, id, nanos(a.CreatedAt), status, source, detail)
	return id, err
}

// UpdateAttempt writes every field of a over the stored attempt a.ID.
func (s *Store) UpdateAttempt(ctx context.Context, a *record.Attempt) error {
	const op = "update attempt"
	if !a.State.Valid() {
		return fmt.Errorf("%s %d: unknown attempt state %q", op, a.ID, a.State)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error { return updateAttemptTx(ctx, tx, a) })
}

// updateAttemptTx writes every field of a over the stored attempt a.ID in tx.
func updateAttemptTx(ctx context.Context, tx *sql.Tx, a *record.Attempt) error {
	if !a.State.Valid() {
		return fmt.Errorf("attempt %d: unknown attempt state %q", a.ID, a.State)
	}
	res, err := tx.ExecContext(ctx, `UPDATE attempts SET `+attemptSet+` WHERE id = ?`, append(attemptArgs(a), a.ID)...)
	if err != nil {
		return err
	}
	return mustAffect(res, "attempt", a.ID)
}

// GetAttempt returns attempt id, or an error matching ErrNotFound.
func (s *Store) GetAttempt(ctx context.Context, id int64) (*record.Attempt, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts a WHERE a.id = ?`, id)
	var a record.Attempt
	err := scanAttempt(row, &a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("attempt", id)
	}
	if err != nil {
		return nil, s.wrap("get attempt", err)
	}
	return &a, nil
}

// AttemptsFor returns the attempts of a verification, oldest first.
func (s *Store) AttemptsFor(ctx context.Context, verificationID int64) ([]record.Attempt, error) {
	return s.attempts(ctx, "list attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.verification_id = ? ORDER BY a.created_at, a.id`, verificationID)
}

// UnfinishedAttempts returns the attempts whose state is placing, live or unknown, oldest first: the ones a
// process that stopped may have left behind, to be reconciled (never dialled again).
func (s *Store) UnfinishedAttempts(ctx context.Context) ([]record.Attempt, error) {
	return s.attempts(ctx, "list unfinished attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.`+unfinishedWhere+` ORDER BY a.created_at, a.id`)
}

func (s *Store) attempts(ctx context.Context, op, query string, args ...any) ([]record.Attempt, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []record.Attempt
	for rows.Next() {
		var a record.Attempt
		if err := scanAttempt(rows, &a); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanAttempt reads the attemptColumns, followed by extra destinations, into a.
func scanAttempt(sc scanner, a *record.Attempt, extra ...any) error {
	var (
		vid                            sql.NullInt64
		created, updated, ended, stale int64
	)
	dest := append([]any{&a.ID, &vid, &created, &updated, &ended, &a.Operator, &a.Remote, &a.Number,
		&a.Country, &a.LineType, &a.From, &a.CallSID, &a.State, &a.Status, &a.Outcome, &a.RingingSeen,
		&a.AnsweredBy, &a.Duration, &a.RingDuration, &a.Error, &stale, &a.NoCallReported}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	a.VerificationID = vid.Int64
	a.CreatedAt, a.UpdatedAt, a.EndedAt = fromNanos(created), fromNanos(updated), fromNanos(ended)
	a.StaleSince = fromNanos(stale)
	return nil
}

// LastFrom returns the caller ID of the newest attempt to number that has one ("" when none), so the next call
// can carry another code.
func (s *Store) LastFrom(ctx context.Context, number string) (string, error) {
	var from string
	err := s.r.QueryRowContext(ctx, `SELECT from_number FROM attempts WHERE number = ? AND from_number != ''
		ORDER BY created_at DESC, id DESC LIMIT 1`, number).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.wrap("last caller ID", err)
	}
	return from, nil
}
