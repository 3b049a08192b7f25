package restcomm

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// callbackForm is the form Restcomm posts for one event.
func callbackForm(sid, event string, seq int, ts string) url.Values {
	v := url.Values{
		"CallSid":        {sid},
		"AccountSid":     {testAccount},
		"CallStatus":     {event},
		"SequenceNumber": {strconv.Itoa(seq)},
		"From":           {"+15551230000"},
		"To":             {"+447700900123"},
		"Direction":      {"outbound-api"},
		"CallerName":     {"Flash"},
		"Timestamp":      {ts},
		"CallbackSource": {"call-progress-events"},
	}
	if event == "completed" {
		v.Set("CallDuration", "0")
	}
	return v
}

// postCallback builds the POST request Restcomm sends.
func postCallback(form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/restcomm/status", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// getCallback builds the GET request Restcomm sends with StatusCallbackMethod=GET.
func getCallback(form url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, "http://127.0.0.1/restcomm/status?"+form.Encode(), nil)
}

func TestParseCallbackPostAndGet(t *testing.T) {
	ts := "Sat, 1 Jul 2017 08:05:09 +0000"
	want := CallbackEvent{
		CallSID: sidID, AccountSID: testAccount, Event: "ringing", Sequence: 1,
		From: "+15551230000", To: "+447700900123", Direction: "outbound-api", CallerName: "Flash",
		CallbackSource: "call-progress-events", Timestamp: time.Date(2017, 7, 1, 8, 5, 9, 0, time.UTC), RawTimestamp: ts,
	}
	for name, r := range map[string]*http.Request{
		"POST": postCallback(callbackForm(sidID, "ringing", 1, ts)),
		"GET":  getCallback(callbackForm(sidID, "ringing", 1, ts)),
	} {
		ev, err := ParseCallback(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !ev.Timestamp.Equal(want.Timestamp) {
			t.Errorf("%s: Timestamp = %v", name, ev.Timestamp)
		}
		ev.Timestamp = want.Timestamp
		if ev != want {
			t.Errorf("%s: event =\n%+v\nwant\n%+v", name, ev, want)
		}
	}
}

func TestParseCallbackCompletedCarriesDuration(t *testing.T) {
	form := callbackForm(sidCA, "COMPLETED", 3, "2017-07-01T08:05:41.000Z")
	form.Set("CallDuration", "12")
	ev, err := ParseCallback(postCallback(form))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Event != "completed" || ev.Sequence != 3 || ev.Duration != 12 {
		t.Errorf("event = %+v", ev)
	}
	form.Set("CallDuration", "soon")
	if ev, err = ParseCallback(postCallback(form)); err != nil || ev.Duration != 0 {
		t.Errorf("a bad CallDuration must read as 0: %+v, %v", ev, err)
	}
}

func TestParseCallbackTimestamps(t *testing.T) {
	want := time.Date(2017, 7, 1, 8, 5, 9, 0, time.UTC)
	for _, ts := range []string{
		"Sat, 1 Jul 2017 08:05:09 +0000",
		"Sat, 01 Jul 2017 08:05:09 +0000",
		"Sat, 01 Jul 2017 08:05:09 GMT",
		"Sat, 01 Jul 2017 10:05:09 +0200",
		"2017-07-01T08:05:09Z",
		"2017-07-01T08:05:09.000+00:00",
		"2017-07-01T09:05:09+0100",
		"Sat Jul  1 08:05:09 UTC 2017",
		"1498896309",
		// Restcomm writes a zone ID, not an offset.
		"Sat, 1 Jul 2017 08:05:09 UTC",
		"Sat, 1 Jul 2017 10:05:09 Europe/Madrid",
		"Sat, 1 Jul 2017 04:05:09 America/New_York",
	} {
		ev, err := ParseCallback(postCallback(callbackForm(sidCA, "initiated", 0, ts)))
		if err != nil {
			t.Fatalf("%q: %v", ts, err)
		}
		if !ev.Timestamp.Equal(want) || ev.RawTimestamp != ts {
			t.Errorf("%q: Timestamp %v Raw %q", ts, ev.Timestamp, ev.RawTimestamp)
		}
	}
	for _, ts := range []string{"", "yesterday", "Sat, 32 Jul 2017 08:05:09 +0000", "\x00", "Sat, 1 Jul 2017 10:05:09 Nowhere/Town"} {
		ev, err := ParseCallback(getCallback(callbackForm(sidCA, "initiated", 0, ts)))
		if err != nil {
			t.Fatalf("a bad timestamp %q must not be an error: %v", ts, err)
		}
		if !ev.Timestamp.IsZero() || ev.RawTimestamp != ts {
			t.Errorf("%q: Timestamp %v Raw %q", ts, ev.Timestamp, ev.RawTimestamp)
		}
	}
}

func TestParseCallbackSequenceInference(t *testing.T) {
	for event, want := range map[string]int{"initiated": 0, "ringing": 1, "answered": 2, "completed": 3} {
		form := callbackForm(sidCA, event, 0, "")
		form.Del("SequenceNumber")
		ev, err := ParseCallback(postCallback(form))
		if err != nil || ev.Sequence != want {
			t.Errorf("%s without SequenceNumber: %+v, %v", event, ev, err)
		}
	}
}

func TestParseCallbackRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *http.Request
		want string
	}{
		{"no CallSid", postCallback(url.Values{"CallStatus": {"ringing"}, "SequenceNumber": {"1"}}), "CallSid is missing"},
		{"no CallStatus", postCallback(url.Values{"CallSid": {sidCA}, "SequenceNumber": {"1"}}), "CallStatus is missing"},
		{"bad SequenceNumber", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {"ringing"}, "SequenceNumber": {"one"}}), "SequenceNumber"},
		{"negative SequenceNumber", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {"ringing"}, "SequenceNumber": {"-1"}}), "SequenceNumber"},
		{"unknown event", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {"exploded"}}), "is not one of"},
		{"SequenceNumber past 3", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {"ringing"}, "SequenceNumber": {"4000"}}), "is not 0 to 3"},
		{"huge CallStatus", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {strings.Repeat("r", 60<<10)}}), "is not one of"},
		{"huge From", getCallback(url.Values{"CallSid": {sidCA}, "CallStatus": {"ringing"}, "From": {strings.Repeat("4", 1000)}}), "From is 1000 bytes"},
		{"PUT", httptest.NewRequest(http.MethodPut, "/status", nil), "want GET or POST"},
		{"bad form", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/status", strings.NewReader("CallSid=%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}(), "reading the form"},
		{"huge form", postCallback(url.Values{"CallSid": {strings.Repeat("x", maxCallbackBody)}}), "reading the form"},
	} {
		_, err := ParseCallback(tc.r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCallbackOrderDropsDuplicatesAndLateEvents(t *testing.T) {
	type arrival struct {
		sid    string
		seq    int
		accept bool
	}
	other := sidID
	for _, o := range []*CallbackOrder{{}, NewCallbackOrder()} {
		for i, a := range []arrival{
			{sidCA, 0, true},  // initiated
			{sidCA, 2, true},  // answered overtook ringing
			{sidCA, 1, false}, // ringing arrives late
			{other, 1, true},  // another call is independent
			{sidCA, 2, false}, // duplicate
			{other, 0, false}, // late for the other call
			{sidCA, 3, true},  // completed
			{sidCA, 3, false}, // retried delivery
			{other, 3, true},
		} {
			if got := o.Accept(CallbackEvent{CallSID: a.sid, Sequence: a.seq}); got != a.accept {
				t.Errorf("arrival %d (%s seq %d): Accept = %v, want %v", i, a.sid[:6], a.seq, got, a.accept)
			}
		}
		o.Forget(sidCA)
		if !o.Accept(CallbackEvent{CallSID: sidCA, Sequence: 0}) {
			t.Error("after Forget a call starts afresh")
		}
	}
}

func TestCallbackOrderFromParsedOutOfOrderPosts(t *testing.T) {
	var o CallbackOrder
	var accepted []string
	for _, f := range []url.Values{
		callbackForm(sidCA, "initiated", 0, ""),
		callbackForm(sidCA, "answered", 2, ""),
		callbackForm(sidCA, "ringing", 1, ""),
		callbackForm(sidCA, "answered", 2, ""),
		callbackForm(sidCA, "completed", 3, ""),
	} {
		ev, err := ParseCallback(postCallback(f))
		if err != nil {
			t.Fatal(err)
		}
		if o.Accept(ev) {
			accepted = append(accepted, ev.Event)
		}
	}
	if got := strings.Join(accepted, ","); got != "initiated,answered,completed" {
		t.Errorf("accepted %s", got)
	}
}

func TestCallbackOrderConcurrentDuplicates(t *testing.T) {
	o := NewCallbackOrder()
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for range 16 {
		wg.Go(func() {
			if o.Accept(CallbackEvent{CallSID: sidCA, Sequence: 3}) {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if accepted != 1 {
		t.Errorf("%d goroutines accepted the same event, want 1", accepted)
	}
}

// FuzzParseCallback feeds arbitrary query strings and bodies to
// ParseCallback as GET or POST.
func FuzzParseCallback(f *testing.F) {
	f.Fuzz(func(t *testing.T, post bool, query, body string) {
		target := "http://127.0.0.1/status"
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		u.RawQuery = query
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		r, err := http.NewRequest(method, u.String(), strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ev, err := ParseCallback(r)
		if err != nil {
			return
		}
		if ev.CallSID == "" || ev.Event == "" || ev.Sequence < 0 || ev.Duration < 0 {
			t.Fatalf("accepted an incomplete event: %+v", ev)
		}
		if ev.Event != strings.ToLower(ev.Event) {
			t.Fatalf("Event %q not lower-case", ev.Event)
		}
		if _, ok := parseTime(ev.RawTimestamp); ok == ev.Timestamp.IsZero() {
			t.Fatalf("Timestamp %v disagrees with RawTimestamp %q", ev.Timestamp, ev.RawTimestamp)
		}
		var o CallbackOrder
		if !o.Accept(ev) || o.Accept(ev) {
			t.Fatal("the first sight must be accepted and the second refused")
		}
	})
}
