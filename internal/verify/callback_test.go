package verify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// callbackBase is where the callback rig says its callbacks go; nothing listens there (the simulator's own
// attempts fail quietly), the tests post to the handler themselves.
const callbackBase = "http://127.0.0.1:1/status/"

// statusCaller records the StatusCallback of every create.
type statusCaller struct {
	Caller
	mu   sync.Mutex
	urls []string
}

func (c *statusCaller) CreateCall(ctx context.Context, p restcomm.CallParams) ([]restcomm.Call, error) {
	c.mu.Lock()
	c.urls = append(c.urls, p.StatusCallback)
	c.mu.Unlock()
	return c.Caller.CreateCall(ctx, p)
}

// last returns the StatusCallback of the latest create.
func (c *statusCaller) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.urls[len(c.urls)-1]
}

// callbackRig is the rig with status callbacks on, polling slowed to an hour so that only callbacks move
// things, and the handler mounted as internal/app mounts it.
type callbackRig struct {
	*rig
	calls *statusCaller
	mux   *http.ServeMux
}

func newCallbackRig(t *testing.T) *callbackRig {
	r := &callbackRig{rig: newRig(t, nil)}
	r.svc.Close()
	set := defaultSettings()
	set.PollInterval = time.Hour
	set.StatusCallbackURL = callbackBase
	set.AccountSID = r.sim.AccountSID()
	r.calls = &statusCaller{Caller: r.client}
	r.svc = r.newService(set, r.calls)
	r.mux = http.NewServeMux()
	r.mux.Handle(CallbackPattern, r.svc.CallbackHandler())
	return r
}

// post sends one callback to path and returns the HTTP status.
func (r *callbackRig) post(path string, form url.Values) int {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	r.mux.ServeHTTP(w, req)
	return w.Code
}

// event is a callback form as Restcomm writes it.
func (r *callbackRig) event(sid, status, seq string) url.Values {
	return url.Values{"CallSid": {sid}, "AccountSid": {r.sim.AccountSID()}, "CallStatus": {status},
		"SequenceNumber": {seq}, "Timestamp": {"Thu, 26 Nov 2026 09:00:01 UTC"}}
}

func TestCallbacksSpeedUpRingingAndFinalComesFromGet(t *testing.T) {
	r := newCallbackRig(t)
	res := r.place("+447400123450")
	sid := res.Attempt.CallSID
	u, err := url.Parse(r.calls.last())
	if err != nil || !strings.HasPrefix(r.calls.last(), callbackBase) {
		t.Fatalf("StatusCallback %q, want the call's own address under %s", r.calls.last(), callbackBase)
	}
	post := func(event, seq string) {
		t.Helper()
		if code := r.post(u.Path, r.event(sid, event, seq)); code != http.StatusNoContent {
			t.Fatalf("callback %s: HTTP %d", event, code)
		}
	}
	r.clk.Advance(time.Second) // the simulator starts ringing; the service does not poll for an hour
	post("ringing", "1")
	if a := r.attempt(res.Attempt.ID); a.Status != "ringing" || !a.RingingSeen {
		t.Fatalf("after ringing callback: %q", a.Status)
	}
	post("ringing", "1") // duplicate
	post("initiated", "0")
	r.clk.Advance(10 * time.Second)
	post("completed", "3") // says "completed"; the outcome comes from GET
	a := r.attempt(res.Attempt.ID)
	if a.Status != "canceled" || a.Outcome != record.OutcomeDelivered {
		t.Fatalf("after completed callback: %s/%s, want canceled/delivered from GET", a.Status, a.Outcome)
	}
	n := 0
	for _, s := range r.statuses(a.ID) {
		if s == "callback:ringing" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("duplicate callback recorded %d times", n)
	}
	if code := r.post(u.Path, r.event(sid, "ringing", "1")); code != http.StatusNotFound {
		t.Fatalf("a callback at the address of an ended call: HTTP %d, want 404", code)
	}
}

// TestForgedCallbacksAreRefused: knowing a live call's SID (every operator sees it) is not enough to move it.
// A forged "ringing" at a wrong address, or at the right address for another SID or account, is answered 404,
// and a call that never rang does not become delivered.
func TestForgedCallbacksAreRefused(t *testing.T) {
	r := newCallbackRig(t)
	res := r.place("+447400123454") // stays queued in the simulator: it never rings
	sid := res.Attempt.CallSID
	own, _ := url.Parse(r.calls.last())
	other := r.place("+447400123450")
	otherPath, _ := url.Parse(r.calls.last())
	forged := r.event(sid, "ringing", "1")
	wrongAccount := r.event(sid, "ringing", "1")
	wrongAccount.Set("AccountSid", "AC"+strings.Repeat("0", 32))
	for _, c := range []struct {
		name string
		path string
		form url.Values
		want int
	}{
		{"no token", "/status/", forged, http.StatusNotFound},
		{"a guessed token", "/status/" + strings.Repeat("ab", 32), forged, http.StatusNotFound},
		{"a malformed token", "/status/" + sid, forged, http.StatusNotFound},
		{"another call's address", otherPath.Path, forged, http.StatusNotFound},
		{"the right address, another account", own.Path, wrongAccount, http.StatusNotFound},
		{"the right address, an unknown event", own.Path, r.event(sid, "exploded", "1"), http.StatusBadRequest},
		{"the right address, a sequence past 3", own.Path, r.event(sid, "ringing", "9"), http.StatusBadRequest},
	} {
		if code := r.post(c.path, c.form); code != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.name, code, c.want)
		}
	}
	if a := r.attempt(res.Attempt.ID); a.RingingSeen || a.Status == "ringing" {
		t.Fatalf("a forged callback made the call ring: %+v", a)
	}
	_ = other
}

// TestCallbackFloodIsForgotten: thousands of forged callbacks (random SIDs, wrong addresses, huge values) write
// nothing and are not remembered.
func TestCallbackFloodIsForgotten(t *testing.T) {
	r := newCallbackRig(t)
	res := r.place("+447400123454")
	before := len(r.statuses(res.Attempt.ID))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 375 {
				sid := fmt.Sprintf("CA%032x", w*1000+i)
				path := fmt.Sprintf("/status/%064x", w*1000+i)
				form := r.event(sid, "ringing", fmt.Sprint(i%4))
				if i%3 == 0 {
					form.Set("CallStatus", strings.Repeat("x", 60<<10))
				}
				if code := r.post(path, form); code != http.StatusNotFound && code != http.StatusBadRequest {
					t.Errorf("forged callback: HTTP %d", code)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(r.statuses(res.Attempt.ID)); n != before {
		t.Fatalf("the live call gained %d transitions from forged callbacks", n-before)
	}
	if remembered := r.svc.callback.Len(); remembered != 0 {
		t.Fatalf("%d forged calls remembered", remembered)
	}
}
