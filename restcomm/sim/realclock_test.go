package sim_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/restcomm/sim"
)

// TestRealClock runs a whole answered call on the wall clock at speed 200 (about 20 ms), waiting for the
// completed callback rather than sleeping.
func TestRealClock(t *testing.T) {
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response><Say>Hello</Say></Response>"))
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	srv := sim.New(sim.Options{Speed: 200})
	defer srv.Close()
	form := url.Values{"From": {"447418340465"}, "To": {"+12025550126"}, "Url": {rcml.URL},
		"StatusCallback": {cb.URL}}
	req := httptest.NewRequest(http.MethodPost, "/restcomm/2012-04-24/Accounts/"+srv.AccountSID()+"/Calls.json",
		strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("create: HTTP %d %s", rec.Code, rec.Body.String())
	}
	evs := events(t, got)
	if len(evs) != 4 {
		t.Fatalf("%d callbacks, want 4", len(evs))
	}
	next(t, fetches)
	log := srv.CallLog()
	if len(log) != 1 || log[0].Status != "completed" {
		t.Fatalf("call log %+v", log)
	}
}
