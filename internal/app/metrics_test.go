package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// scrapeMetrics reads the app's /metrics from its own server over loopback.
func scrapeMetrics(t *testing.T, a *App) string {
	t.Helper()
	u, err := url.Parse(a.RCMLURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path, u.RawQuery = MetricsPath, ""
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, %v", u, resp.StatusCode, err)
	}
	return string(b)
}

// TestMetricsMoveWithACall: /metrics on server.listen shows a call placed and ended, the Restcomm requests
// it took and the refusals, and holds no phone number or caller ID.
func TestMetricsMoveWithACall(t *testing.T) {
	a, clk, logs := openSim(t, "Your phone number has been confirmed.")
	before := scrapeMetrics(t, a)
	if strings.Contains(before, "flashcall_calls_placed_total{") {
		t.Fatalf("a call counted before any was placed:\n%s", before)
	}
	events, stop := a.Service.Subscribe()
	defer stop()
	op := record.Operator{Name: "alice", Remote: "local"}
	res, err := a.Service.Place(context.Background(), op, "+447400123450")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service.Place(context.Background(), op, "+881612345678"); err == nil {
		t.Fatal("a satellite number was placed")
	}
	// The call rings out: advance the fake clock until its attempt is reported ended.
	// The clock runs ahead of the loopback requests, so under load the tracker may end the call otherwise
	// than rung out: the counter must name the outcome it ended with, whichever it was.
	deadline := time.Now().Add(20 * time.Second)
	var outcome record.Outcome
	for ended := false; !ended; {
		clk.Advance(time.Second)
		for drained := false; !drained; {
			select {
			case ev := <-events:
				if ev.Attempt.ID == res.Attempt.ID && ev.Attempt.State == record.StateEnded {
					ended, outcome = true, ev.Attempt.Outcome
				}
			default:
				drained = true
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the call did not end")
		}
	}
	after := scrapeMetrics(t, a)
	for _, want := range []string{
		`flashcall_calls_placed_total{country="GB"} 1`,
		`flashcall_calls_ended_total{country="GB",outcome="` + string(outcome) + `"} 1`,
		`flashcall_policy_refusals_total{rule="`,
		`flashcall_restcomm_request_seconds_count{op="create"} 1`,
		`flashcall_restcomm_request_seconds_count{op="get"}`,
		"flashcall_live_calls 0",
	} {
		if !strings.Contains(after, want) {
			t.Errorf("/metrics lacks %s:\n%s\n%s", want, grepMetrics(after, "flashcall_calls"), logs.String())
		}
	}
	a1 := res.Attempt
	for _, secret := range []string{"7400123450", "881612345678", a1.From[1:], a1.From[len(a1.From)-4:] + "\""} {
		if strings.Contains(after, secret) {
			t.Errorf("/metrics holds %q (a number or a caller ID)", secret)
		}
	}
	if regexp.MustCompile(`\{[^}]*\d{5,}[^}]*\}`).MatchString(after) {
		t.Error("a label holds a long digit string")
	}
}

// grepMetrics returns the lines of a scrape that start with prefix.
func grepMetrics(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
