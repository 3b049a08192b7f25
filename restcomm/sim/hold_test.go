package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// holdRig is a simulator behind a Holder, served over real loopback HTTP (holding needs real connections).
type holdRig struct {
	t    *testing.T
	srv  *sim.Server
	hold *sim.Holder
	http *httptest.Server
}

func newHoldRig(t *testing.T, ops ...sim.Op) *holdRig {
	t.Helper()
	srv := sim.New(sim.Options{Clock: clock.NewFake(epoch())})
	h := sim.NewHolder(srv, ops...)
	mux := http.NewServeMux()
	mux.Handle(sim.ControlPrefix, h.ControlHandler())
	mux.Handle("/", h)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); hs.Close(); srv.Close() })
	return &holdRig{t: t, srv: srv, hold: h, http: hs}
}

// reply is what a client got: a status and body, or a transport error.
type reply struct {
	status int
	body   string
	err    error
}

// send makes one authenticated API request in the background; form, when not nil, is the body.
func (r *holdRig) send(ctx context.Context, method, path string, form url.Values) <-chan reply {
	ch := make(chan reply, 1)
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, r.http.URL+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	req.SetBasicAuth(r.srv.AccountSID(), r.srv.AuthToken())
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			ch <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ch <- reply{status: resp.StatusCode, body: string(b), err: err}
	}()
	return ch
}

func (r *holdRig) callsPath() string {
	return "/restcomm/2012-04-24/Accounts/" + r.srv.AccountSID() + "/Calls.json"
}

func (r *holdRig) create(ctx context.Context, to string) <-chan reply {
	return r.send(ctx, http.MethodPost, r.callsPath(),
		url.Values{"From": {"+447418340465"}, "To": {to}, "Url": {"http://127.0.0.1:1/x.xml"}})
}

// waitOne waits until exactly one request is held and returns it.
func (r *holdRig) waitOne() sim.HeldRequest {
	r.t.Helper()
	held, err := r.hold.WaitHeld(context.Background(), 1)
	if err != nil || len(held) != 1 {
		r.t.Fatalf("held %v (%v), want one request", held, err)
	}
	return held[0]
}

func TestHeldCreateIsProcessedOnRelease(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	got := r.create(context.Background(), "+447400123450")
	held := r.waitOne()
	if held.Op != sim.OpCreate || held.To != "+447400123450" || held.From != "+447418340465" || held.ID != 1 {
		t.Fatalf("held %+v", held)
	}
	if n := len(r.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed while the create is held", n)
	}
	res, err := r.hold.Release(context.Background(), 0, sim.ReleaseProcess)
	if err != nil || res.Status != http.StatusOK || len(res.SIDs) != 1 {
		t.Fatalf("release: %+v %v", res, err)
	}
	rep := <-got
	if rep.err != nil || rep.status != http.StatusOK || !strings.Contains(rep.body, res.SIDs[0]) {
		t.Fatalf("client got %d %q (%v), want the call %s", rep.status, rep.body, rep.err, res.SIDs[0])
	}
	if log := r.srv.CallLog(); len(log) != 1 || log[0].SID != res.SIDs[0] {
		t.Fatalf("call log %+v", log)
	}
	if held := r.hold.Held(); len(held) != 0 {
		t.Fatalf("still held after release: %+v", held)
	}
}

func TestHeldCreateDroppedPlacesNoCall(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	got := r.create(context.Background(), "+447400123450")
	r.waitOne()
	res, err := r.hold.Release(context.Background(), 0, sim.ReleaseDrop)
	if err != nil || res.Status != 0 || len(res.SIDs) != 0 {
		t.Fatalf("release: %+v %v", res, err)
	}
	if rep := <-got; rep.err == nil {
		t.Fatalf("client got %d %q, want the connection closed", rep.status, rep.body)
	}
	if n := len(r.srv.CallLog()); n != 0 {
		t.Fatalf("a dropped create placed %d calls", n)
	}
}

func TestHeldCreateWithoutReplyPlacesTheCall(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	got := r.create(context.Background(), "+447400123450")
	r.waitOne()
	res, err := r.hold.Release(context.Background(), 0, sim.ReleaseNoReply)
	if err != nil || res.Status != http.StatusOK || len(res.SIDs) != 1 {
		t.Fatalf("release: %+v %v", res, err)
	}
	if rep := <-got; rep.err == nil {
		t.Fatalf("client got %d %q, want no reply", rep.status, rep.body)
	}
	if log := r.srv.CallLog(); len(log) != 1 || log[0].SID != res.SIDs[0] {
		t.Fatalf("call log %+v, want the call %s", log, res.SIDs[0])
	}
}

// TestHeldCreateOutlivesItsClient: a create whose client gave up while it was held is still processed on
// release, as Restcomm places a call whose client died.
func TestHeldCreateOutlivesItsClient(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	ctx, cancel := context.WithCancel(context.Background())
	got := r.create(ctx, "+447400123450")
	r.waitOne()
	cancel()
	if rep := <-got; !errors.Is(rep.err, context.Canceled) {
		t.Fatalf("client: %+v, want canceled", rep)
	}
	res, err := r.hold.Release(context.Background(), 0, sim.ReleaseProcess)
	if err != nil || res.Status != http.StatusOK || len(res.SIDs) != 1 {
		t.Fatalf("release: %+v %v", res, err)
	}
	if log := r.srv.CallLog(); len(log) != 1 || log[0].To != "+447400123450" {
		t.Fatalf("call log %+v, want the call the dead client asked for", log)
	}
}

// TestHeldCreateMeetsDropAfterCreate: a released create still goes through the server's own faults.
func TestHeldCreateMeetsDropAfterCreate(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	r.srv.SetFaults(sim.Faults{DropAfterCreate: 1})
	got := r.create(context.Background(), "+447400123450")
	r.waitOne()
	res, err := r.hold.Release(context.Background(), 0, sim.ReleaseProcess)
	if err != nil {
		t.Fatal(err)
	}
	if rep := <-got; rep.err == nil {
		t.Fatalf("client got %d %q, want the dropped connection", rep.status, rep.body)
	}
	if n := len(r.srv.CallLog()); n != 1 || res.Status != 0 {
		t.Fatalf("%d calls, status %d: want the call placed and no reply", n, res.Status)
	}
}

func TestHoldOnlyTheChosenOperations(t *testing.T) {
	r := newHoldRig(t, sim.OpList)
	created := <-r.create(context.Background(), "+447400123450")
	if created.err != nil || created.status != http.StatusOK {
		t.Fatalf("create while lists are held: %+v", created)
	}
	got := r.send(context.Background(), http.MethodGet, r.callsPath()+"?To=447400123450", nil)
	if held := r.waitOne(); held.Op != sim.OpList || held.To != "447400123450" {
		t.Fatalf("held %+v, want the list", held)
	}
	r.hold.SetHold()
	if rep := <-r.send(context.Background(), http.MethodGet, r.callsPath(), nil); rep.status != http.StatusOK {
		t.Fatalf("list after SetHold(): %+v", rep)
	}
	if _, err := r.hold.Release(context.Background(), 0, sim.ReleaseProcess); err != nil {
		t.Fatal(err)
	}
	if rep := <-got; rep.status != http.StatusOK || !strings.Contains(rep.body, "447400123450") {
		t.Fatalf("released list: %+v", rep)
	}
	if _, err := r.hold.Release(context.Background(), 0, sim.ReleaseProcess); !errors.Is(err, sim.ErrNotHeld) {
		t.Fatalf("release with nothing held: %v, want ErrNotHeld", err)
	}
	if _, err := r.hold.Release(context.Background(), 0, "later"); err == nil {
		t.Fatal("an unknown mode was accepted")
	}
}

func TestHolderCloseDropsWhatIsHeld(t *testing.T) {
	r := newHoldRig(t, sim.OpCreate)
	got := r.create(context.Background(), "+447400123450")
	r.waitOne()
	r.hold.Close()
	if rep := <-got; rep.err == nil {
		t.Fatalf("client got %d after Close, want the connection closed", rep.status)
	}
	if rep := <-r.create(context.Background(), "+447400123460"); rep.status != http.StatusOK {
		t.Fatalf("create after Close: %+v, want it to pass", rep)
	}
	if n := len(r.srv.CallLog()); n != 1 {
		t.Fatalf("%d calls, want only the one after Close", n)
	}
}

func TestParseOps(t *testing.T) {
	ops, err := sim.ParseOps(" Create,list,create ")
	if err != nil || len(ops) != 2 || ops[0] != sim.OpCreate || ops[1] != sim.OpList {
		t.Fatalf("ParseOps: %v %v", ops, err)
	}
	if ops, err := sim.ParseOps("none"); err != nil || len(ops) != 0 {
		t.Fatalf("none: %v %v", ops, err)
	}
	if _, err := sim.ParseOps("create,hangup"); err == nil {
		t.Fatal("an unknown operation was accepted")
	}
}

// control makes one request to the control endpoints.
func (r *holdRig) control(method, pathQuery string, auth bool) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.http.URL+pathQuery, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(r.srv.AccountSID(), r.srv.AuthToken())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHoldControlEndpoints(t *testing.T) {
	r := newHoldRig(t)
	if code, _ := r.control(http.MethodGet, "/sim/held", false); code != http.StatusUnauthorized {
		t.Fatalf("without credentials: HTTP %d, want 401", code)
	}
	if code, body := r.control(http.MethodPost, "/sim/hold?ops=create,bogus", true); code != http.StatusBadRequest {
		t.Fatalf("bad ops: HTTP %d %q", code, body)
	}
	if code, body := r.control(http.MethodPost, "/sim/hold?ops=create", true); code != http.StatusOK || !strings.Contains(body, `"holding":["create"]`) {
		t.Fatalf("hold: HTTP %d %q", code, body)
	}
	got := r.create(context.Background(), "+447400123450")
	code, body := r.control(http.MethodGet, "/sim/held?min=1&timeout=1m", true)
	var held struct {
		Holding []sim.Op
		Held    []sim.HeldRequest
	}
	if err := json.Unmarshal([]byte(body), &held); err != nil || code != http.StatusOK || len(held.Held) != 1 ||
		held.Held[0].To != "+447400123450" {
		t.Fatalf("held: HTTP %d %q (%v)", code, body, err)
	}
	if code, _ := r.control(http.MethodPost, "/sim/release?mode=sometime", true); code != http.StatusBadRequest {
		t.Fatalf("bad mode: HTTP %d", code)
	}
	if code, _ := r.control(http.MethodPost, "/sim/release?mode=process&id=99", true); code != http.StatusNotFound {
		t.Fatalf("unknown id: HTTP %d", code)
	}
	code, body = r.control(http.MethodPost, "/sim/release?mode=process&id=1", true)
	var res sim.Released
	if err := json.Unmarshal([]byte(body), &res); err != nil || code != http.StatusOK || res.Mode != sim.ReleaseProcess ||
		res.Status != http.StatusOK || len(res.SIDs) != 1 {
		t.Fatalf("release: HTTP %d %q (%v)", code, body, err)
	}
	if rep := <-got; rep.status != http.StatusOK || !strings.Contains(rep.body, res.SIDs[0]) {
		t.Fatalf("client: %+v", rep)
	}
	// Waiting for more than is held ends with 504 when the timeout passes.
	if code, body := r.control(http.MethodGet, "/sim/held?min=1&timeout=20ms", true); code != http.StatusGatewayTimeout || !strings.Contains(body, `"held":[]`) {
		t.Fatalf("wait that times out: HTTP %d %q", code, body)
	}
	if code, _ := r.control(http.MethodDelete, "/sim/held", true); code != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE: HTTP %d, want 405", code)
	}
}
