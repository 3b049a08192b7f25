package sim_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestAuthRequired(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name       string
		user, pass string
		noAuth     bool
	}{
		{name: "no credentials", noAuth: true},
		{name: "wrong token", user: h.srv.AccountSID(), pass: "0123456789abcdef0123456789abcdef"},
		{name: "wrong account", user: "AC00000000000000000000000000000000", pass: h.srv.AuthToken()},
		{name: "empty", user: "", pass: ""},
	}
	for _, tc := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tc.name+" "+method, func(t *testing.T) {
				req := httptest.NewRequest(method, h.callsURL(), strings.NewReader("From=1&To=2&Url=http://x"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if !tc.noAuth {
					req.SetBasicAuth(tc.user, tc.pass)
				}
				rec := httptest.NewRecorder()
				h.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("HTTP %d, want 401", rec.Code)
				}
				if got := rec.Header().Get("WWW-Authenticate"); got != `Basic realm="Restcomm realm"` {
					t.Fatalf("WWW-Authenticate %q", got)
				}
				if rec.Body.Len() != 0 {
					t.Fatalf("body %q, want empty", rec.Body.String())
				}
			})
		}
	}
	if n := len(h.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed by unauthenticated requests", n)
	}
}

func TestCustomCredentials(t *testing.T) {
	const sid, token = "AC11111111111111111111111111111111", "secret-token-for-the-test"
	h := newHarness(t, func(o *sim.Options) { o.AccountSID, o.AuthToken = sid, token })
	if h.srv.AccountSID() != sid || h.srv.AuthToken() != token {
		t.Fatalf("credentials %q/%q", h.srv.AccountSID(), h.srv.AuthToken())
	}
	if rec := h.do(http.MethodGet, h.callsURL(), nil); rec.Code != http.StatusOK {
		t.Fatalf("list with the configured credentials: HTTP %d", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, h.callsURL(), nil)
	req.SetBasicAuth(sim.DefaultAccountSID, sim.DefaultAuthToken)
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("default credentials on a configured server: HTTP %d, want 401", rec.Code)
	}
}

func TestDefaults(t *testing.T) {
	srv := sim.New(sim.Options{})
	defer srv.Close()
	if srv.AccountSID() != sim.DefaultAccountSID || srv.AuthToken() != sim.DefaultAuthToken {
		t.Fatalf("defaults %q/%q", srv.AccountSID(), srv.AuthToken())
	}
	if len(sim.DefaultAccountSID) != 34 || !strings.HasPrefix(sim.DefaultAccountSID, "AC") {
		t.Fatalf("DefaultAccountSID %q is not AC+32", sim.DefaultAccountSID)
	}
	if len(sim.DefaultAuthToken) != 32 {
		t.Fatalf("DefaultAuthToken %q is not 32 hex digits", sim.DefaultAuthToken)
	}
}

func TestAccountInPath(t *testing.T) {
	h := newHarness(t)
	// An account SID the server does not know makes its permission check throw: the container's HTML page.
	wantContainerPage := func(t *testing.T, what string, rec *httptest.ResponseRecorder) {
		t.Helper()
		if rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
			!strings.HasPrefix(rec.Body.String(), "<html>") {
			t.Fatalf("%s: HTTP %d %q %q, want 500 with an HTML error page", what, rec.Code,
				rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
	t.Run("unknown account", func(t *testing.T) {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			rec := h.do(method, "/restcomm/2012-04-24/Accounts/AC00000000000000000000000000000000/Calls.json",
				url.Values{"From": {"1"}, "To": {"2"}, "Url": {"http://x"}})
			wantContainerPage(t, method, rec)
		}
	})
	t.Run("malformed account", func(t *testing.T) {
		for _, bad := range []string{"ACshort", "XX00000000000000000000000000000000", "AC0000000000000000000000000000000!"} {
			rec := h.do(http.MethodGet, "/restcomm/2012-04-24/Accounts/"+url.PathEscape(bad)+"/Calls.json", nil)
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("%s: HTTP %d, want 500", bad, rec.Code)
			}
			m := decodeObject(t, rec.Body.Bytes())
			if want := bad + " is an INVALID_SID sid value."; m["message"] != want || len(m) != 1 {
				t.Fatalf("%s: body %q, want {\"message\":%q}", bad, rec.Body.String(), want)
			}
		}
	})
	t.Run("call path under an unknown account", func(t *testing.T) {
		rec := h.do(http.MethodGet, "/restcomm/2012-04-24/Accounts/AC00000000000000000000000000000000/Calls/x.json", nil)
		wantContainerPage(t, "GET call", rec)
	})
	if n := len(h.srv.CallLog()); n != 0 {
		t.Fatalf("%d calls placed under an unknown account", n)
	}
}

func TestPathsAndMethods(t *testing.T) {
	h := newHarness(t)
	acct := "/restcomm/2012-04-24/Accounts/" + h.srv.AccountSID()
	cases := []struct {
		method, path string
		code         int
	}{
		{http.MethodGet, "/", http.StatusNotFound},
		{http.MethodGet, "/2012-04-24/Accounts/" + h.srv.AccountSID() + "/Calls.json", http.StatusNotFound},
		{http.MethodGet, "/restcomm/2011-01-01/Accounts/" + h.srv.AccountSID() + "/Calls.json", http.StatusNotFound},
		{http.MethodGet, acct + "/Calls", http.StatusNotFound},
		{http.MethodGet, acct + "/Calls/CA0.xml", http.StatusNotFound},
		{http.MethodGet, acct + "/Recordings.json", http.StatusNotFound},
		{http.MethodDelete, acct + "/Calls.json", http.StatusMethodNotAllowed},
		{http.MethodPut, acct + "/Calls/CA0.json", http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		rec := h.do(tc.method, tc.path, nil)
		if rec.Code != tc.code {
			t.Errorf("%s %s: HTTP %d, want %d", tc.method, tc.path, rec.Code, tc.code)
		}
	}
	if rec := h.do(http.MethodGet, acct+"/Calls", nil); !strings.Contains(rec.Body.String(), ".json") {
		t.Errorf("a path without .json should say to add it, got %q", rec.Body.String())
	}
}
