package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

const attemptColumns = `a.id, a.verification_id, a.created_at, a.updated_at, a.ended_at, a.operator, a.remote,
	a.number, a.country, a.line_type, a.from_number, a.call_sid, a.state, a.status, a.outcome, a.ringing_seen,
	a.answered_by, a.duration, a.ring_duration, a.error, a.stale_since, a.no_call_reported`

// attemptArgs are the values of every column of a but id, in the order of attemptInsert and attemptSet.
func attemptArgs(a *record.Attempt) []any {
	return []any{nullID(a.VerificationID), store.Nanos(a.CreatedAt), store.Nanos(a.UpdatedAt),
		store.Nanos(a.EndedAt), a.Operator, a.Remote, a.Number, a.Country, a.LineType, a.From, a.CallSID,
		string(a.State), a.Status, string(a.Outcome), a.RingingSeen, a.AnsweredBy, a.Duration, a.RingDuration,
		a.Error, store.Nanos(a.StaleSince), a.NoCallReported}
}

const attemptInsert = `INSERT INTO attempts (verification_id, created_at, updated_at, ended_at, operator, remote,
	number, country, line_type, from_number, call_sid, state, status, outcome, ringing_seen, answered_by,
	duration, ring_duration, error, stale_since, no_call_reported)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
	RETURNING id`

const attemptSet = `verification_id = $1, created_at = $2, updated_at = $3, ended_at = $4, operator = $5,
	remote = $6, number = $7, country = $8, line_type = $9, from_number = $10, call_sid = $11, state = $12,
	status = $13, outcome = $14, ringing_seen = $15, answered_by = $16, duration = $17, ring_duration = $18,
	error = $19, stale_since = $20, no_call_reported = $21`

// nullID stores the "no verification" ID 0 as NULL so that the foreign key allows it.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// InsertAttempt is the write-ahead record of a call, made BEFORE the call is created: it stores a (State
// "placing" when empty) with its first transition {At: a.CreatedAt, Status: "placing", Source: "create"} in
// one transaction, and sets a.ID. It takes the placement lock, as InsertAttemptChecked does, so that a call
// written here is seen by every placement checked after it. When it fails nothing is stored and the caller
// must not dial.
func (s *Store) InsertAttempt(ctx context.Context, a *record.Attempt) error {
	const op = "insert attempt"
	if a.State == "" {
		a.State = record.StatePlacing
	}
	if !a.State.Valid() {
		return fmt.Errorf("%s: unknown attempt state %q", op, a.State)
	}
	var id int64
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.placementKey); err != nil {
			return err
		}
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
func insertAttemptTx(ctx context.Context, tx pgx.Tx, a *record.Attempt, status record.State, source record.Source, detail string) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, attemptInsert, attemptArgs(a)...).Scan(&id); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `INSERT INTO transitions (attempt_id, at, status, source, detail)
		VALUES ($1, $2, $3, $4, $5)`, id, store.Nanos(a.CreatedAt), string(status), string(source), detail)
	return id, err
}

// UpdateAttempt writes every field of a over the stored attempt a.ID.
func (s *Store) UpdateAttempt(ctx context.Context, a *record.Attempt) error {
	const op = "update attempt"
	if !a.State.Valid() {
		return fmt.Errorf("%s %d: unknown attempt state %q", op, a.ID, a.State)
	}
	return s.write(ctx, op, func(tx pgx.Tx) error { return updateAttemptTx(ctx, tx, a) })
}

// updateAttemptTx writes every field of a over the stored attempt a.ID in tx.
func updateAttemptTx(ctx context.Context, tx pgx.Tx, a *record.Attempt) error {
	if !a.State.Valid() {
		return fmt.Errorf("attempt %d: unknown attempt state %q", a.ID, a.State)
	}
	tag, err := tx.Exec(ctx, `UPDATE attempts SET `+attemptSet+` WHERE id = $22`, append(attemptArgs(a), a.ID)...)
	if err != nil {
		return err
	}
	return mustAffect(tag, "attempt", a.ID)
}

// GetAttempt returns attempt id, or an error matching store.ErrNotFound.
func (s *Store) GetAttempt(ctx context.Context, id int64) (*record.Attempt, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+attemptColumns+` FROM attempts a WHERE a.id = $1`, id)
	var a record.Attempt
	err := scanAttempt(row, &a)
	if errors.Is(err, pgx.ErrNoRows) {
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
		WHERE a.verification_id = $1 ORDER BY a.created_at, a.id`, verificationID)
}

// UnfinishedAttempts returns the attempts whose state is placing, live or unknown, oldest first: the ones a
// process that stopped may have left behind, to be reconciled (never dialled again).
func (s *Store) UnfinishedAttempts(ctx context.Context) ([]record.Attempt, error) {
	return s.attempts(ctx, "list unfinished attempts", `SELECT `+attemptColumns+` FROM attempts a
		WHERE a.`+store.UnfinishedWhere+` ORDER BY a.created_at, a.id`)
}

func (s *Store) attempts(ctx context.Context, op, query string, args ...any) ([]record.Attempt, error) {
	out, err := attemptsIn(ctx, s.pool, query, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	return out, nil
}

// rowQuerier is a pool or a transaction, for queries.
type rowQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// attemptsIn runs an attempts query on q.
func attemptsIn(ctx context.Context, q rowQuerier, query string, args ...any) ([]record.Attempt, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Attempt
	for rows.Next() {
		var a record.Attempt
		if err := scanAttempt(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// scanAttempt reads the attemptColumns, followed by extra destinations, into a.
func scanAttempt(row pgx.Row, a *record.Attempt, extra ...any) error {
	var (
		vid                            *int64
		created, updated, ended, stale int64
		state, outcome                 string
	)
	dest := append([]any{&a.ID, &vid, &created, &updated, &ended, &a.Operator, &a.Remote, &a.Number,
		&a.Country, &a.LineType, &a.From, &a.CallSID, &state, &a.Status, &outcome, &a.RingingSeen,
		&a.AnsweredBy, &a.Duration, &a.RingDuration, &a.Error, &stale, &a.NoCallReported}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	a.VerificationID = 0
	if vid != nil {
		a.VerificationID = *vid
	}
	a.State, a.Outcome = record.State(state), record.Outcome(outcome)
	a.CreatedAt, a.UpdatedAt, a.EndedAt = store.FromNanos(created), store.FromNanos(updated), store.FromNanos(ended)
	a.StaleSince = store.FromNanos(stale)
	return nil
}

// LastFrom returns the caller ID of the newest attempt to number that has one ("" when none), so the next call
// can carry another code.
func (s *Store) LastFrom(ctx context.Context, number string) (string, error) {
	var from string
	err := s.pool.QueryRow(ctx, `SELECT from_number FROM attempts WHERE number = $1 AND from_number <> ''
		ORDER BY created_at DESC, id DESC LIMIT 1`, number).Scan(&from)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.wrap("last caller ID", err)
	}
	return from, nil
}
