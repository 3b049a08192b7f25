package sim_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
)

func TestDatesInTheServerZone(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	rcml, fetches := recorder(t, serveDoc(200, "text/xml", "<Response><Say>Hello</Say></Response>"))
	cb, got := recorder(t, serveDoc(200, "text/plain", ""))
	h := newHarness(t, func(o *sim.Options) { o.Location = newYork })
	if h.srv.Location() != newYork {
		t.Fatalf("Location %v", h.srv.Location())
	}
	m := h.create("+12025550126", url.Values{"Url": {rcml.URL}, "StatusCallback": {cb.URL}})
	sid := m["sid"].(string)
	// 09:39:16 UTC is 05:39:16 in New York in June (EDT, -04:00).
	wantFields(t, "created", m, map[string]any{"date_created": "Fri, 30 Jun 2017 05:39:16 -0400",
		"date_updated": "Fri, 30 Jun 2017 05:39:16 -0400", "start_time": "2017-06-30T05:39:16.000-04:00"})

	h.at(time.Minute)
	wantFields(t, "completed", h.call(sid), map[string]any{"date_updated": "Fri, 30 Jun 2017 05:39:19 -0400",
		"start_time": "2017-06-30T05:39:18.200-04:00", "end_time": "2017-06-30T05:39:19.500-04:00"})
	if f := next(t, fetches).PostForm; f.Get("CallTimestamp") != "2017-06-30T05:39:16.000-04:00" {
		t.Errorf("CallTimestamp %q", f.Get("CallTimestamp"))
	}
	if f := events(t, got)[0].PostForm; f.Get("Timestamp") != "Fri, 30 Jun 2017 05:39:16 America/New_York" {
		t.Errorf("Timestamp %q", f.Get("Timestamp"))
	}
}

func TestDatesDefaultToUTC(t *testing.T) {
	h := newHarness(t)
	if h.srv.Location() != time.UTC {
		t.Fatalf("default Location %v", h.srv.Location())
	}
	// One-digit day, in winter: UTC still writes +0000 and Z.
	h.at(24*time.Hour*186 + 12*time.Hour)
	m := h.create("+12025550120", nil)
	wantFields(t, "created", m, map[string]any{"date_created": "Tue, 2 Jan 2018 21:39:16 +0000",
		"start_time": "2018-01-02T21:39:16.000Z"})
}
