package tui

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// Flow settings: what the console shows and what the steps below advance the clock by.
const (
	flowTimeout      = 10 // seconds of ringing before the simulator ends a call canceled
	flowPollInterval = time.Second
	flowMaxChecks    = 3
	flowExpiry       = 5 * time.Minute
)

// flowPool is the caller-ID pool: one number, so golden screens that show a verified caller ID are repeatable.
var flowPool = []string{"447418340465"}

// harness is a real verify.Service on the simulator: restcomm/sim behind an httptest server, the restcomm
// client, an RCML server for answered calls, a store file in a temporary directory, and one fake clock
// shared by the simulator and the service.
type harness struct {
	t     *testing.T
	clk   *clock.Fake
	sim   *sim.Server
	store *store.Store
	svc   *verify.Service
	shown bytes.Buffer // everything the screen showed in the waits so far
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(testStart)

	// The RCML handler looks codes up in the service, which needs the handler's URL first.
	var svcRef atomic.Pointer[verify.Service]
	rcmlHandler, err := rcml.NewHandler(rcml.FlashOptions{}, func(ctx context.Context, token string) (string, bool) {
		if s := svcRef.Load(); s != nil {
			return s.CodeFor(ctx, token)
		}
		return "", false
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcmlServer := httptest.NewServer(rcmlHandler)
	t.Cleanup(rcmlServer.Close)

	simServer := sim.New(sim.Options{Clock: clk, Seed: 1})
	simHTTP := httptest.NewServer(simServer)
	t.Cleanup(simHTTP.Close)
	t.Cleanup(simServer.Close)

	// GETs are retried as in production, but at once: the backoff waits wall-clock time, which a flow whose
	// simulator fails every GET would spend on each of its polls.
	client, err := restcomm.New(simHTTP.URL+"/restcomm", simServer.AccountSID(), simServer.AuthToken(),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 3}))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	svc, err := verify.New(verify.Deps{
		Calls: client,
		Store: st,
		Clock: clk,
		Settings: verify.Settings{
			From: flowPool, CodeDigits: 4, Timeout: flowTimeout,
			RCMLURL: rcmlServer.URL, RCMLMethod: "GET",
			PollInterval: flowPollInterval, MaxChecks: flowMaxChecks, Expiry: flowExpiry, DefaultRegion: "GB",
		},
		Info: verify.Info{Simulated: true, Backend: "SIMULATOR"},
	})
	if err != nil {
		t.Fatal(err)
	}
	svcRef.Store(svc)
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: the service closes before the store and the servers it uses.
	t.Cleanup(svc.Close)
	return &harness{t: t, clk: clk, sim: simServer, store: st, svc: svc}
}

// model builds a console session on the harness's service, drawing without colour and on its fake clock.
func (h *harness) model() *Model {
	return New(h.svc, Options{
		Operator:  record.Operator{Name: "alice", Remote: "local", Role: record.RoleSupervisor},
		Renderer:  asciiRenderer(),
		Now:       h.clk.Now,
		Location:  time.UTC,
		NoticeTTL: time.Hour, // notices stay put, so what the final screen shows does not race a timer
	})
}

// start runs a console session at 80x24 and waits until it has loaded the history.
func (h *harness) start() *teatest.TestModel {
	h.t.Helper()
	tm := teatest.NewTestModel(h.t, h.model(), teatest.WithInitialTermSize(80, 24))
	h.t.Cleanup(func() { _ = tm.Quit() })
	h.waitFor(tm, "History (")
	return tm
}

// advance moves the shared clock; the simulator's call steps and the service's polls that fall due run
// before it returns.
func (h *harness) advance(d time.Duration) { h.clk.Advance(d) }

// code is what the customer reads off the missed call: the last four digits of the caller ID the newest
// attempt to number used. The test learns it from the store, as the customer learns it from the handset;
// the console never shows it.
func (h *harness) code(number string) string {
	h.t.Helper()
	rows, err := h.svc.History(context.Background(), 10)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Number == number {
			return r.From[len(r.From)-4:]
		}
	}
	h.t.Fatalf("no attempt to %s in the history", number)
	return ""
}

// waitFor waits until the screen has shown every one of the texts (each a literal or, between slashes, a
// regular expression) since the last wait, and returns what it saw.
func (h *harness) waitFor(tm *teatest.TestModel, texts ...string) string {
	h.t.Helper()
	var seen []byte
	teatest.WaitFor(h.t, tm.Output(), func(b []byte) bool {
		seen = b
		for _, want := range texts {
			if strings.HasPrefix(want, "/") && strings.HasSuffix(want, "/") && len(want) > 1 {
				if !regexp.MustCompile(want[1 : len(want)-1]).Match(b) {
					return false
				}
				continue
			}
			if !bytes.Contains(b, []byte(want)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	h.shown.Write(seen)
	return string(seen)
}

// dial types a number into the console and places the call, then waits until the call is live.
func (h *harness) dial(tm *teatest.TestModel, number string) {
	h.t.Helper()
	tm.Type(number)
	h.waitFor(tm, "✓ "+number)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The answer to Place too, not only the live row: a number typed next must not find a call being placed.
	h.waitFor(tm, "Live calls (1)", "queued", "/calling "+regexp.QuoteMeta(record.MaskNumber(number))+" (again )?from/")
}

// deliveredNotice is the notice line the delivered call to number raises.
func deliveredNotice(number string) string {
	return record.MaskNumber(number) + " delivered: press c to enter the code"
}

// readBack waits for the notice of the call to number (and for the texts in also), then opens its read-back
// with c, as the operator does, and waits for the code entry; it returns what the screen showed.
func (h *harness) readBack(tm *teatest.TestModel, number string, also ...string) string {
	h.t.Helper()
	seen := h.waitFor(tm, append([]string{deliveredNotice(number)}, also...)...)
	tm.Send(runes("c"))
	return seen + h.waitFor(tm, "Read-back for "+record.MaskNumber(number), askPrompt)
}

// finish quits the console and returns its final model.
func (h *harness) finish(tm *teatest.TestModel) *Model {
	h.t.Helper()
	if err := tm.Quit(); err != nil {
		h.t.Fatal(err)
	}
	m := tm.FinalModel(h.t, teatest.WithFinalTimeout(15*time.Second)).(*Model)
	// The token authenticates every request the service made; it must never reach an operator's screen.
	if token := h.sim.AuthToken(); bytes.Contains(h.shown.Bytes(), []byte(token)) || strings.Contains(m.View(), token) {
		h.t.Fatal("the auth token was on screen")
	}
	if !bytes.Contains(h.shown.Bytes(), []byte("SIMULATED CALLS")) {
		h.t.Fatal("the screen never said that calls are simulated")
	}
	return m
}

// row returns the final model's history row for the newest attempt to number.
func row(t *testing.T, m *Model, number string) record.HistoryRow {
	t.Helper()
	for i := range m.history.Len() {
		if r := shownRows(m)[i]; r.Number == number {
			return r
		}
	}
	t.Fatalf("no history row for %s", number)
	return record.HistoryRow{}
}
