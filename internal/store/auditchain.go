package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/record"
)

// The audit log is a hash chain: each entry stores the hash of the entry before it (prev_hash) and its own
// hash over that and its content. Triggers refuse UPDATE, DELETE and an INSERT (or REPLACE) over an existing
// entry; what no trigger can refuse (someone with the file and the sqlite3 shell dropping the triggers,
// rewriting rows, dropping the table or the whole database) shows as a broken chain in VerifyAudit, or, for a
// log rewritten from scratch or cut short, as a head that differs from the one logged at every start.

// AuditHead is where the audit chain ends.
type AuditHead struct {
	// Entries is how many entries the chain holds; LastID is the newest one's ID.
	Entries, LastID int64
	// Hash is the newest entry's hash (all zero for an empty log).
	Hash [sha256.Size]byte
}

// String renders the head as it is logged, e.g. "17 entries, last 17, head 3f2a…" (the full hash).
func (h AuditHead) String() string {
	return fmt.Sprintf("%d entries, last %d, head %s", h.Entries, h.LastID, hex.EncodeToString(h.Hash[:]))
}

// ChainError is a break in the audit chain: the first entry that does not follow from the ones before it.
type ChainError struct {
	// ID is the entry where the chain breaks.
	ID int64
	// Problem says how, e.g. "was changed after it was written".
	Problem string
}

// Error returns e.g. "audit log entry 17 was changed after it was written".
func (e *ChainError) Error() string { return fmt.Sprintf("audit log entry %d %s", e.ID, e.Problem) }

// auditHash is the hash of e chained to prev: SHA-256 over prev and every field of e, each length-prefixed.
func auditHash(prev []byte, e *record.AuditEntry) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte("flashcall audit v1\x00"))
	h.Write(prev)
	var n [8]byte
	for _, v := range []int64{e.ID, nanos(e.At), e.VerificationID, e.AttemptID} {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	for _, s := range []string{e.Operator, e.Remote, string(e.Action), e.Number, e.Detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// insertAuditTx appends e to the chain in tx, setting e.ID to the next ID after the newest entry.
func insertAuditTx(ctx context.Context, tx *sql.Tx, e *record.AuditEntry) error {
	var (
		last int64
		prev []byte
	)
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if len(prev) != sha256.Size {
		prev = make([]byte, sha256.Size)
	}
	e.ID = last + 1
	sum := auditHash(prev, e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit
		(id, at, operator, remote, action, number, verification_id, attempt_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, nanos(e.At), e.Operator, e.Remote, e.Action, e.Number,
		e.VerificationID, e.AttemptID, e.Detail, prev, sum[:])
	return err
}

// chainAuditTx gives every entry without a hash its place in the chain, oldest first: the step that turns
// an older, unchained log into a chain. The no-update trigger must be dropped while it runs.
func chainAuditTx(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY id`)
	if err != nil {
		return err
	}
	var all []record.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			rows.Close()
			return err
		}
		all = append(all, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	prev := make([]byte, sha256.Size)
	for i := range all {
		sum := auditHash(prev, &all[i])
		if _, err := tx.ExecContext(ctx, `UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?`,
			prev, sum[:], all[i].ID); err != nil {
			return err
		}
		prev = sum[:]
	}
	return nil
}

// AuditHead returns where the chain ends now: one lookup of the newest entry by the primary key, O(log n)
// whatever the log's length (see HeadOfChain for why that holds the count too).
func (s *Store) AuditHead(ctx context.Context) (AuditHead, error) {
	var (
		last int64
		hash []byte
	)
	err := s.r.QueryRowContext(ctx, auditHeadQuery).Scan(&last, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AuditHead{}, s.wrap("read the audit chain's head", err)
	}
	return HeadOfChain(last, hash), nil
}

// auditHeadQuery reads the newest entry: two searches of the primary key (the maximum, then its row).
const auditHeadQuery = `SELECT id, hash FROM audit WHERE id = (SELECT max(id) FROM audit)`

// HeadOfChain is the head of a chain whose newest entry has ID last and hash (0 and nil for an empty log).
// The chain numbers its entries 1, 2, 3… in order: each entry takes the ID after the newest one's, the
// triggers refuse deleting and replacing entries, and VerifyAudit refuses a chain numbered any other way. So
// the newest ID is also how many entries the chain holds, and the head needs no count over the whole log. A
// log whose entries were removed from the middle (by someone who dropped the triggers) still shows its newest
// ID here, as the hash still shows its newest entry; VerifyAudit names the gap.
func HeadOfChain(last int64, hash []byte) AuditHead {
	h := AuditHead{Entries: last, LastID: last}
	copy(h.Hash[:], hash)
	return h
}

// VerifyAudit walks the whole chain, oldest first, and returns its head, or a *ChainError naming the first
// entry that was changed, inserted, or that follows removed ones.
func (s *Store) VerifyAudit(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	rows, err := s.r.QueryContext(ctx, `SELECT `+auditColumns+`, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return h, s.wrap("verify the audit log", err)
	}
	defer rows.Close()
	var chain AuditChain
	for rows.Next() {
		var (
			e          record.AuditEntry
			at         int64
			pHash, own []byte
		)
		if err := rows.Scan(&e.ID, &at, &e.Operator, &e.Remote, &e.Action, &e.Number, &e.VerificationID,
			&e.AttemptID, &e.Detail, &pHash, &own); err != nil {
			return chain.Head(), s.wrap("verify the audit log", err)
		}
		e.At = fromNanos(at)
		if err := chain.Next(&e, pHash, own); err != nil {
			return chain.Head(), err
		}
	}
	h = chain.Head()
	if err := rows.Err(); err != nil {
		return h, s.wrap("verify the audit log", err)
	}
	return h, nil
}

// AuditHolds reports whether an entry of the audit log has hash: whether a head logged earlier is still in
// the chain.
func (s *Store) AuditHolds(ctx context.Context, hash [sha256.Size]byte) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE hash = ?`, hash[:]).Scan(&n); err != nil {
		return false, s.wrap("look for an audit chain head", err)
	}
	return n > 0, nil
}

// scanAudit reads one row of auditColumns.
func scanAudit(rows *sql.Rows) (record.AuditEntry, error) {
	var (
		e  record.AuditEntry
		at int64
	)
	err := rows.Scan(&e.ID, &at, &e.Operator, &e.Remote, &e.Action, &e.Number, &e.VerificationID, &e.AttemptID, &e.Detail)
	e.At = fromNanos(at)
	return e, err
}
