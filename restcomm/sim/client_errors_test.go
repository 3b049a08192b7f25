package sim_test

// Error replies of the simulator as the restcomm client reports them.

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm"
)

func TestClientErrors(t *testing.T) {
	e := newSimEnv(t)
	c := e.client()
	ctx := t.Context()

	t.Run("wrong token", func(t *testing.T) {
		const wrong = "0badc0de0badc0de0badc0de0badc0de"
		_, err := e.clientAs(e.base(), simAccount, wrong).CreateCall(ctx, params("+12025550120"))
		checkErr(t, err, wrong)
		if !errors.Is(err, restcomm.ErrUnauthorized) {
			t.Fatalf("want ErrUnauthorized, got %v", err)
		}
		if !strings.Contains(err.Error(), "restcomm.auth_token") {
			t.Errorf("no advice in %q", err)
		}
		_, err = e.clientAs(e.base(), simAccount, wrong).GetCall(ctx, "CA0123456789abcdef0123456789abcdef")
		if !errors.Is(checkErr(t, err, wrong), restcomm.ErrUnauthorized) {
			t.Fatalf("GetCall: want ErrUnauthorized, got %v", err)
		}
	})

	t.Run("unknown account", func(t *testing.T) {
		// Authenticated as the simulator's account, asking for another one: Restcomm's permission check
		// throws and the container answers 500 with an HTML page.
		const other = "AC99999999999999999999999999999999"
		hc := rewritingClient(t, signAsSimulator)
		before := e.tap.creates()
		_, err := e.clientAs(e.base(), other, "irrelevant-token", restcomm.WithHTTPClient(hc)).
			CreateCall(ctx, params("+12025550120"))
		checkErr(t, err, "irrelevant-token")
		if !errors.Is(err, restcomm.ErrUnknownAccount) {
			t.Fatalf("want ErrUnknownAccount, got %v", err)
		}
		apiError(t, err, http.StatusInternalServerError)
		if !strings.Contains(err.Error(), "not known to this server") {
			t.Errorf("no advice in %q", err)
		}
		if strings.Contains(err.Error(), "<") {
			t.Errorf("the HTML page is pasted into the error: %q", err)
		}
		if n := e.tap.creates() - before; n != 1 {
			t.Errorf("%d create POSTs, want 1", n)
		}
		// A GET is not retried on it either: the answer can only be the same.
		getsBefore := len(e.tap.requests())
		_, err = e.clientAs(e.base(), other, "irrelevant-token", restcomm.WithHTTPClient(hc)).
			GetCall(ctx, "CA0123456789abcdef0123456789abcdef")
		if !errors.Is(checkErr(t, err, "irrelevant-token"), restcomm.ErrUnknownAccount) {
			t.Fatalf("GetCall: want ErrUnknownAccount, got %v", err)
		}
		if n := len(e.tap.requests()) - getsBefore; n != 1 {
			t.Errorf("%d GETs for an unknown account, want 1", n)
		}
	})

	t.Run("base URL without /restcomm", func(t *testing.T) {
		_, err := e.clientAs(e.http.URL, simAccount, simToken).GetCall(ctx, "CA0123456789abcdef0123456789abcdef")
		if !errors.Is(checkErr(t, err), restcomm.ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
		if !strings.Contains(err.Error(), "restcomm.base_url is wrong") {
			t.Errorf("no advice in %q", err)
		}
	})

	t.Run("malformed account SID", func(t *testing.T) {
		const bad = "ACnot-a-sid"
		hc := rewritingClient(t, signAsSimulator)
		before := e.tap.creates()
		_, err := e.clientAs(e.base(), bad, "irrelevant-token", restcomm.WithHTTPClient(hc)).
			CreateCall(ctx, params("+12025550120"))
		ae := apiError(t, checkErr(t, err, "irrelevant-token"), http.StatusInternalServerError)
		if ae.Message != bad+" is an INVALID_SID sid value." {
			t.Errorf("Message %q", ae.Message)
		}
		if !strings.Contains(err.Error(), bad+" is an INVALID_SID sid value.") {
			t.Errorf("message not surfaced in %q", err)
		}
		if errors.Is(err, restcomm.ErrOutcomeUnknown) {
			t.Errorf("a 500 that placed nothing is reported as an unknown outcome")
		}
		if n := e.tap.creates() - before; n != 1 {
			t.Errorf("%d create POSTs, want 1", n)
		}
	})

	t.Run("missing To", func(t *testing.T) {
		// The client refuses on its own: nothing is sent.
		before := len(e.tap.requests())
		p := params("")
		if _, err := c.CreateCall(ctx, p); err == nil || !strings.Contains(err.Error(), "To is required") {
			t.Fatalf("want a local refusal, got %v", err)
		}
		if n := len(e.tap.requests()) - before; n != 0 {
			t.Fatalf("%d requests sent for an invalid create", n)
		}
		// The simulator's own reply to a create without To, surfaced through the client.
		hc := rewritingClient(t, dropFormField("To"))
		_, err := e.clientAs(e.base(), simAccount, simToken, restcomm.WithHTTPClient(hc)).
			CreateCall(ctx, params("+12025550120"))
		ae := apiError(t, checkErr(t, err), http.StatusBadRequest)
		if ae.Message != "To can not be null." || !strings.Contains(err.Error(), "To can not be null.") {
			t.Errorf("Message %q, error %q", ae.Message, err)
		}
		if errors.Is(err, restcomm.ErrOutcomeUnknown) {
			t.Errorf("a 400 is reported as an unknown outcome")
		}
	})

	if n := len(e.srv.CallLog()); n != 0 {
		t.Fatalf("refused creates placed %d calls", n)
	}

	t.Run("get unknown call", func(t *testing.T) {
		_, err := c.GetCall(ctx, "CA0123456789abcdef0123456789abcdef")
		if !errors.Is(checkErr(t, err), restcomm.ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
		if !strings.Contains(err.Error(), "no such call") {
			t.Errorf("no advice in %q", err)
		}
	})

	t.Run("cancel unknown call", func(t *testing.T) {
		_, err := c.CancelCall(ctx, "CA0123456789abcdef0123456789abcdef")
		if !errors.Is(checkErr(t, err), restcomm.ErrNotModifiable) {
			t.Fatalf("want ErrNotModifiable, got %v", err)
		}
		if errors.Is(err, restcomm.ErrNotFound) || errors.Is(err, restcomm.ErrCallGone) {
			t.Errorf("406 matches another sentinel: %v", err)
		}
	})

	t.Run("hang up an ended call", func(t *testing.T) {
		call := create(t, c, params("+12025550128")) // FAILED at 200 ms
		e.at(time.Second)
		wantStatus(t, "ended", get(t, c, call.SID), "FAILED", restcomm.StatusFailed)
		for name, modify := range map[string]func() (*restcomm.Call, error){
			"HangUpCall": func() (*restcomm.Call, error) { return c.HangUpCall(ctx, call.SID) },
			"CancelCall": func() (*restcomm.Call, error) { return c.CancelCall(ctx, call.SID) },
		} {
			_, err := modify()
			if !errors.Is(checkErr(t, err), restcomm.ErrCallGone) {
				t.Fatalf("%s: want ErrCallGone, got %v", name, err)
			}
			if ae := apiError(t, err, http.StatusGone); ae.Message != "Call is already completed." {
				t.Errorf("%s: Message %q", name, ae.Message)
			}
		}
	})
}
