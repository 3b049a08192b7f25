package sim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestConcurrentUse(t *testing.T) {
	rcml, _ := recorder(t, serveDoc(200, "text/xml", "<Response><Say>hi</Say></Response>"))
	cb, _ := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t)
	ts := httptest.NewServer(h.srv)
	defer ts.Close()
	client := ts.Client()

	const callers = 24
	sids := make(chan string, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			form := url.Values{"From": {"447418340465"}, "To": {fmt.Sprintf("+1202555%04d", i)},
				"Url": {rcml.URL}, "StatusCallback": {cb.URL}, "Timeout": {"5"}}
			req, _ := http.NewRequest(http.MethodPost, ts.URL+h.callsURL(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(h.srv.AccountSID(), h.srv.AuthToken())
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("create: HTTP %d %v", resp.StatusCode, err)
				return
			}
			sids <- m["sid"].(string)
		})
	}
	// Meanwhile: time passes, the list is read, faults change and calls are hung up.
	wg.Go(func() {
		for range 40 {
			h.clk.Advance(100 * time.Millisecond)
		}
	})
	wg.Go(func() {
		for range 20 {
			if rec := h.do(http.MethodGet, h.callsURL()+"?PageSize=5", nil); rec.Code != http.StatusOK &&
				rec.Code != http.StatusBadRequest {
				t.Errorf("list: HTTP %d", rec.Code)
			}
			h.srv.CallLog()
		}
	})
	wg.Go(func() {
		for i := range 20 {
			h.srv.SetFaults(sim.Faults{Latency: time.Duration(i%2) * time.Microsecond})
			h.srv.Faults()
		}
	})
	wg.Wait()
	close(sids)

	seen := map[string]bool{}
	for sid := range sids {
		if seen[sid] {
			t.Fatalf("SID %s handed out twice", sid)
		}
		seen[sid] = true
	}
	log := h.srv.CallLog()
	if len(seen) != callers || len(log) != callers {
		t.Fatalf("%d replies, %d logged calls, want %d", len(seen), len(log), callers)
	}
	for _, c := range log {
		if !seen[c.SID] {
			t.Fatalf("logged call %s was never returned", c.SID)
		}
	}
	h.clk.Advance(time.Minute)
	for _, c := range h.srv.CallLog() {
		if strings.HasSuffix(c.To, "4") { // stays QUEUED for ever
			if c.Status != "QUEUED" {
				t.Fatalf("call %s to %s is %s, want QUEUED", c.SID, c.To, c.Status)
			}
			continue
		}
		if c.Status == "QUEUED" || c.Status == "RINGING" || c.Status == "in-progress" {
			t.Fatalf("call %s still %s after a minute", c.SID, c.Status)
		}
	}
}
