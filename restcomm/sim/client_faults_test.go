package sim_test

// The restcomm client against the simulator's injected faults: ambiguous creates are never retried, GETs are.

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestClientAmbiguousCreateIsNotRetried(t *testing.T) {
	e := newSimEnv(t, func(o *sim.Options) { o.Faults = sim.Faults{DropAfterCreate: 1} })
	c := e.client()
	p := params("+12025550120")

	sent := time.Now()
	_, err := c.CreateCall(t.Context(), p)
	done := time.Now()
	checkErr(t, err)
	if !errors.Is(err, restcomm.ErrOutcomeUnknown) {
		t.Fatalf("want ErrOutcomeUnknown, got %v (%T)", err, err)
	}
	if errors.Is(err, restcomm.ErrNotSent) {
		t.Errorf("the dropped create claims nothing was sent: %v", err)
	}
	var ou *restcomm.OutcomeUnknownError
	if !errors.As(err, &ou) {
		t.Fatalf("%T is not an *OutcomeUnknownError", err)
	}
	if ou.To != p.To || ou.From != p.From || ou.SentAt.Before(sent) || ou.SentAt.After(done) {
		t.Errorf("OutcomeUnknownError To %q From %q SentAt %v (sent between %v and %v)", ou.To, ou.From, ou.SentAt, sent, done)
	}

	log := e.srv.CallLog()
	if len(log) != 1 {
		t.Fatalf("the simulator placed %d calls, want 1", len(log))
	}
	if n := e.tap.creates(); n != 1 {
		t.Fatalf("%d create POSTs, want exactly 1", n)
	}
	if code := e.tap.requests()[0].Code; code != 0 {
		t.Errorf("the dropped create was answered %d", code)
	}

	// What the error carries is enough to find the call.
	var found []string
	for call, err := range c.ListCalls(t.Context(), restcomm.ListFilter{To: ou.To, From: ou.From, StartTime: epoch()}) {
		if err != nil {
			t.Fatal(checkErr(t, err))
		}
		found = append(found, call.SID)
	}
	if !slices.Equal(found, []string{log[0].SID}) {
		t.Fatalf("ListCalls found %v, want [%s]", found, log[0].SID)
	}

	// The fault was used up: the next create is answered.
	create(t, c, params("+12025550121"))
	if n := len(e.srv.CallLog()); n != 2 {
		t.Fatalf("%d calls after a second create, want 2", n)
	}
}

func TestClientCreateAbandonedIsAmbiguous(t *testing.T) {
	// The simulator holds every request for a minute of wall-clock time, and the caller gives up once the
	// request has arrived. A real server could have placed the call meanwhile, so the outcome is unknown
	// (here it was not placed: the simulator drops a request whose client has gone).
	e := newSimEnv(t, func(o *sim.Options) { o.Faults.Latency = time.Minute })
	c := e.client()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.tap.setBefore(func(int, *http.Request) { cancel() })
	_, err := c.CreateCall(ctx, params("+12025550120"))
	checkErr(t, err)
	if !errors.Is(err, restcomm.ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want ErrOutcomeUnknown wrapping the cancellation, got %v", err)
	}
	if n := e.tap.creates(); n != 1 {
		t.Fatalf("%d create POSTs, want exactly 1", n)
	}
	e.tap.setBefore(nil)
	e.srv.SetFaults(sim.Faults{})
	var found int
	for _, err := range c.ListCalls(t.Context(), restcomm.ListFilter{To: "+12025550120"}) {
		if err != nil {
			t.Fatal(checkErr(t, err))
		}
		found++
	}
	if found != 0 || len(e.srv.CallLog()) != 0 {
		t.Fatalf("listed %d calls, call log %v: the abandoned create was placed", found, e.srv.CallLog())
	}
}

func TestClientServerErrors(t *testing.T) {
	t.Run("GET retried, bounded", func(t *testing.T) {
		e := newSimEnv(t)
		c := e.client()
		sid := create(t, c, params("+12025550120")).SID
		path := "/Calls/" + sid + ".json"

		e.srv.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpGet: 1}})
		_, err := c.GetCall(t.Context(), sid)
		ae := apiError(t, checkErr(t, err), http.StatusInternalServerError)
		if !strings.Contains(ae.Message, "fault injection") {
			t.Errorf("Message %q", ae.Message)
		}
		if n := e.tap.count(http.MethodGet, path); n != 3 {
			t.Fatalf("%d GETs, want 3 (the retry budget)", n)
		}

		e.srv.SetFaults(sim.Faults{})
		wantStatus(t, "after the fault", get(t, c, sid), "QUEUED", restcomm.StatusQueued)
		if n := e.tap.count(http.MethodGet, path); n != 4 {
			t.Fatalf("%d GETs, want 4", n)
		}
	})

	t.Run("GET recovers within its retries", func(t *testing.T) {
		e := newSimEnv(t)
		c := e.client()
		sid := create(t, c, params("+12025550120")).SID
		first := len(e.tap.requests()) + 1
		e.srv.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpGet: 1}})
		e.tap.setBefore(func(n int, _ *http.Request) {
			if n == first+1 { // the fault lasts for one request
				e.srv.SetFaults(sim.Faults{})
			}
		})
		wantStatus(t, "retried get", get(t, c, sid), "QUEUED", restcomm.StatusQueued)
		reqs := e.tap.requests()[first-1:]
		if len(reqs) != 2 || reqs[0].Code != http.StatusInternalServerError || reqs[1].Code != http.StatusOK {
			t.Fatalf("requests %+v, want a 500 then a 200", reqs)
		}
	})

	t.Run("list retried, bounded", func(t *testing.T) {
		e := newSimEnv(t, func(o *sim.Options) { o.Faults.ErrorRate = map[sim.Op]float64{sim.OpList: 1} })
		c := e.client()
		errs := 0
		for _, err := range c.ListCalls(t.Context(), restcomm.ListFilter{}) {
			apiError(t, checkErr(t, err), http.StatusInternalServerError)
			errs++
		}
		if errs != 1 || e.tap.lists() != 3 {
			t.Fatalf("%d errors yielded after %d list requests, want 1 after 3", errs, e.tap.lists())
		}
	})

	t.Run("create never retried", func(t *testing.T) {
		e := newSimEnv(t, func(o *sim.Options) { o.Faults.ErrorRate = map[sim.Op]float64{sim.OpCreate: 1} })
		c := e.client()
		_, err := c.CreateCall(t.Context(), params("+12025550120"))
		apiError(t, checkErr(t, err), http.StatusInternalServerError)
		if errors.Is(err, restcomm.ErrOutcomeUnknown) {
			t.Errorf("a 500 from Restcomm itself is reported as an unknown outcome: %v", err)
		}
		if n := e.tap.creates(); n != 1 {
			t.Fatalf("%d create POSTs, want exactly 1", n)
		}
		if n := len(e.srv.CallLog()); n != 0 {
			t.Fatalf("the simulator placed %d calls", n)
		}
	})

	t.Run("modify not retried after a reply", func(t *testing.T) {
		e := newSimEnv(t)
		c := e.client()
		sid := create(t, c, params("+12025550120")).SID
		e.srv.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpModify: 1}})
		_, err := c.HangUpCall(t.Context(), sid)
		apiError(t, checkErr(t, err), http.StatusInternalServerError)
		if n := e.tap.count(http.MethodPost, "/Calls/"+sid+".json"); n != 1 {
			t.Fatalf("%d modify POSTs, want 1", n)
		}
		e.srv.SetFaults(sim.Faults{})
		wantStatus(t, "untouched", get(t, c, sid), "QUEUED", restcomm.StatusQueued)
	})
}
