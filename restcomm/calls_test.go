package restcomm

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestCreateCallSendsFormWithRestcommNames(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", wireFile(t, "create_reply.json"))
	})
	c := newClient(t, srv.base())
	calls, err := c.CreateCall(context.Background(), CallParams{
		From:                 "+15551230000",
		To:                   "+447700900123",
		URL:                  "https://rcml.example.test/flash.xml?x=1&y=2",
		Method:               "get",
		FallbackURL:          "https://rcml.example.test/fallback.xml",
		FallbackMethod:       "POST",
		StatusCallback:       "https://hooks.example.test/status",
		StatusCallbackMethod: "Post",
		Timeout:              25,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || calls[0].SID != "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC" || calls[0].Status != StatusQueued {
		t.Fatalf("calls = %+v", calls)
	}
	got := srv.last(t)
	if got.Method != http.MethodPost || got.Path != callsPath || got.RawQuery != "" {
		t.Errorf("request = %s %s?%s", got.Method, got.Path, got.RawQuery)
	}
	if got.ContentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", got.ContentType)
	}
	want := url.Values{
		"From":                 {"+15551230000"},
		"To":                   {"+447700900123"},
		"Url":                  {"https://rcml.example.test/flash.xml?x=1&y=2"},
		"Method":               {"GET"},
		"FallbackUrl":          {"https://rcml.example.test/fallback.xml"},
		"FallbackMethod":       {"POST"},
		"StatusCallback":       {"https://hooks.example.test/status"},
		"StatusCallbackMethod": {"POST"},
		"Timeout":              {"25"},
	}
	if !reflect.DeepEqual(got.Form, want) {
		t.Errorf("form = %v\nwant %v", got.Form, want)
	}
	if !strings.Contains(got.RawBody, "To=%2B447700900123") {
		t.Errorf("the + of a number must be form-encoded: %s", got.RawBody)
	}
}

func TestCreateCallOmitsUnsetParameters(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", callJSON(sidID, "QUEUED"))
	})
	c := newClient(t, srv.base())
	calls, err := c.CreateCall(context.Background(), CallParams{From: "5065", To: "client:sam", URL: "http://127.0.0.1:9/rcml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || calls[0].SID != sidID {
		t.Fatalf("calls = %+v", calls)
	}
	want := url.Values{"From": {"5065"}, "To": {"client:sam"}, "Url": {"http://127.0.0.1:9/rcml"}}
	if got := srv.last(t).Form; !reflect.DeepEqual(got, want) {
		t.Errorf("form = %v, want %v", got, want)
	}
}

func TestCreateCallArrayReply(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", wireFile(t, "create_array.json"))
	})
	c := newClient(t, srv.base())
	calls, err := c.CreateCall(context.Background(), CallParams{From: "+15551230000", To: "alice", URL: "http://127.0.0.1:9/rcml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 {
		t.Fatalf("got %d calls, want 2", len(calls))
	}
	for _, call := range calls {
		if !ValidCallSID(call.SID) || call.Status != StatusQueued || call.To != "alice" {
			t.Errorf("call = %+v", call)
		}
	}
	if calls[0].SID == calls[1].SID {
		t.Error("the two legs must have different SIDs")
	}
}

func TestCreateCallValidatesBeforeSending(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { t.Error("nothing should be sent") })
	c := newClient(t, srv.base())
	ok := CallParams{From: "1", To: "2", URL: "https://rcml.example.test/x"}
	for _, tc := range []struct {
		mutate func(*CallParams)
		want   string
	}{
		{func(p *CallParams) { p.From = " " }, "From is required"},
		{func(p *CallParams) { p.To = "" }, "To is required"},
		{func(p *CallParams) { p.URL = "" }, "URL is required"},
		{func(p *CallParams) { p.URL = "/relative.xml" }, "absolute http or https URL"},
		{func(p *CallParams) { p.StatusCallback = "ftp://x/y" }, "StatusCallback must be"},
		{func(p *CallParams) { p.FallbackURL = "nohost" }, "FallbackURL must be"},
		{func(p *CallParams) { p.Method = "PUT" }, "Method must be GET or POST"},
		{func(p *CallParams) { p.StatusCallbackMethod = "DELETE" }, "StatusCallbackMethod must be GET or POST"},
		{func(p *CallParams) { p.FallbackMethod = "x" }, "FallbackMethod must be GET or POST"},
		{func(p *CallParams) { p.Timeout = -1 }, "Timeout must not be negative"},
	} {
		p := ok
		tc.mutate(&p)
		_, err := c.CreateCall(context.Background(), p)
		if !strings.Contains(checkErr(t, err).Error(), tc.want) {
			t.Errorf("error %q does not contain %q", err, tc.want)
		}
		if errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("a refused parameter is not ambiguous: %v", err)
		}
	}
	if n := srv.count.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestGetCallEveryStatusSpellingAndSIDForm(t *testing.T) {
	var status string
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sid := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, callPrefix), ".json")
		send(w, http.StatusOK, "application/json", callJSON(sid, status))
	})
	c := newClient(t, srv.base())
	for _, tc := range statusSpellings() {
		for _, sid := range []string{sidCA, sidID} {
			status = tc.wire
			call, err := c.GetCall(context.Background(), sid)
			if err != nil {
				t.Fatal(err)
			}
			if call.SID != sid || call.Status != tc.want || call.RawStatus != tc.wire {
				t.Errorf("GetCall(%s) with %q: %+v", sid, tc.wire, call)
			}
			if got := srv.last(t); got.Method != http.MethodGet || got.Path != callPrefix+sid+".json" {
				t.Errorf("request = %s %s", got.Method, got.Path)
			}
		}
	}
}

func TestGetCallRejectsBadSIDsLocally(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:9/restcomm")
	for _, sid := range []string{"", "  ", "CA1/../../x", "CA1?x=1"} {
		if _, err := c.GetCall(context.Background(), sid); checkErr(t, err) == nil {
			t.Errorf("GetCall(%q) succeeded", sid)
		}
		if _, err := c.HangUpCall(context.Background(), sid); checkErr(t, err) == nil {
			t.Errorf("HangUpCall(%q) succeeded", sid)
		}
	}
}

func TestGetCallUndecodableReply(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", `{"sid": {"oops": true}}`)
	})
	c := newClient(t, srv.base())
	_, err := c.GetCall(context.Background(), sidCA)
	if !strings.Contains(checkErr(t, err).Error(), "get call") {
		t.Errorf("error = %v", err)
	}
	if n := srv.count.Load(); n != 1 {
		t.Errorf("a 200 that does not decode must not be retried: %d requests", n)
	}
}

func TestCancelAndHangUpPostStatus(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sid := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, callPrefix), ".json")
		// The reply shows the status from BEFORE the change.
		send(w, http.StatusOK, "application/json", callJSON(sid, "RINGING"))
	})
	c := newClient(t, srv.base())
	for _, tc := range []struct {
		name string
		do   func(context.Context, string) (*Call, error)
		want string
	}{
		{"cancel", c.CancelCall, "canceled"},
		{"hang up", c.HangUpCall, "completed"},
	} {
		for _, sid := range []string{sidCA, sidID} {
			call, err := tc.do(context.Background(), sid)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if call.SID != sid || call.Status != StatusRinging {
				t.Errorf("%s: reply = %+v", tc.name, call)
			}
			got := srv.last(t)
			if got.Method != http.MethodPost || got.Path != callPrefix+sid+".json" || got.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("%s: request = %s %s (%s)", tc.name, got.Method, got.Path, got.ContentType)
			}
			if want := (url.Values{"Status": {tc.want}}); !reflect.DeepEqual(got.Form, want) {
				t.Errorf("%s: form = %v, want %v", tc.name, got.Form, want)
			}
		}
	}
}

func TestModifyEmptyReply(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	c := newClient(t, srv.base())
	call, err := c.HangUpCall(context.Background(), sidCA)
	if err != nil || call == nil || call.SID != sidCA {
		t.Fatalf("HangUpCall = %+v, %v", call, err)
	}
}
