package verify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// rig is a verify service wired to the real simulator over loopback HTTP, a real SQLite file, an RCML server,
// and one fake clock shared by the simulator and the service.
type rig struct {
	t      *testing.T
	clk    *clock.Fake
	sim    *sim.Server
	simSrv *httptest.Server
	client *restcomm.Client
	st     *store.Store
	svc    *Service
	events <-chan Event
	dbPath string
	rcml   *httptest.Server
	op     record.Operator
}

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func defaultSettings() Settings {
	return Settings{
		From:         []string{"447418340465", "447418341234"},
		CodeDigits:   4,
		Timeout:      10,
		RCMLMethod:   "GET",
		PollInterval: time.Second,
		MaxChecks:    3,
		Expiry:       5 * time.Minute,
	}
}

// newRig builds the rig; edit tweaks the settings before the service is built.
func newRig(t *testing.T, edit func(*Settings)) *rig {
	t.Helper()
	r := &rig{t: t, clk: clock.NewFake(t0), op: record.Operator{Name: "alice", Remote: "local"}}
	r.sim = sim.New(sim.Options{Clock: r.clk, Seed: 7})
	r.simSrv = httptest.NewServer(r.sim)
	t.Cleanup(r.simSrv.Close)
	t.Cleanup(r.sim.Close)
	var err error
	r.client, err = restcomm.New(r.simSrv.URL+"/restcomm", r.sim.AccountSID(), r.sim.AuthToken(),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	r.dbPath = filepath.Join(t.TempDir(), "history.db")
	r.st, err = store.Open(context.Background(), r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.st.Close() })
	set := defaultSettings()
	if edit != nil {
		edit(&set)
	}
	r.svc = r.newService(set, r.client)
	h, err := rcml.NewHandler(rcml.FlashOptions{}, r.svc.CodeFor, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.rcml = httptest.NewServer(h)
	t.Cleanup(r.rcml.Close)
	r.svc.set.RCMLURL = r.rcml.URL + "/rcml.xml"
	return r
}

// newService builds a service on the rig's store and clock, subscribes to it, and starts it.
func (r *rig) newService(set Settings, calls Caller) *Service {
	r.t.Helper()
	if set.RCMLURL == "" && r.rcml != nil {
		set.RCMLURL = r.rcml.URL + "/rcml.xml"
	}
	if set.RCMLURL == "" {
		set.RCMLURL = "http://127.0.0.1:1/rcml.xml" // replaced once the RCML server exists
	}
	svc, err := New(Deps{Calls: calls, Store: r.st, Clock: r.clk, Settings: set})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(svc.Close)
	r.events, _ = svc.Subscribe()
	if err := svc.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return svc
}

// place places a call to number and fails the test on error.
func (r *rig) place(number string) Result {
	r.t.Helper()
	res, err := r.svc.Place(context.Background(), r.op, number)
	if err != nil {
		r.t.Fatalf("Place(%s): %v", number, err)
	}
	return res
}

// advance moves the shared clock forward in poll-sized steps, so every poll in between runs.
func (r *rig) advance(d time.Duration) {
	step := 250 * time.Millisecond
	for d > 0 {
		s := min(step, d)
		r.clk.Advance(s)
		d -= s
	}
}

// attempt reads an attempt back from the database.
func (r *rig) attempt(id int64) record.Attempt {
	r.t.Helper()
	a, err := r.st.GetAttempt(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return *a
}

// verification reads a verification back from the database.
func (r *rig) verification(id int64) record.Verification {
	r.t.Helper()
	v, err := r.st.GetVerification(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return *v
}

// statuses returns the call statuses an attempt's timeline went through, in order.
func (r *rig) statuses(id int64) []string {
	r.t.Helper()
	trs, err := r.st.Transitions(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, tr := range trs {
		out = append(out, tr.Status)
	}
	return out
}

// countingCaller counts create requests on top of a real client.
type countingCaller struct {
	Caller
	creates int
}

func (c *countingCaller) CreateCall(ctx context.Context, p restcomm.CallParams) ([]restcomm.Call, error) {
	c.creates++
	return c.Caller.CreateCall(ctx, p)
}

// codeOfFrom is the code the customer would read off a caller ID.
func codeOfFrom(from string) string { return from[len(from)-4:] }

var _ http.Handler = (*sim.Server)(nil)

// secondProcess builds another service on its own connection to the rig's history file, as a second flashcall
// process would be, with the same simulator and clock; edit tweaks its settings.
func (r *rig) secondProcess(edit func(*Settings)) *Service {
	r.t.Helper()
	st2, err := store.Open(context.Background(), r.dbPath)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { st2.Close() })
	set := defaultSettings()
	if edit != nil {
		edit(&set)
	}
	set.RCMLURL = r.rcml.URL + "/rcml.xml"
	svc, err := New(Deps{Calls: r.client, Store: st2, Clock: r.clk, Settings: set})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(svc.Close)
	if err := svc.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return svc
}
