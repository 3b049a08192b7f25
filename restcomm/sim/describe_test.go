package sim_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestDescribe(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Speed = 2.5 })
	for _, base := range []string{"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/restcomm"} {
		text := h.srv.Describe(base)
		for _, want := range []string{
			"http://127.0.0.1:8080/restcomm\n", h.srv.AccountSID(), h.srv.AuthToken(), "2.5x", "Restcomm 8.4", "UTC",
			"0-3", "canceled", "QUEUED for ever", "declines (SIP 603): BUSY", "BUSY (SIP 486)", "FAILED at once",
			"404: FAILED", "completed",
			"http://127.0.0.1:8080/restcomm/2012-04-24/Accounts/" + h.srv.AccountSID() + "/Calls.json",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("Describe(%q) lacks %q:\n%s", base, want, text)
			}
		}
		for _, old := range []string{"NO_ANSWER", "NOT_FOUND", "CANCELED"} {
			if strings.Contains(text, old) {
				t.Errorf("Describe of an 8.4 server mentions %s:\n%s", old, text)
			}
		}
		if strings.Contains(text, "/restcomm/restcomm") {
			t.Errorf("Describe(%q) doubled the path:\n%s", base, text)
		}
		for _, digit := range []string{"\n  0-3 ", "\n  4 ", "\n  5 ", "\n  6 ", "\n  7 ", "\n  8 ", "\n  9 "} {
			if !strings.Contains(text, digit) {
				t.Errorf("Describe lacks the row for %q", digit)
			}
		}
	}
}

func TestDescribeVersion82AndZone(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(o *sim.Options) { o.Version, o.Location = "8.2", madrid })
	text := h.srv.Describe("http://127.0.0.1:8080")
	for _, want := range []string{"Restcomm 8.2", "Europe/Madrid", "ends NO_ANSWER", "404: NOT_FOUND", "ends it CANCELED"} {
		if !strings.Contains(text, want) {
			t.Errorf("Describe lacks %q:\n%s", want, text)
		}
	}
}

// TestTokenNeverLeaks runs every kind of request and event and checks that neither a reply nor a log line
// carries the auth token (or a wrong password someone tried).
func TestTokenNeverLeaks(t *testing.T) {
	const token = "c0ffee00c0ffee00c0ffee00c0ffee00"
	const tried = "wrong-password-someone-typed"
	rcmlBad, _ := recorder(t, serveDoc(200, "application/json", "{}"))
	rcmlGood, _ := recorder(t, serveDoc(200, "text/xml", "<Response><Say>hi</Say></Response>"))
	h := newHarness(t, func(o *sim.Options) { o.AuthToken = token })
	var bodies strings.Builder
	keep := func(rec *httptest.ResponseRecorder) {
		bodies.WriteString(rec.Body.String())
		for k, vs := range rec.Header() {
			bodies.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
	}

	req := httptest.NewRequest(http.MethodGet, h.callsURL(), nil)
	req.SetBasicAuth(h.srv.AccountSID(), tried)
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	keep(rec)

	keep(h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}}))
	keep(h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}, "To": {"2"}, "Url": {"x"}, "Timeout": {"x"}}))
	keep(h.do(http.MethodGet, "/restcomm/2012-04-24/Accounts/bad/Calls.json", nil))
	keep(h.do(http.MethodGet, "/restcomm/2012-04-24/Accounts/AC00000000000000000000000000000000/Calls.json", nil))
	keep(h.do(http.MethodGet, h.callsURL()+"?PageSize=0", nil))
	cb := url.Values{"StatusCallback": {"http://127.0.0.1:1/cb"}}
	a := h.createSID("+12025550126", url.Values{"Url": {rcmlBad.URL}, "StatusCallback": cb["StatusCallback"]})
	b := h.createSID("+12025550126", url.Values{"Url": {rcmlGood.URL}, "StatusCallback": cb["StatusCallback"]})
	c := h.createSID("+12025550127", cb)
	keep(h.do(http.MethodPost, h.callURL(c), url.Values{"Status": {"canceled"}}))
	keep(h.do(http.MethodPost, h.callURL(c), url.Values{"Status": {"canceled"}}))
	h.srv.SetFaults(sim.Faults{ErrorRate: map[sim.Op]float64{sim.OpGet: 1}})
	keep(h.do(http.MethodGet, h.callURL(a), nil))
	h.srv.SetFaults(sim.Faults{})
	h.at(time.Minute)
	keep(h.do(http.MethodGet, h.callURL(a), nil))
	keep(h.do(http.MethodGet, h.callURL(b), nil))
	keep(h.do(http.MethodGet, h.callsURL(), nil))
	h.srv.Close() // waits for the failing callbacks, so their log lines are in

	logs := h.log.String()
	if !strings.Contains(logs, "RCML rejected") || !strings.Contains(logs, "status callback failed") {
		t.Fatalf("the scenario did not produce the expected log lines:\n%s", logs)
	}
	for _, secret := range []string{token, tried} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
		if strings.Contains(bodies.String(), secret) {
			t.Errorf("a reply contains %q", secret)
		}
	}
}
