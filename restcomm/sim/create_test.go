package sim_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestCreateMissingParameters(t *testing.T) {
	h := newHarness(t)
	full := url.Values{"From": {"447418340465"}, "To": {"+12025550120"}, "Url": {"http://127.0.0.1:1/x.xml"}}
	cases := []struct {
		name string
		drop []string
		want string
	}{
		{"nothing", []string{"From", "To", "Url"}, "From can not be null."},
		{"no From", []string{"From"}, "From can not be null."},
		{"From only", []string{"To", "Url"}, "To can not be null."},
		{"no To", []string{"To"}, "To can not be null."},
		{"no Url", []string{"Url"}, "Url can not be null."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range full {
				if !slices.Contains(tc.drop, k) {
					form[k] = v
				}
			}
			rec := h.do(http.MethodPost, h.callsURL(), form)
			if rec.Code != http.StatusBadRequest || rec.Body.String() != tc.want {
				t.Fatalf("HTTP %d %q, want 400 %q", rec.Code, rec.Body.String(), tc.want)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Fatalf("Content-Type %q, want text/plain", ct)
			}
		})
	}
	t.Run("empty value counts as missing", func(t *testing.T) {
		rec := h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}, "To": {""}, "Url": {"http://x"}})
		if rec.Code != http.StatusBadRequest || rec.Body.String() != "To can not be null." {
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("parameters in the query string are not read", func(t *testing.T) {
		rec := h.do(http.MethodPost, h.callsURL()+"?"+full.Encode(), url.Values{})
		if rec.Code != http.StatusBadRequest || rec.Body.String() != "From can not be null." {
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("names are case-sensitive", func(t *testing.T) {
		rec := h.do(http.MethodPost, h.callsURL(), url.Values{"from": {"1"}, "to": {"2"}, "url": {"http://x"}})
		if rec.Code != http.StatusBadRequest || rec.Body.String() != "From can not be null." {
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
	})
	if n := len(h.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed by rejected creates", n)
	}
}

func TestCreateJSONBodyIsNotRead(t *testing.T) {
	h := newHarness(t)
	body := `{"From":"447418340465","To":"+12025550120","Url":"http://127.0.0.1:1/x.xml"}`
	req := httptest.NewRequest(http.MethodPost, h.callsURL(), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(h.srv.AccountSID(), h.srv.AuthToken())
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || rec.Body.String() != "From can not be null." {
		t.Fatalf("HTTP %d %q, want 400 From can not be null.", rec.Code, rec.Body.String())
	}
	if n := len(h.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed", n)
	}
}

func TestCreateTimeoutNotInteger(t *testing.T) {
	h := newHarness(t)
	for _, bad := range []string{"ten", "10.5", "", " 10"} {
		rec := h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"1"}, "To": {"+12025550120"},
			"Url": {"http://x"}, "Timeout": {bad}})
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("Timeout %q: HTTP %d, want 500", bad, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "For input string") {
			t.Fatalf("Timeout %q: body %q", bad, rec.Body.String())
		}
	}
	if n := len(h.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed", n)
	}
}

func TestCreateReply(t *testing.T) {
	h := newHarness(t)
	rec := h.do(http.MethodPost, h.callsURL(), url.Values{"From": {"447418340465"}, "To": {"+12025550120"},
		"Url": {"http://127.0.0.1:1/x.xml"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d, want 200 (not 201)", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	m := decodeObject(t, rec.Body.Bytes())
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"InstanceId", "account_sid", "api_version", "caller_name", "date_created", "date_updated",
		"direction", "from", "price_unit", "sid", "start_time", "status", "subresource_uris", "to", "uri"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v\nwant %v (null fields left out)", keys, want)
	}
	sid := m["sid"].(string)
	inst := m["InstanceId"].(string)
	if !regexp.MustCompile(`^ID[0-9a-f]{32}$`).MatchString(inst) {
		t.Fatalf("InstanceId %q", inst)
	}
	if !regexp.MustCompile(`^ID[0-9a-f]{32}-CA[0-9a-f]{32}$`).MatchString(sid) || !strings.HasPrefix(sid, inst+"-") {
		t.Fatalf("sid %q is not the instance-prefixed ID<32>-CA<32> form of %q", sid, inst)
	}
	acct := h.srv.AccountSID()
	checks := map[string]string{
		"status":       "QUEUED",
		"date_created": "Fri, 30 Jun 2017 09:39:16 +0000",
		"date_updated": "Fri, 30 Jun 2017 09:39:16 +0000",
		"start_time":   "2017-06-30T09:39:16.000Z",
		"account_sid":  acct,
		"to":           "+12025550120",
		"from":         "447418340465",
		"caller_name":  "447418340465",
		"price_unit":   "USD",
		"direction":    "outbound-api",
		"api_version":  "2012-04-24",
		"uri":          "/2012-04-24/Accounts/" + acct + "/Calls/" + sid + ".json",
	}
	for k, v := range checks {
		if m[k] != v {
			t.Errorf("%s = %v, want %q", k, m[k], v)
		}
	}
	sub, _ := m["subresource_uris"].(map[string]any)
	base := "/2012-04-24/Accounts/" + acct + "/Calls/" + sid
	if sub["notifications"] != base+"/Notifications.json" || sub["recordings"] != base+"/Recordings.json" {
		t.Errorf("subresource_uris %v", sub)
	}
	log := h.srv.CallLog()
	if len(log) != 1 || log[0].SID != sid || log[0].To != "+12025550120" || log[0].From != "447418340465" ||
		!log[0].Created.Equal(epoch()) || log[0].Status != "QUEUED" {
		t.Fatalf("call log %+v", log)
	}
	if got := h.call(sid); got["sid"] != sid || got["status"] != "QUEUED" {
		t.Fatalf("GET after create: %v", got)
	}
}

func TestCreateDateFormats(t *testing.T) {
	// A one-digit day and a non-UTC clock: dates are written in UTC with the day unpadded.
	clk := clock.NewFake(time.Date(2006, 1, 2, 16, 4, 5, 123_000_000, time.FixedZone("CET", 3600)))
	srv := sim.New(sim.Options{Clock: clk})
	defer srv.Close()
	h := &harness{t: t, clk: clk, srv: srv}
	m := h.create("+12025550120", nil)
	if m["date_created"] != "Mon, 2 Jan 2006 15:04:05 +0000" {
		t.Fatalf("date_created %q", m["date_created"])
	}
	if m["start_time"] != "2006-01-02T15:04:05.123Z" {
		t.Fatalf("start_time %q", m["start_time"])
	}
}

func TestCreateAddresses(t *testing.T) {
	h := newHarness(t)
	cases := []struct{ to, from, wantTo, wantFrom string }{
		{"client:alice", "sip:bob@example.com", "alice", "bob"},
		{"+15551234560?X-Custom=1", "5065", "+15551234560", "5065"},
		{"sip:+15551234560@gw.example.com:5060", "tel:+442071838750", "+15551234560", "+442071838750"},
	}
	for _, tc := range cases {
		m := h.create(tc.to, url.Values{"From": {tc.from}})
		if m["to"] != tc.wantTo || m["from"] != tc.wantFrom {
			t.Errorf("To %q From %q: to %q from %q, want %q %q", tc.to, tc.from, m["to"], m["from"], tc.wantTo,
				tc.wantFrom)
		}
	}
}

func TestSIDsRepeatableBySeed(t *testing.T) {
	sids := func(seed int64) []string {
		srv := sim.New(sim.Options{Clock: clock.NewFake(epoch()), Seed: seed})
		defer srv.Close()
		h := &harness{t: t, clk: nil, srv: srv}
		return []string{h.createSID("+12025550120", nil), h.createSID("+12025550121", nil)}
	}
	a, b, c := sids(7), sids(7), sids(8)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different SIDs: %v %v", a, b)
	}
	if a[0] == a[1] || slices.Equal(a, c) {
		t.Fatalf("SIDs not distinct: %v %v", a, c)
	}
}
