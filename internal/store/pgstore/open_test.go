package pgstore_test

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store/pgstore"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://alice:s3cret@db.example:5432/flashcall?sslmode=require": "postgres://alice:xxxxx@db.example:5432/flashcall?sslmode=require",
		"postgresql://alice@db.example/flashcall":                           "postgresql://alice@db.example/flashcall",
		"postgres://alice:p%40ss@h1:5432,h2:5432/fc":                        "postgres://alice:xxxxx@h1:5432,h2:5432/fc",
		"postgres://alice:a:b@c@host/fc":                                    "postgres://alice:xxxxx@host/fc",
		"postgres:///fc?host=/run/postgresql&password=s3cret&user=alice":    "postgres:///fc?host=/run/postgresql&password=xxxxx&user=alice",
		"postgres://alice:s3cret@host":                                      "postgres://alice:xxxxx@host",
		"host=db password=s3cret":                                           "(a connection string that is not a URL)",
	} {
		if got := pgstore.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenErrorsHideThePassword: whatever fails, no error repeats the password.
func TestOpenErrorsHideThePassword(t *testing.T) {
	const pw = "Sup3rSecretPassw0rd"
	for _, u := range []string{
		"mysql://alice:" + pw + "@127.0.0.1/fc",
		"host=127.0.0.1 password=" + pw,
		"postgres://alice:" + pw + "@127.0.0.1:1/fc?sslmode=disable&connect_timeout=2",   // nothing listens
		"postgres://alice:" + pw + "@127.0.0.1:99999/fc?sslmode=disable",                 // a bad port
		"postgres://alice:" + pw + "@/fc?host=/nonexistent/socket/dir&connect_timeout=2", // no such socket
		"postgres://alice:" + pw + "@127.0.0.1/fc?sslmode=bogus",
	} {
		_, err := pgstore.Open(t.Context(), u)
		if err == nil {
			t.Errorf("%s: opened", pgstore.Redact(u))
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), url.QueryEscape(pw)) {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}

// TestWrongPasswordIsRefusedWithoutEchoingIt: against the tests' server, over TCP.
func TestWrongPasswordIsRefusedWithoutEchoingIt(t *testing.T) {
	u, err := url.Parse(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Wr0ngPasswordForTheTests"
	u.User = url.UserPassword(u.User.Username(), pw)
	_, err = pgstore.Open(t.Context(), u.String())
	if err == nil {
		t.Fatal("opened with a wrong password")
	}
	if strings.Contains(err.Error(), pw) {
		t.Fatalf("the error repeats the password: %v", err)
	}
	if !strings.Contains(err.Error(), "xxxxx") {
		t.Errorf("the error does not name the database (redacted): %v", err)
	}
}

// TestOpenOverUnixSocket: a postgres:// URL naming a socket directory (host=/path) works as a TCP one does.
// $FLASHCALL_TEST_POSTGRES_SOCKET_URL names it (.ci/postgres.sh sets it, as the README's test command runs).
func TestOpenOverUnixSocket(t *testing.T) {
	u := os.Getenv("FLASHCALL_TEST_POSTGRES_SOCKET_URL")
	if u == "" {
		t.Fatal("$FLASHCALL_TEST_POSTGRES_SOCKET_URL is not set: run the tests as the README says, " +
			"after `eval \"$(bash .ci/postgres.sh)\"`")
	}
	testURL(t)
	parsed, err := url.Parse(schemaURL(t)) // a schema of its own, reached over the socket
	if err != nil {
		t.Fatal(err)
	}
	sock, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := sock.Query()
	q.Set("search_path", parsed.Query().Get("search_path"))
	sock.RawQuery = q.Encode()
	s := open(t, sock.String())
	a := record.Attempt{Number: "+447400123450", CreatedAt: time.Unix(0, 1).UTC()}
	if err := s.InsertAttempt(t.Context(), &a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetAttempt(t.Context(), a.ID); err != nil || got.Number != a.Number {
		t.Fatalf("GetAttempt = %+v, %v", got, err)
	}
	if pw, ok := sock.User.Password(); ok && strings.Contains(s.Name(), pw) {
		t.Errorf("Name() = %q holds the password", s.Name())
	}
	var addr *string // the client's address: NULL over a unix socket
	if err := raw(t, sock.String()).QueryRow(t.Context(), `SELECT inet_client_addr()::text`).Scan(&addr); err != nil || addr != nil {
		t.Fatalf("connected from %v, %v; want a unix socket", addr, err)
	}
}
