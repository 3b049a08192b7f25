package verify

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// scriptedRestcomm answers the Calls API with hand-written bodies shaped as restcomm.md's table says a real
// server writes them (not as the simulator does): the create gets the first body, every later GET of the call
// the next one, and the last body is repeated for ever.
type scriptedRestcomm struct {
	mu      sync.Mutex
	bodies  []string
	next    int
	gets    int
	cancels int
}

// counts returns how many GETs and modify requests the script has answered.
func (s *scriptedRestcomm) counts() (gets, cancels int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets, s.cancels
}

// scriptedRig is a rig whose service talks to a scriptedRestcomm serving bodies, with settings set.
func scriptedRig(t *testing.T, set Settings, bodies ...string) (*rig, *scriptedRestcomm) {
	t.Helper()
	script := &scriptedRestcomm{bodies: bodies}
	srv := httptest.NewServer(script)
	t.Cleanup(srv.Close)
	client, err := restcomm.New(srv.URL+"/restcomm", "AC00000000000000000000000000000001", "secret-token",
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, nil)
	r.svc.Close()
	r.svc = r.newService(set, client)
	return r, script
}

func (s *scriptedRestcomm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	body := s.bodies[min(s.next, len(s.bodies)-1)]
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Calls.json"):
		s.next = 1
	case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/Calls/"):
		s.gets++
		s.next++
	case r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/Calls/"):
		s.cancels++ // the reply shows the state before the change, as Restcomm's does
	default:
		http.Error(w, "", http.StatusNotFound)
		return
	}
	fmt.Fprint(w, body)
}

// wireCall writes one call record as Restcomm 8.4+ does: null fields left out, dates in the server's zone.
func wireCall(sid, status string, extra string) string {
	return `{"sid":"` + sid + `","InstanceId":"ID8e1c0a5e4b0f4d3c9f6a7b2e1d0c9b8a","date_created":"Thu, 26 Nov 2026 05:00:00 -0400",` +
		`"date_updated":"Thu, 26 Nov 2026 05:00:09 -0400","account_sid":"AC00000000000000000000000000000001",` +
		`"to":"447400123450","from":"+447418340465","status":"` + status + `","start_time":"2026-11-26T05:00:00.000-04:00",` +
		`"price_unit":"USD","direction":"outbound-api","api_version":"2012-04-24","caller_name":"+447418340465",` +
		`"uri":"/2012-04-24/Accounts/AC00000000000000000000000000000001/Calls/` + sid + `.json"` + extra + `}`
}

func TestEveryEndingOfTheWireTable(t *testing.T) {
	const sid = "CA0123456789abcdef0123456789abcdef"
	const end = `,"end_time":"2026-11-26T05:00:10.000-04:00"`
	queued := wireCall(sid, "QUEUED", "")
	ringing := wireCall(sid, "RINGING", "")
	answered := wireCall(sid, "in-progress", `,"answered_by":"447400123450"`)
	for _, tc := range []struct {
		name      string
		bodies    []string
		callbacks bool
		outcome   record.Outcome
		answered  bool
		note      string
	}{
		// 8.4 and later.
		{name: "8.4 rang out: canceled with duration and nothing else", outcome: record.OutcomeDelivered,
			bodies: []string{queued, ringing, wireCall(sid, "canceled", `,"duration":10`+end)}},
		{name: "8.4 hung up by the API while ringing", outcome: record.OutcomeDelivered,
			bodies: []string{queued, ringing, ringing, wireCall(sid, "canceled", `,"duration":3`+end)}},
		{name: "8.4 answered, message played, hung up", outcome: record.OutcomeAnswered, answered: true,
			bodies: []string{queued, ringing, answered, wireCall(sid, "completed", `,"duration":4,"answered_by":"447400123450","ring_duration":3`+end)}},
		{name: "in-progress seen, final record without answered_by", outcome: record.OutcomeAnswered, answered: true,
			bodies: []string{queued, wireCall(sid, "in-progress", ""), wireCall(sid, "completed", `,"duration":4`+end)}},
		{name: "8.4 busy or declined", outcome: record.OutcomeBusy,
			bodies: []string{queued, ringing, wireCall(sid, "BUSY", `,"duration":0,"ring_duration":2`)}},
		{name: "8.4 other SIP failure", outcome: record.OutcomeFailed,
			bodies: []string{queued, wireCall(sid, "FAILED", "")}},
		{name: "canceled without ringing seen, polling only", outcome: record.OutcomeNotDelivered, note: noRingingNote,
			bodies: []string{queued, wireCall(sid, "canceled", `,"duration":10`+end)}},
		{name: "canceled without ringing seen, callbacks on", outcome: record.OutcomeNotDelivered, callbacks: true,
			bodies: []string{queued, wireCall(sid, "canceled", `,"duration":10`+end)}},
		// Before 8.4.
		{name: "8.2 rang out: NO_ANSWER", outcome: record.OutcomeDelivered,
			bodies: []string{queued, ringing, wireCall(sid, "NO_ANSWER", `,"duration":0,"ring_duration":10`+end)}},
		{name: "8.2 NO_ANSWER without ringing seen: ring_duration proves nothing", outcome: record.OutcomeNotDelivered, note: noRingingNote,
			bodies: []string{queued, wireCall(sid, "NO_ANSWER", `,"duration":0,"ring_duration":10`+end)}},
		{name: "8.2 hung up while ringing: CANCELED", outcome: record.OutcomeDelivered,
			bodies: []string{queued, ringing, wireCall(sid, "CANCELED", `,"duration":0`+end)}},
		{name: "8.2 NOT_FOUND", outcome: record.OutcomeNotFound,
			bodies: []string{queued, wireCall(sid, "NOT_FOUND", "")}},
		{name: "8.2 answered: duration and answered_by", outcome: record.OutcomeAnswered, answered: true,
			bodies: []string{queued, ringing, answered, wireCall(sid, "completed", `,"duration":4,"answered_by":"447400123450","ring_duration":3`+end)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := defaultSettings()
			set.RCMLURL = "http://127.0.0.1:1/rcml.xml"
			if tc.callbacks {
				set.StatusCallbackURL = "http://127.0.0.1:1/callbacks"
			}
			r, _ := scriptedRig(t, set, tc.bodies...)
			res := r.place("+447400123450")
			r.advance(time.Duration(len(tc.bodies)+1) * time.Second)
			a := r.attempt(res.Attempt.ID)
			if a.Outcome != tc.outcome {
				t.Fatalf("outcome %q, want %q (status %q, timeline %v)", a.Outcome, tc.outcome, a.Status, r.statuses(a.ID))
			}
			if got := a.Outcome == record.OutcomeAnswered; got != tc.answered {
				t.Errorf("answered %v, want %v", got, tc.answered)
			}
			if tc.note != "" && !strings.Contains(a.Error, tc.note) {
				t.Errorf("error %q, want the note %q", a.Error, tc.note)
			}
			if tc.note == "" && strings.Contains(a.Error, noRingingNote) {
				t.Errorf("error %q carries the no-ringing note", a.Error)
			}
			if a.EndedAt.IsZero() || a.EndedAt.Location() != time.UTC && a.EndedAt.Location().String() != "UTC" {
				t.Errorf("ended at %v, want a UTC time", a.EndedAt)
			}
		})
	}
}

func TestStuckQueuedCallEndsNotDeliveredWithTheReason(t *testing.T) {
	const sid = "CA0123456789abcdef0123456789abcdef"
	set := defaultSettings()
	r, script := scriptedRig(t, set, wireCall(sid, "QUEUED", ""))
	res := r.place("+447400123450")
	limit := r.svc.queuedLimit()
	if want := time.Duration(set.Timeout)*time.Second + serverCreateTimeout + 2*set.PollInterval; limit != want {
		t.Fatalf("queued limit %v, want %v", limit, want)
	}
	r.advance(limit - time.Second)
	if a := r.attempt(res.Attempt.ID); a.Outcome != "" {
		t.Fatalf("gave up at %v, before the limit %v: %q", limit-time.Second, limit, a.Outcome)
	}
	r.advance(2 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Outcome != record.OutcomeNotDelivered || !strings.Contains(a.Error, "Restcomm never rang this call (still queued after ") ||
		!strings.Contains(a.Error, "check the outbound route") {
		t.Fatalf("outcome %q error %q; want not delivered, still queued", a.Outcome, a.Error)
	}
	if v := r.verification(a.VerificationID); v.Status != "not-delivered" {
		t.Errorf("verification %q, want not-delivered", v.Status)
	}
	gets, cancels := script.counts()
	if cancels != 1 {
		t.Errorf("%d cancel requests, want 1: a written-off call must not ring later", cancels)
	}
	r.advance(10 * time.Second)
	if after, _ := script.counts(); after != gets {
		t.Errorf("still polling after giving up")
	}
}

func TestAnsweredCallStuckInProgressIsBounded(t *testing.T) {
	const sid = "CA0123456789abcdef0123456789abcdef"
	r, script := scriptedRig(t, defaultSettings(), wireCall(sid, "QUEUED", ""), wireCall(sid, "RINGING", ""),
		wireCall(sid, "in-progress", `,"answered_by":"447400123450"`))
	res := r.place("+447400123450")
	r.advance(3 * time.Second)
	if a := r.attempt(res.Attempt.ID); a.Status != "in-progress" || a.Outcome != "" {
		t.Fatalf("status %q outcome %q, want in-progress and open", a.Status, a.Outcome)
	}
	r.advance(r.svc.answeredLimit() + 2*time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Outcome != record.OutcomeAnswered || !strings.Contains(a.Error, "in progress") {
		t.Fatalf("outcome %q error %q; want answered, tracking stopped", a.Outcome, a.Error)
	}
	if _, cancels := script.counts(); cancels != 1 {
		t.Errorf("%d hang-up requests, want 1", cancels)
	}
}
