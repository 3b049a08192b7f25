package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/flashcall/flashcall/internal/record"
)

// scrape returns what /metrics serves.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d, %v", resp.StatusCode, err)
	}
	return string(body)
}

// TestCountersAndGauges: counters counted from many goroutines at once come out exact, the gauges read at
// the scrape, and no label holds a digit string that could be a number even when one is passed by mistake.
func TestCountersAndGauges(t *testing.T) {
	m := New(Gauges{LiveCalls: func() int { return 3 }, Sessions: func() int { return 7 }, Alarms: func() int { return 1 }})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.CallPlaced("GB")
			m.CallEnded("GB", record.OutcomeDelivered)
			m.CodeChecked(i%5 == 0)
			m.Refused("limit_per_prefix")
		}()
	}
	wg.Wait()
	m.CallPlaced("+447400123450")                      // a number where a country belongs: "other"
	m.CallEnded("GB", record.Outcome("+447400123450")) // likewise for an outcome
	m.Refused("+447418340465")                         // and a rule
	out := scrape(t, m)
	for _, want := range []string{
		`flashcall_calls_placed_total{country="GB"} 50`,
		`flashcall_calls_placed_total{country="other"} 1`,
		`flashcall_calls_ended_total{country="GB",outcome="delivered"} 50`,
		`flashcall_calls_ended_total{country="GB",outcome="other"} 1`,
		`flashcall_code_checks_total{result="right"} 10`,
		`flashcall_code_checks_total{result="wrong"} 40`,
		`flashcall_policy_refusals_total{rule="limit_per_prefix"} 50`,
		`flashcall_policy_refusals_total{rule="other"} 1`,
		"flashcall_live_calls 3", "flashcall_ssh_sessions 7", "flashcall_alarms_active 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if regexp.MustCompile(`\{[^}]*\d{5,}[^}]*\}`).MatchString(out) {
		t.Errorf("a label holds a long digit string:\n%s", out)
	}
}

// TestTransportTimesRestcommRequests: every Calls API request is timed under its operation, and failures
// are counted by kind.
func TestTransportTimesRestcommRequests(t *testing.T) {
	m := New(Gauges{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/Calls/CAbad") {
			http.Error(w, "", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	c := &http.Client{Transport: m.Transport(nil)}
	base := srv.URL + "/restcomm/2012-04-24/Accounts/AC1/Calls"
	for _, r := range []struct{ method, url string }{
		{http.MethodPost, base + ".json"}, {http.MethodGet, base + ".json"}, {http.MethodGet, base + "/CA1.json"},
		{http.MethodPost, base + "/CA1.json"}, {http.MethodGet, base + "/CAbad.json"},
	} {
		req, _ := http.NewRequest(r.method, r.url, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out := scrape(t, m)
	for _, want := range []string{`flashcall_restcomm_request_seconds_count{op="create"} 1`,
		`flashcall_restcomm_request_seconds_count{op="list"} 1`, `flashcall_restcomm_request_seconds_count{op="get"} 2`,
		`flashcall_restcomm_request_seconds_count{op="modify"} 1`, `flashcall_restcomm_errors_total{kind="5xx",op="get"} 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
