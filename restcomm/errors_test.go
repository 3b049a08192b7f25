package restcomm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// runOp performs the operation an errorShape names against c.
func runOp(ctx context.Context, c *Client, op string) error {
	var err error
	switch op {
	case "create":
		_, err = c.CreateCall(ctx, CallParams{From: "+15551230000", To: "+447700900123", URL: "http://127.0.0.1:9/rcml"})
	case "get":
		_, err = c.GetCall(ctx, sidCA)
	case "list":
		_, err = c.ListCallsPage(ctx, ListFilter{}, 0)
	case "cancel":
		_, err = c.CancelCall(ctx, sidID)
	case "hangup":
		_, err = c.HangUpCall(ctx, sidID)
	default:
		panic("unknown op " + op)
	}
	return err
}

func TestErrorShapes(t *testing.T) {
	sentinels := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrNotModifiable, ErrCallGone, ErrOutcomeUnknown, ErrNotSent,
		ErrAccountInactive, ErrUnknownAccount, ErrRefusedByRestcomm, ErrCreateTimedOut, ErrNoOutboundRoute}
	for _, tc := range errorShapes() {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				send(w, tc.status, tc.contentType, tc.body)
			})
			c := newClient(t, srv.base())
			err := checkErr(t, runOp(context.Background(), c, tc.op))
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want an *APIError, got %T: %v", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Message != tc.message {
				t.Errorf("StatusCode %d Message %q; want %d %q", apiErr.StatusCode, apiErr.Message, tc.status, tc.message)
			}
			if apiErr.Op == "" || apiErr.Method == "" || !strings.HasPrefix(apiErr.Path, "/2012-04-24/Accounts/"+testAccount+"/Calls") {
				t.Errorf("Op %q Method %q Path %q", apiErr.Op, apiErr.Method, apiErr.Path)
			}
			if strings.Contains(apiErr.Body, testToken) {
				t.Error("Body holds the token")
			}
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tc.sentinel || s == tc.also; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
			text := err.Error()
			if !strings.Contains(text, http.StatusText(tc.status)) || !strings.Contains(text, tc.hint) || !strings.Contains(text, tc.message) {
				t.Errorf("Error() = %q; want the status text, %q and %q", text, tc.hint, tc.message)
			}
			wantRequests := int64(1)
			if strings.Contains(text, "<") {
				t.Errorf("Error() pastes markup: %q", text)
			}
			if tc.status >= 500 && !tc.permanent && (tc.op == "get" || tc.op == "list") {
				wantRequests = 3 // GETs are retried per RetryPolicy{Attempts: 3}
			}
			if n := srv.count.Load(); n != wantRequests {
				t.Errorf("%d requests, want %d", n, wantRequests)
			}
		})
	}
}

func TestErrorMessageShapes(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for body, want := range map[string]string{
		"":                               "",
		"  \n ":                          "",
		"To can not be null.":            "To can not be null.",
		`{"message":"m"}`:                "m",
		` {"message": "two\nlines"} `:    "two lines",
		`{"message": 42}`:                "42",
		`{"message": ""}`:                "",
		`{"other": 1}`:                   `{"other": 1}`,
		`{"message":`:                    `{"message":`,
		"tab\tand\x00nul\x07bell\u202e!": "tab andnulbell!",
		long:                             strings.Repeat("x", maxMessageRunes) + "...",
		"\xff\xfebad utf8":               "bad utf8",
	} {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestAPIErrorBodyIsBounded(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusBadRequest, "text/plain", "<p>"+strings.Repeat("é", 5000)+"</p>")
	})
	err := checkErr(t, runOp(context.Background(), newClient(t, srv.base()), "create"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatal(err)
	}
	if len(apiErr.Body) > maxErrorBody+3 || !strings.HasSuffix(apiErr.Body, "...") {
		t.Errorf("Body is %d bytes", len(apiErr.Body))
	}
	if len([]rune(apiErr.Message)) > maxMessageRunes+3 {
		t.Errorf("Message is %d runes", len([]rune(apiErr.Message)))
	}
}

func TestAPIErrorWithoutRequestDetails(t *testing.T) {
	e := &APIError{StatusCode: 418}
	if got := e.Error(); got != "restcomm: HTTP 418 I'm a teapot" {
		t.Errorf("Error() = %q", got)
	}
	if errors.Is(e, ErrNotFound) {
		t.Error("418 is not ErrNotFound")
	}
}
