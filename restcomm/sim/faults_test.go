package sim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestErrorRateOne(t *testing.T) {
	h := newHarness(t)
	sid := h.createSID("+12025550120", nil)
	form := url.Values{"From": {"1"}, "To": {"+12025550120"}, "Url": {"http://x"}}
	cases := []struct {
		op           sim.Op
		method, path string
		form         url.Values
	}{
		{sim.OpCreate, http.MethodPost, h.callsURL(), form},
		{sim.OpList, http.MethodGet, h.callsURL(), nil},
		{sim.OpGet, http.MethodGet, h.callURL(sid), nil},
		{sim.OpModify, http.MethodPost, h.callURL(sid), url.Values{"Status": {"canceled"}}},
	}
	for _, tc := range cases {
		t.Run(string(tc.op), func(t *testing.T) {
			h.srv.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{tc.op: 1}})
			rec := h.do(tc.method, tc.path, tc.form)
			if rec.Code != http.StatusInternalServerError || rec.Body.Len() == 0 ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
				t.Fatalf("HTTP %d %q %q, want 500 with a plain-text body", rec.Code,
					rec.Header().Get("Content-Type"), rec.Body.String())
			}
			// Only the faulty operation fails.
			for _, other := range cases {
				if other.op == tc.op || other.op == sim.OpCreate || other.op == sim.OpModify {
					continue
				}
				if rec := h.do(other.method, other.path, other.form); rec.Code != http.StatusOK {
					t.Fatalf("%s failed too: HTTP %d", other.op, rec.Code)
				}
			}
		})
	}
	h.srv.SetFaults(sim.Faults{})
	if n := len(h.srv.CallLog()); n != 1 {
		t.Fatalf("%d calls: a failed create placed a call", n)
	}
	if h.status(sid) != "QUEUED" {
		t.Fatalf("a failed modify changed the call")
	}
}

func TestErrorRateIsDeterministic(t *testing.T) {
	pattern := func(seed int64) string {
		srv := sim.New(sim.Options{Clock: clock.NewFake(epoch()), Seed: seed,
			Faults: sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpList: 0.5}}})
		defer srv.Close()
		h := &harness{t: t, srv: srv}
		var b strings.Builder
		for range 64 {
			if h.do(http.MethodGet, h.callsURL(), nil).Code == http.StatusOK {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	a, b := pattern(42), pattern(42)
	if a != b {
		t.Fatalf("same seed, different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, ".") || !strings.Contains(a, "x") {
		t.Fatalf("rate 0.5 gave %s", a)
	}
	if pattern(43) == a {
		t.Fatalf("different seeds gave the same 64 draws")
	}
}

func TestFaultsFromOptionsAreCopied(t *testing.T) {
	rates := map[sim.Op]float64{sim.OpList: 1}
	h := newHarness(t, func(o *sim.Options) { o.Faults = sim.Faults{ErrorRate: rates} })
	rates[sim.OpList] = 0 // the caller's map is not the server's
	if rec := h.do(http.MethodGet, h.callsURL(), nil); rec.Code != http.StatusInternalServerError {
		t.Fatalf("HTTP %d, want the injected 500", rec.Code)
	}
	if got := h.srv.Faults().ErrorRate[sim.OpList]; got != 1 {
		t.Fatalf("Faults() = %v", got)
	}
}

func TestDropAfterCreate(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Faults = sim.Faults{DropAfterCreate: 1} })
	ts := httptest.NewServer(h.srv)
	defer ts.Close()
	post := func(to string) (*http.Response, error) {
		form := url.Values{"From": {"447418340465"}, "To": {to}, "Url": {"http://127.0.0.1:1/x.xml"}}
		req, err := http.NewRequest(http.MethodPost, ts.URL+h.callsURL(), strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(h.srv.AccountSID(), h.srv.AuthToken())
		return ts.Client().Do(req)
	}

	// A rejected create does not use up the drop.
	if resp, err := post(""); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid create: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	resp, err := post("+12025550120")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("create answered HTTP %d, want the connection closed without a reply", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("error %v, want EOF or a reset connection", err)
	}
	log := h.srv.CallLog()
	if len(log) != 1 || log[0].To != "+12025550120" {
		t.Fatalf("call log %+v, want the dropped create's call (and no retry)", log)
	}
	if h.srv.Faults().DropAfterCreate != 0 {
		t.Fatalf("DropAfterCreate not consumed")
	}
	// The dropped call is real: it rings and ends like any other.
	h.wantStatus(log[0].SID, 60*time.Second, "canceled") // default Timeout

	resp, err = post("+12025550121")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("next create: %v %v", resp, err)
	}
	resp.Body.Close()
	if n := len(h.srv.CallLog()); n != 2 {
		t.Fatalf("%d calls", n)
	}
}

func TestDropAfterCreateWithoutHijack(t *testing.T) {
	// A ResponseWriter that cannot be hijacked (HTTP/2, a recorder) gets the request aborted instead.
	h := newHarness(t, func(o *sim.Options) { o.Faults = sim.Faults{DropAfterCreate: 1} })
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", r)
		}
		if n := len(h.srv.CallLog()); n != 1 {
			t.Fatalf("%d calls", n)
		}
	}()
	h.create("+12025550120", nil)
	t.Fatal("create returned normally")
}

func TestLatencyHonoursContext(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Faults = sim.Faults{Latency: time.Hour} })
	ctx, cancel := context.WithCancel(context.Background())
	form := url.Values{"From": {"1"}, "To": {"+12025550120"}, "Url": {"http://x"}}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, h.callsURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.srv.AccountSID(), h.srv.AuthToken())
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		h.srv.ServeHTTP(rec, req)
		close(done)
	}()
	cancel()
	next(t, done)
	if rec.Body.Len() != 0 || len(h.srv.CallLog()) != 0 {
		t.Fatalf("a request abandoned during the latency was served: %q, %d calls", rec.Body.String(),
			len(h.srv.CallLog()))
	}
}

func TestLatencyStillServes(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Faults = sim.Faults{Latency: time.Millisecond} })
	if rec := h.do(http.MethodGet, h.callsURL(), nil); rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d", rec.Code)
	}
	h.srv.SetFaults(sim.Faults{})
	if h.srv.Faults().Latency != 0 {
		t.Fatalf("SetFaults did not clear the latency")
	}
}
