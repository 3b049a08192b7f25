package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/record"
)

// placingAttempt stores a fresh write-ahead attempt and returns it.
func placingAttempt(t *testing.T, s *Store, from string) record.Attempt {
	t.Helper()
	a := record.Attempt{CreatedAt: at(0), UpdatedAt: at(0), Number: "+447700900123", From: from, State: record.StatePlacing}
	if err := s.InsertAttempt(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRCMLTokenLookupByHash(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := placingAttempt(t, s, "447418340465")
	b := placingAttempt(t, s, "447418341234")
	ha, hb := RCMLTokenHash(sha256.Sum256([]byte("token a"))), RCMLTokenHash(sha256.Sum256([]byte("token b")))
	if err := s.SetRCMLTokenHash(ctx, a.ID, ha); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRCMLTokenHash(ctx, b.ID, hb); err != nil {
		t.Fatal(err)
	}

	// Placing, then live: the hash finds its own attempt, never the other.
	for _, state := range []record.State{record.StatePlacing, record.StateLive} {
		if state != record.StatePlacing {
			a.State, a.CallSID = state, "CA0123456789abcdef0123456789abcdef"
			if err := s.UpdateAttempt(ctx, &a); err != nil { // an update keeps the token
				t.Fatal(err)
			}
		}
		got, err := s.LiveAttemptByRCMLToken(ctx, ha)
		if err != nil || got.ID != a.ID || got.From != a.From {
			t.Fatalf("%s: LiveAttemptByRCMLToken = %+v, %v; want attempt %d", state, got, err, a.ID)
		}
	}
	if got, err := s.LiveAttemptByRCMLToken(ctx, hb); err != nil || got.ID != b.ID {
		t.Fatalf("the second token found %+v, %v; want attempt %d", got, err, b.ID)
	}
	unknown := RCMLTokenHash(sha256.Sum256([]byte("nobody's token")))
	if _, err := s.LiveAttemptByRCMLToken(ctx, unknown); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown hash: %v, want ErrNotFound", err)
	}
	if _, err := s.LiveAttemptByRCMLToken(ctx, RCMLTokenHash{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("zero hash: %v, want ErrNotFound", err)
	}

	// Once the call is over (or never was), the token is spent.
	for _, state := range []record.State{record.StateEnded, record.StateUnknown, record.StateNotPlaced} {
		a.State = state
		if err := s.UpdateAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LiveAttemptByRCMLToken(ctx, ha); !errors.Is(err, ErrNotFound) {
			t.Fatalf("%s attempt: LiveAttemptByRCMLToken = %+v, %v; want ErrNotFound", state, got, err)
		}
	}
}

func TestRCMLTokenIsGivenOnceToAPlacingAttempt(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := placingAttempt(t, s, "447418340465")
	b := placingAttempt(t, s, "447418341234")
	h := RCMLTokenHash(sha256.Sum256([]byte("token")))
	if err := s.SetRCMLTokenHash(ctx, a.ID, h); err != nil {
		t.Fatal(err)
	}
	other := RCMLTokenHash(sha256.Sum256([]byte("another token")))
	if err := s.SetRCMLTokenHash(ctx, a.ID, other); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second token for one attempt: %v, want ErrNotFound", err)
	}
	if err := s.SetRCMLTokenHash(ctx, b.ID, h); err == nil {
		t.Error("two attempts were given one token")
	}
	if err := s.SetRCMLTokenHash(ctx, 999, other); !errors.Is(err, ErrNotFound) {
		t.Errorf("a token for a missing attempt: %v, want ErrNotFound", err)
	}
	ended := fullAttempt(0) // ended
	if err := s.InsertAttempt(ctx, &ended); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRCMLTokenHash(ctx, ended.ID, other); !errors.Is(err, ErrNotFound) {
		t.Errorf("a token for an ended attempt: %v, want ErrNotFound", err)
	}
	if got, err := s.LiveAttemptByRCMLToken(ctx, h); err != nil || got.ID != a.ID {
		t.Errorf("the first token moved: %+v, %v", got, err)
	}
}

// TestRCMLTokenColumnHoldsOnlyTheHash: what is stored is 32 bytes of hash, read through the index.
func TestRCMLTokenColumnHoldsOnlyTheHash(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := placingAttempt(t, s, "447418340465")
	h := RCMLTokenHash(sha256.Sum256([]byte("token")))
	if err := s.SetRCMLTokenHash(ctx, a.ID, h); err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := s.r.QueryRowContext(ctx, `SELECT rcml_path_sha256 FROM attempts WHERE id = ?`, a.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if string(stored) != string(h[:]) {
		t.Errorf("stored %x, want the hash %x", stored, h)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE attempts SET rcml_path_sha256 = x'00' WHERE id = ?`, a.ID); err == nil {
		t.Error("the column accepts a value that is not a SHA-256")
	}
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT `+attemptColumns+` FROM attempts a
		WHERE a.rcml_path_sha256 = ? AND a.state IN (?, ?)`, h[:], record.StatePlacing, record.StateLive)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "attempts_by_rcml_path") {
		t.Errorf("the look-up does not use the index: %s", p)
	}
}

// TestUpgradeFromSchema3KeepsAttemptsWithoutToken: attempts written before the tokens existed have none.
func TestUpgradeFromSchema3KeepsAttemptsWithoutToken(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := fullAttempt(0)
	if err := s.InsertAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	db := rawDB(t, path)
	for _, stmt := range append(undoSchema5, `DROP INDEX attempts_by_rcml_path`,
		`ALTER TABLE attempts DROP COLUMN rcml_path_sha256`, `PRAGMA user_version = 3`) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.GetAttempt(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, *got, a)
	var n int
	if err := s2.r.QueryRowContext(ctx, `SELECT count(*) FROM attempts WHERE rcml_path_sha256 IS NOT NULL`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d attempts with a token after the upgrade (%v), want 0", n, err)
	}
}
