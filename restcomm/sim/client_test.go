package sim_test

// The restcomm client against the simulator over real HTTP on 127.0.0.1: the same expectations the client's
// own tests check against hand-written httptest replies, here against a server that produces the wire format
// on its own. The simulator runs on a fake clock; nothing sleeps. Helpers are in client_helpers_test.go; errors,
// listing and faults have files of their own.

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestClientCreateWithEveryParameter(t *testing.T) {
	// The primary document fails, so the answered call falls back; callbacks are asked for with GET.
	primary, primaryFetches := recorder(t, serveDoc(http.StatusInternalServerError, "text/plain", "down"))
	doc, err := rcml.NewHandler(rcml.FlashOptions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fallback, fallbackFetches := recorder(t, doc.ServeHTTP)
	callbacks, cbReqs := recorder(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	e := newSimEnv(t) // closed before the test servers, so no delivery is cut short

	c := e.client(restcomm.WithUserAgent("flashcall/1.2.3 (client test)"))
	p := restcomm.CallParams{
		From: "447418340465", To: "+12025550126",
		URL: primary.URL + "/flash.xml", Method: "get",
		FallbackURL: fallback.URL + "/fallback.xml", FallbackMethod: "POST",
		StatusCallback: callbacks.URL + "/status", StatusCallbackMethod: "GET",
		Timeout: 30,
	}
	call := create(t, c, p)

	reqs := e.tap.requests()
	if len(reqs) != 1 {
		t.Fatalf("the simulator saw %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/restcomm/2012-04-24/Accounts/"+simAccount+"/Calls.json" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if r.ContentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", r.ContentType)
	}
	if !r.HasAuth || r.User != simAccount || r.Pass != simToken {
		t.Errorf("Basic auth %v user %q", r.HasAuth, r.User)
	}
	if r.UserAgent != "flashcall/1.2.3 (client test)" {
		t.Errorf("User-Agent %q", r.UserAgent)
	}
	wantForm := map[string]string{
		"From": p.From, "To": p.To, "Url": p.URL, "Method": "GET", "FallbackUrl": p.FallbackURL,
		"FallbackMethod": "POST", "StatusCallback": p.StatusCallback, "StatusCallbackMethod": "GET", "Timeout": "30",
	}
	for k, v := range wantForm {
		if got := r.Form.Get(k); got != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if len(r.Form) != len(wantForm) {
		t.Errorf("form has %d fields, want %d: %v", len(r.Form), len(wantForm), r.Form)
	}
	if r.Code != http.StatusOK {
		t.Errorf("the simulator answered %d, want 200", r.Code)
	}

	// The decoded reply.
	wantStatus(t, "create reply", &call, "QUEUED", restcomm.StatusQueued)
	if !restcomm.ValidCallSID(call.SID) {
		t.Errorf("SID %q is not a valid call SID", call.SID)
	}
	if !call.DateCreated.Equal(epoch()) || !call.DateUpdated.Equal(epoch()) || !call.StartTime.Equal(epoch()) {
		t.Errorf("dates created %v updated %v start %v, want %v", call.DateCreated, call.DateUpdated, call.StartTime, epoch())
	}
	if !call.EndTime.IsZero() || call.HasDuration || call.Answered() {
		t.Errorf("a new call has an end %v, duration %v or answer", call.EndTime, call.HasDuration)
	}
	wantURI := "/2012-04-24/Accounts/" + simAccount + "/Calls/" + call.SID + ".json"
	if call.URI != wantURI {
		t.Errorf("URI %q, want %q", call.URI, wantURI)
	}
	if !strings.HasSuffix(call.SubresourceURIs["recordings"], "/Calls/"+call.SID+"/Recordings.json") {
		t.Errorf("subresource URIs %v", call.SubresourceURIs)
	}
	if call.AccountSID != simAccount || call.To != p.To || call.From != p.From || call.Direction != "outbound-api" ||
		call.APIVersion != "2012-04-24" || call.InstanceID != e.srv.InstanceID() || call.PriceUnit != "USD" {
		t.Errorf("reply fields: %+v", call)
	}
	if fetched := get(t, c, call.SID); fetched.SID != call.SID || fetched.URI != call.URI {
		t.Errorf("GET returned %+v", fetched)
	}

	// Every parameter reached the simulator under its case-sensitive name: Method=GET for the primary fetch,
	// the fallback with POST, callbacks with GET, and Timeout long enough for the answer at 2.2 s.
	next(t, cbReqs) // initiated, sent at create
	e.at(2200 * ms)
	if f := next(t, primaryFetches); f.Method != http.MethodGet {
		t.Errorf("primary RCML fetched with %s, want GET", f.Method)
	}
	if f := next(t, fallbackFetches); f.Method != http.MethodPost || f.PostForm.Get("CallSid") != call.SID {
		t.Errorf("fallback fetched with %s and CallSid %q", f.Method, f.PostForm.Get("CallSid"))
	}
	for range 2 { // ringing, answered
		if cb := next(t, cbReqs); cb.Method != http.MethodGet || cb.Query.Get("CallSid") != call.SID {
			t.Errorf("callback %s with CallSid %q", cb.Method, cb.Query.Get("CallSid"))
		}
	}
	wantStatus(t, "after the answer", get(t, c, call.SID), "in-progress", restcomm.StatusInProgress)
}

// seen is a status the client should read at a moment after the create.
type seen struct {
	at     time.Duration
	raw    string
	status restcomm.Status
}

// clientOutcomes places one call per case (the digit is the last of the number) and walks the clock through
// every moment of interest, checking what the client reads at each. It returns the calls' SIDs.
func clientOutcomes(t *testing.T, e *simEnv, c *restcomm.Client, url string, cases []struct {
	digit    int
	timeline []seen
}) []string {
	t.Helper()
	sids := make([]string, len(cases))
	for i, tc := range cases {
		p := params("+1202555012" + strconv.Itoa(tc.digit))
		p.URL = url
		call := create(t, c, p)
		wantStatus(t, p.To+" created", &call, "QUEUED", restcomm.StatusQueued)
		sids[i] = call.SID
	}
	var moments []time.Duration
	for _, tc := range cases {
		for _, s := range tc.timeline {
			moments = append(moments, s.at)
		}
	}
	slices.Sort(moments)
	for _, at := range slices.Compact(moments) {
		e.at(at)
		for i, tc := range cases {
			var want *seen
			for j := range tc.timeline {
				if tc.timeline[j].at <= at {
					want = &tc.timeline[j]
				}
			}
			if want == nil {
				continue
			}
			got := get(t, c, sids[i])
			wantStatus(t, "digit "+strconv.Itoa(tc.digit)+" at "+at.String(), got, want.raw, want.status)
			if got.Status.Final() == got.Status.Live() {
				t.Errorf("digit %d: %q is both or neither live and final", tc.digit, got.Status)
			}
		}
	}
	return sids
}

func TestClientOutcomeByLastDigit(t *testing.T) {
	doc, err := rcml.NewHandler(rcml.FlashOptions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcmlSrv, fetches := recorder(t, doc.ServeHTTP)
	e := newSimEnv(t)
	c := e.client()

	queued := seen{0, "QUEUED", restcomm.StatusQueued}
	ringing := seen{200 * ms, "RINGING", restcomm.StatusRinging}
	rungOut := []seen{ringing, {10 * time.Second, "canceled", restcomm.StatusCanceled}}
	cases := []struct {
		digit    int
		timeline []seen
	}{
		{0, rungOut}, {1, rungOut}, {2, rungOut}, {3, rungOut},
		{4, []seen{queued, {time.Minute, "QUEUED", restcomm.StatusQueued}}},
		{5, []seen{ringing, {3200 * ms, "BUSY", restcomm.StatusBusy}}},
		{6, []seen{ringing, {2200 * ms, "in-progress", restcomm.StatusInProgress}, {10 * time.Second, "completed", restcomm.StatusCompleted}}},
		{7, []seen{ringing, {1200 * ms, "BUSY", restcomm.StatusBusy}}},
		{8, []seen{{200 * ms, "FAILED", restcomm.StatusFailed}}},
		{9, []seen{{200 * ms, "QUEUED", restcomm.StatusQueued}, {time.Second, "FAILED", restcomm.StatusFailed}}},
	}
	sids := clientOutcomes(t, e, c, rcmlSrv.URL+"/flash.xml", cases)

	// Only the answered call fetched its document, once.
	if f := next(t, fetches); f.PostForm.Get("CallSid") != sids[6] || f.PostForm.Get("CallStatus") != "in-progress" {
		t.Errorf("RCML fetch for %q with CallStatus %q", f.PostForm.Get("CallSid"), f.PostForm.Get("CallStatus"))
	}
	none(t, fetches, "second RCML fetch")

	for i, tc := range cases {
		call := get(t, c, sids[i])
		what := "digit " + strconv.Itoa(tc.digit)
		switch tc.digit {
		case 0, 1, 2, 3: // rung out: canceled, a duration of the ring time, no ring_duration
			if call.Answered() || !call.HasDuration || call.Duration != 10 || call.RingDuration != 0 || call.EndTime.IsZero() {
				t.Errorf("%s: %+v", what, call)
			}
		case 4:
			if call.HasDuration || !call.EndTime.IsZero() || call.Answered() {
				t.Errorf("%s: %+v", what, call)
			}
		case 5, 7: // BUSY: duration 0, ring_duration, no end_time
			if call.Answered() || !call.HasDuration || call.Duration != 0 || call.RingDuration == 0 || !call.EndTime.IsZero() {
				t.Errorf("%s: %+v", what, call)
			}
		case 6:
			if !call.Answered() || call.AnsweredBy != "+12025550126" || call.Duration <= 0 || call.RingDuration != 2 ||
				call.EndTime.IsZero() || !call.StartTime.Equal(epoch().Add(2200*ms)) {
				t.Errorf("%s: %+v", what, call)
			}
		case 8, 9: // FAILED: no duration, no end_time
			if call.Answered() || call.HasDuration || !call.EndTime.IsZero() {
				t.Errorf("%s: %+v", what, call)
			}
		}
	}
}

func TestClientOutcomeByLastDigitOnVersion82(t *testing.T) {
	// The statuses servers before 8.4 leave in a record, so the client's handling of them stays tested.
	e := newSimEnv(t, func(o *sim.Options) { o.Version = sim.LegacyVersion })
	c := e.client()
	ringing := seen{200 * ms, "RINGING", restcomm.StatusRinging}
	cases := []struct {
		digit    int
		timeline []seen
	}{
		{0, []seen{ringing, {10 * time.Second, "NO_ANSWER", restcomm.StatusNoAnswer}}},
		{9, []seen{{200 * ms, "QUEUED", restcomm.StatusQueued}, {time.Second, "NOT_FOUND", restcomm.StatusNotFound}}},
	}
	sids := clientOutcomes(t, e, c, "http://127.0.0.1:1/never.xml", cases)
	if call := get(t, c, sids[0]); call.Answered() || call.Duration != 0 || call.RingDuration != 10 {
		t.Errorf("NO_ANSWER call: %+v", call)
	}
	// Hung up through the API while ringing: CANCELED.
	ringer := create(t, c, params("+12025550121"))
	e.at(11 * time.Second)
	if _, err := c.CancelCall(t.Context(), ringer.SID); err != nil {
		t.Fatal(checkErr(t, err))
	}
	wantStatus(t, "after cancel", get(t, c, ringer.SID), "CANCELED", restcomm.StatusCanceled)
}

func TestClientCancelAndHangUp(t *testing.T) {
	doc, err := rcml.NewHandler(rcml.FlashOptions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcmlSrv := httptestServer(t, doc)
	e := newSimEnv(t)
	c := e.client()
	ctx := t.Context()

	ringer := create(t, c, params("+12025550120"))
	answerer := params("+12025550126")
	answerer.URL = rcmlSrv + "/flash.xml"
	talker := create(t, c, answerer)

	e.at(time.Second)
	before, err := c.CancelCall(ctx, ringer.SID)
	if err != nil {
		t.Fatal(checkErr(t, err))
	}
	// The reply shows the status from BEFORE the change.
	wantStatus(t, "cancel reply", before, "RINGING", restcomm.StatusRinging)
	after := get(t, c, ringer.SID)
	wantStatus(t, "after cancel", after, "canceled", restcomm.StatusCanceled)
	if after.Answered() || !after.HasDuration || after.Duration != 1 || after.RingDuration != 0 || after.EndTime.IsZero() {
		t.Errorf("canceled call: %+v", after)
	}

	e.at(2500 * ms) // answered at 2.2 s, speaking
	got, err := c.CancelCall(ctx, talker.SID)
	if err != nil {
		t.Fatal(checkErr(t, err))
	}
	wantStatus(t, "cancel of an answered call", got, "in-progress", restcomm.StatusInProgress)
	wantStatus(t, "cancel does nothing once answered", get(t, c, talker.SID), "in-progress", restcomm.StatusInProgress)
	got, err = c.HangUpCall(ctx, talker.SID)
	if err != nil {
		t.Fatal(checkErr(t, err))
	}
	wantStatus(t, "hang-up reply", got, "in-progress", restcomm.StatusInProgress)
	ended := get(t, c, talker.SID)
	wantStatus(t, "after hang-up", ended, "completed", restcomm.StatusCompleted)
	if !ended.Answered() || ended.AnsweredBy != "+12025550126" || !ended.HasDuration || ended.Duration != 0 ||
		ended.EndTime.IsZero() {
		t.Errorf("hung-up call (answered at 2.2 s, hung up at 2.5 s): %+v", ended)
	}
	if _, err := c.HangUpCall(ctx, talker.SID); !errors.Is(checkErr(t, err), restcomm.ErrCallGone) {
		t.Fatalf("second hang-up: want ErrCallGone, got %v", err)
	}
}

func TestClientStatusCallbacks(t *testing.T) {
	events := make(chan restcomm.CallbackEvent, 16)
	cb := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := restcomm.ParseCallback(r)
		if err != nil {
			t.Errorf("ParseCallback: %v", err)
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		events <- ev
		w.WriteHeader(http.StatusNoContent)
	}))
	e := newSimEnv(t) // closed before the callback server: its deliveries finish first
	c := e.client()
	p := params("+12025550120")
	p.StatusCallback = cb + "/status"
	call := create(t, c, p)

	type want struct {
		event string
		seq   int
		at    time.Time
	}
	var got []restcomm.CallbackEvent
	check := func(w want) {
		t.Helper()
		ev := next(t, events)
		if ev.Event != w.event || ev.Sequence != w.seq || ev.CallSID != call.SID || ev.AccountSID != simAccount ||
			ev.To != p.To || ev.From != p.From || ev.Direction != "outbound-api" ||
			ev.CallbackSource != "call-progress-events" || !ev.Timestamp.Equal(w.at) {
			t.Fatalf("callback %+v, want %s #%d at %v", ev, w.event, w.seq, w.at)
		}
		got = append(got, ev)
	}
	check(want{"initiated", 0, epoch()})
	e.at(200 * ms)
	check(want{"ringing", 1, epoch()}) // Restcomm's Timestamp has whole seconds
	e.at(10 * time.Second)
	check(want{"completed", 3, epoch().Add(10 * time.Second)})
	none(t, events, "callback after completed")

	// CallStatus is the event name; the outcome comes from GET.
	wantStatus(t, "outcome", get(t, c, call.SID), "canceled", restcomm.StatusCanceled)

	var order restcomm.CallbackOrder
	for _, ev := range got {
		if !order.Accept(ev) {
			t.Errorf("first sight of %s #%d refused", ev.Event, ev.Sequence)
		}
	}
	for _, ev := range got {
		if order.Accept(ev) {
			t.Errorf("duplicate %s #%d accepted", ev.Event, ev.Sequence)
		}
	}
	late := restcomm.NewCallbackOrder()
	if !late.Accept(got[2]) {
		t.Fatal("completed refused")
	}
	if late.Accept(got[1]) || late.Accept(got[0]) {
		t.Error("events older than completed accepted after it")
	}
	other := got[0]
	other.CallSID = "CA0123456789abcdef0123456789abcdef"
	if !late.Accept(other) {
		t.Error("another call's first event refused")
	}
}

func TestClientReadsDatesInTheServerZone(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan restcomm.CallbackEvent, 8)
	cb := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := restcomm.ParseCallback(r)
		if err != nil {
			t.Errorf("ParseCallback: %v", err)
		}
		events <- ev
		w.WriteHeader(http.StatusNoContent)
	}))
	e := newSimEnv(t, func(o *sim.Options) { o.Location = madrid })
	c := e.client()
	p := params("+12025550120")
	p.StatusCallback = cb + "/status"
	call := create(t, c, p)
	if !call.DateCreated.Equal(epoch()) || !call.StartTime.Equal(epoch()) {
		t.Errorf("created %v start %v, want %v", call.DateCreated, call.StartTime, epoch())
	}
	// "Fri, 30 Jun 2017 11:39:16 Europe/Madrid" is the same instant as 09:39:16 UTC.
	if ev := next(t, events); !ev.Timestamp.Equal(epoch()) {
		t.Errorf("callback Timestamp read as %v, want %v", ev.Timestamp, epoch())
	}
	e.at(10 * time.Second)
	if got := get(t, c, call.SID); !got.EndTime.Equal(epoch().Add(10 * time.Second)) {
		t.Errorf("end %v", got.EndTime)
	}
}
