package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/rcml"
)

// openSim opens the app on the embedded simulator with a fake clock, the [rcml] text given, and its log kept.
func openSim(t *testing.T, text string) (*App, *clock.Fake, *syncbuf.Buffer) {
	t.Helper()
	cfg := config.Default()
	cfg.RCML.Text = text
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.History.Path = filepath.Join(t.TempDir(), "history.db")
	logs := &syncbuf.Buffer{}
	clk := clock.NewFake(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	a, err := Open(context.Background(), cfg, Options{
		Getenv: func(string) string { return "" },
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Clock:  clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, clk, logs
}

// get fetches u the way Restcomm does with GET: its query replaced by Restcomm's parameters for callSID.
func get(t *testing.T, u, callSID string) string {
	t.Helper()
	u, _, _ = strings.Cut(u, "?")
	resp, err := http.Get(u + "?CallSid=" + callSID + "&CallStatus=in-progress&Direction=outbound-api")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d, want 200", u, resp.StatusCode)
	}
	return string(b)
}

// TestSpokenCodeOnlyAtTheCallsOwnAddress wires the whole server: with {code} in the text every call gets its
// own address, the simulator's answered call finds its code there, and the shared address, the call's SID
// and the doctor's probe address hear only the neutral phrase.
func TestSpokenCodeOnlyAtTheCallsOwnAddress(t *testing.T) {
	a, clk, logs := openSim(t, "Your code is {code}.")
	base, ok := strings.CutSuffix(a.RCMLURL, rcml.TokenPath+probeToken)
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("RCMLURL %q is not the per-call form on loopback", a.RCMLURL)
	}
	op := record.Operator{Name: "alice", Remote: "local"}
	res, err := a.Service.Place(context.Background(), op, "+447400123456") // the simulator answers it after ~2 s
	if err != nil {
		t.Fatal(err)
	}
	sid := res.Attempt.CallSID
	neutral := "Your code is " + rcml.NoCodePhrase + "."
	for _, u := range []string{a.RCMLURL, base + rcml.StaticPath, base + rcml.TokenPath, base + rcml.TokenPath + sid,
		base + rcml.TokenPath + sid + "/x"} {
		if body := get(t, u, sid); !strings.Contains(body, neutral) {
			t.Errorf("GET %s with the live call's CallSid: %q, want the neutral phrase", u, body)
		}
	}
	if out := logs.String(); strings.Contains(out, "code_found=true") {
		t.Fatalf("a fetch without the call's token found the code:\n%s", out)
	}
	for range 12 { // to 3 s, in poll-sized steps: the answer and its RCML fetch happen inside Advance
		clk.Advance(250 * time.Millisecond)
	}
	out := logs.String()
	if strings.Count(out, "code_found=true") != 1 {
		t.Fatalf("the answered call's fetch did not find its code:\n%s", out)
	}
	code := res.Attempt.From[len(res.Attempt.From)-4:]
	if strings.Contains(out, rcml.SpeakDigits(code)) { // the bare digits could be in any SID or port
		t.Errorf("the log holds the code:\n%s", out)
	}
}

// TestSharedDocumentWithoutTheCode: nothing in the document depends on the call, so every call shares one
// address and no token is made.
func TestSharedDocumentWithoutTheCode(t *testing.T) {
	a, _, _ := openSim(t, "Your phone number has been confirmed.")
	if !strings.HasSuffix(a.RCMLURL, rcml.StaticPath) {
		t.Fatalf("RCMLURL %q, want the shared %s", a.RCMLURL, rcml.StaticPath)
	}
	if body := get(t, a.RCMLURL, "CA0"); !strings.Contains(body, "Your phone number has been confirmed.") {
		t.Errorf("shared document %q", body)
	}
}
