package restcomm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestNewRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct {
		base, account, token string
		want                 string
	}{
		{"", testAccount, testToken, "base URL is empty"},
		{"   ", testAccount, testToken, "base URL is empty"},
		{"ftp://example.test/restcomm", testAccount, testToken, "http:// or https://"},
		{"cloud.restcomm.com/restcomm", testAccount, testToken, "http:// or https://"},
		{"http:///restcomm", testAccount, testToken, "no host"},
		{"https://" + testAccount + ":" + testToken + "@cloud.restcomm.com/restcomm", testAccount, testToken, "must not contain credentials"},
		{"https://cloud.restcomm.com/restcomm?token=" + testToken, testAccount, testToken, "query or fragment"},
		{"https://cloud.restcomm.com/restcomm#" + testToken, testAccount, testToken, "query or fragment"},
		{"ftp://cloud.restcomm.com/restcomm?" + testToken, testAccount, testToken, "http:// or https://"},
		{"https://cloud.restcomm.com/restcomm", "", testToken, "account SID is empty"},
		{"https://cloud.restcomm.com/restcomm", "AC/../x", testToken, "account SID"},
		{"https://cloud.restcomm.com/restcomm", testAccount, "", "auth token is empty"},
		{"http://[::1/restcomm", testAccount, testToken, "not a valid URL"},
	} {
		c, err := New(tc.base, tc.account, tc.token)
		if c != nil {
			t.Errorf("New(%q, %q): want no client", tc.base, tc.account)
		}
		checkErr(t, err)
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%q, %q) error %q does not contain %q", tc.base, tc.account, err, tc.want)
		}
	}
}

func TestClientAccessorsAndFormattingHideToken(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:8080/restcomm/")
	if c.BaseURL() != "http://127.0.0.1:8080/restcomm" {
		t.Errorf("BaseURL() = %q", c.BaseURL())
	}
	if c.AccountSID() != testAccount {
		t.Errorf("AccountSID() = %q", c.AccountSID())
	}
	for _, form := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{c, *c} {
			s := fmt.Sprintf(form, v)
			if strings.Contains(s, testToken) || !strings.Contains(s, testAccount) {
				t.Errorf("%s of the client = %s", form, s)
			}
		}
	}
}

func TestRequestsCarryBasicAuthAndHeadersNotURLCredentials(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, 200, "application/json", callJSON(sidCA, "RINGING"))
	})
	ctx := context.Background()
	for _, tc := range []struct {
		opts   []Option
		wantUA string
	}{
		{nil, "flashcall/dev"},
		{[]Option{WithUserAgent("flashcall/1.2.3 (+ops)")}, "flashcall/1.2.3 (+ops)"},
		{[]Option{WithUserAgent("  ")}, "flashcall/dev"},
	} {
		c := newClient(t, srv.base()+"/", tc.opts...)
		if _, err := c.GetCall(ctx, sidCA); err != nil {
			t.Fatal(err)
		}
		got := srv.last(t)
		if !got.HasAuth || got.User != testAccount || got.Pass != testToken {
			t.Errorf("Basic auth = %v %q %q", got.HasAuth, got.User, got.Pass)
		}
		if got.UserAgent != tc.wantUA {
			t.Errorf("User-Agent = %q, want %q", got.UserAgent, tc.wantUA)
		}
		if got.Accept != "application/json" {
			t.Errorf("Accept = %q", got.Accept)
		}
		if got.Path != callPrefix+sidCA+".json" {
			t.Errorf("path = %q", got.Path)
		}
		if strings.Contains(got.Path+got.RawQuery, testToken) {
			t.Error("the token is in the URL")
		}
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.test/restcomm/x", http.StatusFound)
	})
	hc := &http.Client{}
	c := newClient(t, srv.base(), WithHTTPClient(hc))
	_, err := c.CreateCall(context.Background(), CallParams{From: "1", To: "2", URL: "http://127.0.0.1/rcml"})
	var apiErr *APIError
	if !errors.As(checkErr(t, err), &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("want an APIError 302, got %v", err)
	}
	if !strings.Contains(apiErr.Message, "https://elsewhere.test/restcomm/x") || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("the error should say where it redirects and what to fix: %v", err)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Error("a redirect reply is not ambiguous")
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if hc.CheckRedirect != nil {
		t.Error("New changed the caller's http.Client")
	}
}

func TestRetryPolicyDelay(t *testing.T) {
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	p := RetryPolicy{Attempts: 5, BaseDelay: 100, MaxDelay: 350}
	for retry, want := range map[int][2]int64{1: {50, 100}, 2: {100, 200}, 3: {175, 350}, 4: {175, 350}, 60: {175, 350}} {
		if lo, hi := p.delay(retry, low), p.delay(retry, high); int64(lo) != want[0] || int64(hi) != want[1] {
			t.Errorf("retry %d: delay in [%d, %d], want [%d, %d]", retry, lo, hi, want[0], want[1])
		}
	}
	if d := (RetryPolicy{Attempts: 3}).delay(2, high); d != 0 {
		t.Errorf("zero BaseDelay gave %v", d)
	}
	uncapped := RetryPolicy{BaseDelay: 1 << 40}
	if d := uncapped.delay(200, high); d <= 0 {
		t.Errorf("huge retries overflowed: %v", d)
	}
	def := DefaultRetryPolicy()
	if def.Attempts < 2 || def.BaseDelay <= 0 || def.MaxDelay < def.BaseDelay {
		t.Errorf("DefaultRetryPolicy() = %+v", def)
	}
}
